#!/usr/bin/env python3
"""SimPy peer of meldroute's caseload benchmark (issue 17): one JSON line per run.

Two models, written the way SimPy's own examples write them (a source process,
one process per case or customer, `with resource.request() as req: yield req`):

Journey model (default)
    Reports arrive as a Poisson process, `--rate-per-year` (400) a year, that is
    400/365.25 a day, for `--years` (10) years of 365.25 days; the run stops at
    that horizon. Each case:
      1. intake, no resource: exponential, mean `--intake-mean` (2) days;
      2. screening: waits for one of `--investigators` (3) investigators, one
         FIFO `simpy.Resource`, then works exponential, mean
         `--screening-mean` (5) days, and releases the investigator;
      3. with probability `--investigation-share` (0.5) investigation: waits
         for an investigator again (back of the same queue) and works
         exponential, mean `--investigation-mean` (20) days; otherwise
         answer, no resource: fixed `--answer` (3) days;
      4. the case ends.

M/M/1 (`--mm1`)
    `--customers` (100,000) customers per replication arrive as a Poisson
    process of rate `--arrival-rate` (0.8) at one FIFO server with exponential
    service of rate `--service-rate` (1); the run goes on until the last one
    has left. The output compares the mean wait in the queue with
    rho / (mu - lambda) (4.0 at rho 0.8) and the utilisation with rho. That is
    a check of the model and of the counting, not a test: the system starts
    empty and no warm-up is cut (the bias is far below the interval at 10^5
    customers).

`--replications` (20) replications run one after another in this one process
(one core), replication r with its own `random.Random` seeded with the string
"SEED/r" (`--seed`, default 1; string seeds are hashed with SHA-512, the same
on every platform and run).

What is counted
    events: the model's events as the benchmark's brief defines them: every
        arrival (the end of an inter-arrival timeout), every start of service
        (a granted `Resource.request()`), and every completion of any other
        timeout (intake, screening work, investigation work, answer; M/M/1:
        service). An arrival is one event, not two. Per journey case that is 5 or 6 events (5.5 on average), per
        M/M/1 customer 3. The process code counts them: each `yield` returns
        exactly when SimPy has processed that event's queue entry, and a
        counter is incremented there. Events still in the queue at the
        horizon are not counted.
    events_without_starts: the same less the starts of service, that is the
        arrivals and the completed timeouts (4 per journey case, 2 per M/M/1
        customer). meldroute's caseload engine (sim::des) pops one heap entry
        per arrival and per timed step's end, and starts a service inside the
        event that frees the handler or brings the case, so this is the figure
        that counts as it counts.
    queue_entries: every entry SimPy popped from its event queue
        (`Environment.step()` calls), whatever it is: besides the timeouts and
        granted requests above, each process's `Initialize`, each `Release`,
        each finished `Process` and the horizon's own stop event. SimPy numbers
        every scheduled entry (`env._eid`, an `itertools.count`), so this is
        the entries scheduled, `next(env._eid)`, less those left in
        `env._queue` at the end. It costs nothing during the run.
    `--count-check` wraps `env.step` to classify each popped entry by type and
        checks that the `Timeout` and `Request` entries equal the events above;
        it slows the run, so its figures are not for the table.

    cases_per_s, events_per_s, events_without_starts_per_s and
    queue_entries_per_s divide by wall_s: the wall time (`time.perf_counter`)
    of the replications themselves, building each `Environment` and running
    it, summed; not Python's start-up, imports or the summary. cases_per_s counts completed cases (M/M/1: customers
    served). cpu_s is the process's CPU time (`time.process_time`) over the
    same spans and events_per_cpu_s divides by it: on a busy machine it leaves
    out the time the process waited for a core.

Figures
    Means over the replications, each with the half-width of its 95% interval
    (Student t over the replications' means). Lead time: arrival to end, over
    the cases completed by the horizon. Waiting per step: from the request to
    the grant, over the services started by the horizon (a case still waiting
    at the horizon is not in it). Utilisation: work time of the investigators
    within the horizon over investigators x horizon.

Run `bash benches/peers/setup.sh` once, then
`benches/peers/.venv/bin/python benches/peers/simpy_caseload.py [--mm1] [flags]`.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import random
import statistics
import sys
import time

import simpy

DAYS_PER_YEAR = 365.25


class Counts:
    """What one replication counts; plain attributes, cheap to increment."""

    __slots__ = (
        "arrivals",
        "timeouts",
        "starts",
        "completed",
        "lead_sum",
        "wait_sum",
        "wait_n",
        "busy",
    )

    def __init__(self, steps: int) -> None:
        self.arrivals = 0
        self.timeouts = 0  # completed timeouts other than inter-arrival ones
        self.starts = 0  # granted requests
        self.completed = 0
        self.lead_sum = 0.0
        self.wait_sum = [0.0] * steps
        self.wait_n = [0] * steps
        self.busy = 0.0

    def events(self) -> int:
        return self.arrivals + self.timeouts + self.starts

    def events_without_starts(self) -> int:
        return self.arrivals + self.timeouts


SCREENING, INVESTIGATION = 0, 1


def journey_case(env, rng, investigators, counts, args, horizon):
    arrived = env.now
    yield env.timeout(rng.expovariate(1.0 / args.intake_mean))
    counts.timeouts += 1
    with investigators.request() as request:
        asked = env.now
        yield request
        counts.starts += 1
        counts.wait_sum[SCREENING] += env.now - asked
        counts.wait_n[SCREENING] += 1
        work = rng.expovariate(1.0 / args.screening_mean)
        counts.busy += min(work, horizon - env.now)
        yield env.timeout(work)
        counts.timeouts += 1
    if rng.random() < args.investigation_share:
        with investigators.request() as request:
            asked = env.now
            yield request
            counts.starts += 1
            counts.wait_sum[INVESTIGATION] += env.now - asked
            counts.wait_n[INVESTIGATION] += 1
            work = rng.expovariate(1.0 / args.investigation_mean)
            counts.busy += min(work, horizon - env.now)
            yield env.timeout(work)
            counts.timeouts += 1
    else:
        yield env.timeout(args.answer)
        counts.timeouts += 1
    counts.completed += 1
    counts.lead_sum += env.now - arrived


def journey_source(env, rng, investigators, counts, args, horizon):
    rate = args.rate_per_year / DAYS_PER_YEAR
    while True:
        yield env.timeout(rng.expovariate(rate))
        counts.arrivals += 1
        env.process(journey_case(env, rng, investigators, counts, args, horizon))


def mm1_customer(env, rng, server, counts, args):
    arrived = env.now
    with server.request() as request:
        yield request
        counts.starts += 1
        counts.wait_sum[0] += env.now - arrived
        counts.wait_n[0] += 1
        work = rng.expovariate(args.service_rate)
        counts.busy += work
        yield env.timeout(work)
        counts.timeouts += 1
    counts.completed += 1
    counts.lead_sum += env.now - arrived


def mm1_source(env, rng, server, counts, args):
    for _ in range(args.customers):
        yield env.timeout(rng.expovariate(args.arrival_rate))
        counts.arrivals += 1
        env.process(mm1_customer(env, rng, server, counts, args))


def check_counting(env):
    """Wraps env.step to count the popped queue entries by type (`--count-check`)."""
    by_type: dict[str, int] = {}
    step = env.step

    def counting_step():
        if env._queue:
            name = type(env._queue[0][3]).__name__
            by_type[name] = by_type.get(name, 0) + 1
        step()

    env.step = counting_step
    return by_type


def replicate(args, r):
    """One replication: its counts, queue entries, wall time, end time, entries by type, CPU time."""
    rng = random.Random(f"{args.seed}/{r}")
    started, cpu_started = time.perf_counter(), time.process_time()
    env = simpy.Environment()
    by_type = check_counting(env) if args.count_check else None
    if args.mm1:
        counts = Counts(1)
        server = simpy.Resource(env, capacity=1)
        env.process(mm1_source(env, rng, server, counts, args))
        env.run()
    else:
        counts = Counts(2)
        horizon = args.years * DAYS_PER_YEAR
        investigators = simpy.Resource(env, capacity=args.investigators)
        env.process(journey_source(env, rng, investigators, counts, args, horizon))
        env.run(until=horizon)
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    entries = next(env._eid) - len(env._queue)
    if by_type is not None:
        timeouts = by_type.get("Timeout", 0)
        requests = by_type.get("Request", 0)
        if timeouts != counts.arrivals + counts.timeouts or requests != counts.starts:
            sys.exit(
                f"count check failed in replication {r}: queue had {timeouts} Timeout and "
                f"{requests} Request entries, the model counted {counts.arrivals} arrivals, "
                f"{counts.timeouts} other timeouts and {counts.starts} starts"
            )
        if sum(by_type.values()) != entries:
            sys.exit(f"count check failed in replication {r}: {by_type} vs {entries} entries")
    return counts, entries, wall, env.now, by_type, cpu


def t_quantile(p: float, df: int) -> float:
    """The p-quantile of Student's t with df degrees of freedom (bisection on its CDF)."""

    def cdf(t: float) -> float:
        # P(T <= t) through the regularised incomplete beta I_x(df/2, 1/2).
        x = df / (df + t * t)
        tail = 0.5 * incomplete_beta(df / 2.0, 0.5, x)
        return 1.0 - tail if t > 0 else tail

    lo, hi = 0.0, 1000.0
    for _ in range(200):
        mid = (lo + hi) / 2.0
        if cdf(mid) < p:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2.0


def incomplete_beta(a: float, b: float, x: float) -> float:
    """Regularised incomplete beta I_x(a, b) (Lentz's continued fraction)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    if x > (a + 1.0) / (a + b + 2.0):
        return 1.0 - incomplete_beta(b, a, 1.0 - x)
    front = math.exp(
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    ) / a
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    f = d
    for m in range(1, 500):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            f *= c * d
        if abs(c * d - 1.0) < 1e-15:
            break
    return front * f


def estimate(values: list[float]) -> dict:
    """Mean over the replications with the half-width of its 95% t interval."""
    values = [v for v in values if not math.isnan(v)]
    if not values:
        return {"mean": None, "ci95": None, "replications": 0}
    mean = statistics.fmean(values)
    if len(values) < 2:
        return {"mean": mean, "ci95": None, "replications": len(values)}
    half = t_quantile(0.975, len(values) - 1) * statistics.stdev(values) / math.sqrt(len(values))
    return {"mean": mean, "ci95": half, "replications": len(values)}


def ratio(total: float, n: int) -> float:
    return total / n if n else math.nan


def parse(argv):
    parser = argparse.ArgumentParser(
        description="SimPy peer of meldroute's caseload benchmark; prints one JSON line.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--mm1", action="store_true", help="run the M/M/1 reference model")
    parser.add_argument("--seed", type=int, default=1, help="master seed; replication r uses 'SEED/r'")
    parser.add_argument("--replications", type=int, default=20, help="replications, each with its own seed")
    parser.add_argument("--count-check", action="store_true", help="classify every queue entry (slower)")
    journey = parser.add_argument_group("journey model")
    journey.add_argument("--years", type=float, default=10.0, help="horizon in years of 365.25 days")
    journey.add_argument("--rate-per-year", type=float, default=400.0, help="reports per year (Poisson)")
    journey.add_argument("--investigators", type=int, default=3, help="capacity of the shared resource")
    journey.add_argument("--intake-mean", type=float, default=2.0, help="intake, exponential mean, days")
    journey.add_argument("--screening-mean", type=float, default=5.0, help="screening, exponential mean, days")
    journey.add_argument(
        "--investigation-mean", type=float, default=20.0, help="investigation, exponential mean, days"
    )
    journey.add_argument(
        "--investigation-share", type=float, default=0.5, help="probability of an investigation"
    )
    journey.add_argument("--answer", type=float, default=3.0, help="answer otherwise, fixed days")
    mm1 = parser.add_argument_group("M/M/1 (--mm1)")
    mm1.add_argument("--customers", type=int, default=100_000, help="customers per replication")
    mm1.add_argument("--arrival-rate", type=float, default=0.8, help="lambda")
    mm1.add_argument("--service-rate", type=float, default=1.0, help="mu")
    args = parser.parse_args(argv)
    positive = ["replications", "years", "rate_per_year", "investigators", "customers", "arrival_rate"]
    positive += ["service_rate", "intake_mean", "screening_mean", "investigation_mean"]
    for name in positive:
        if not getattr(args, name) > 0:
            parser.error(f"--{name.replace('_', '-')} must be above zero")
    if not 0.0 <= args.investigation_share <= 1.0:
        parser.error("--investigation-share must lie in [0, 1]")
    if args.answer < 0:
        parser.error("--answer must not be negative")
    return args


def main(argv=None) -> None:
    args = parse(argv)
    runs = [replicate(args, r) for r in range(args.replications)]
    wall = sum(run[2] for run in runs)
    cpu = sum(run[5] for run in runs)
    events = sum(run[0].events() for run in runs)
    without_starts = sum(run[0].events_without_starts() for run in runs)
    entries = sum(run[1] for run in runs)
    completed = sum(run[0].completed for run in runs)
    out = {
        "peer": "simpy",
        "model": "mm1" if args.mm1 else "journey",
        "simpy": simpy.__version__,
        "python": platform.python_version(),
        "seed": args.seed,
        "replications": args.replications,
    }
    if args.mm1:
        lam, mu = args.arrival_rate, args.service_rate
        rho = lam / mu
        wait = estimate([ratio(c.wait_sum[0], c.wait_n[0]) for c, *_ in runs])
        utilisation = estimate([c.busy / end for c, _, _, end, *_ in runs])
        out["parameters"] = {"customers": args.customers, "arrival_rate": lam, "service_rate": mu}
        out["customers_served"] = completed
        out["mean_wait_in_queue"] = wait
        out["utilisation"] = utilisation
        if rho < 1:
            theory = rho / (mu - lam)
            out["theory"] = {"mean_wait_in_queue": theory, "utilisation": rho}
            out["check"] = {
                "wait_relative_error": (wait["mean"] - theory) / theory,
                "wait_theory_within_ci95": abs(wait["mean"] - theory) <= (wait["ci95"] or 0.0),
                "utilisation_theory_within_ci95": abs(utilisation["mean"] - rho)
                <= (utilisation["ci95"] or 0.0),
            }
    else:
        horizon = args.years * DAYS_PER_YEAR
        out["parameters"] = {
            "years": args.years,
            "rate_per_year": args.rate_per_year,
            "investigators": args.investigators,
            "intake_mean": args.intake_mean,
            "screening_mean": args.screening_mean,
            "investigation_share": args.investigation_share,
            "investigation_mean": args.investigation_mean,
            "answer": args.answer,
        }
        work = args.screening_mean + args.investigation_share * args.investigation_mean
        out["offered_load"] = args.rate_per_year / DAYS_PER_YEAR * work / args.investigators
        out["cases_arrived"] = sum(run[0].arrivals for run in runs)
        out["cases_completed"] = completed
        out["mean_lead_time_days"] = estimate([ratio(c.lead_sum, c.completed) for c, *_ in runs])
        out["mean_wait_days"] = {
            step: estimate([ratio(c.wait_sum[i], c.wait_n[i]) for c, *_ in runs])
            for i, step in enumerate(["screening", "investigation"])
        }
        out["services_started"] = {
            step: sum(c.wait_n[i] for c, *_ in runs)
            for i, step in enumerate(["screening", "investigation"])
        }
        out["utilisation"] = estimate([c.busy / (args.investigators * horizon) for c, *_ in runs])
    out["wall_s"] = wall
    out["cpu_s"] = cpu
    out["events"] = events
    out["events_without_starts"] = without_starts
    out["queue_entries"] = entries
    out["events_per_s"] = events / wall
    out["events_without_starts_per_s"] = without_starts / wall
    out["queue_entries_per_s"] = entries / wall
    out["cases_per_s"] = completed / wall
    out["events_per_cpu_s"] = events / cpu
    if args.count_check:
        total: dict[str, int] = {}
        for *_, by_type, _ in runs:
            for name, n in by_type.items():
                total[name] = total.get(name, 0) + n
        out["count_check"] = {"ok": True, "queue_entries_by_type": dict(sorted(total.items()))}
    print(json.dumps(out, allow_nan=False))


if __name__ == "__main__":
    main()
