"""Reads an event log written by `meldroute simulate --log` with PM4Py, as
a user would, and prints what PM4Py sees as one JSON object: the cases,
the events, the activities and the mean case duration in days (the last
event's time less the first's, per case). tests/eventlog.rs compares it
with meldroute's own figures. PM4Py is a test tool here, never a
dependency of meldroute (it is AGPL).

Usage: check_log.py FORMAT FILE, FORMAT one of csv, xes, ocel.
"""

import json
import sys
import warnings

warnings.simplefilter("ignore")

import pandas as pd  # noqa: E402
import pm4py  # noqa: E402


def from_dataframe(df):
    durations = pm4py.get_all_case_durations(df)
    return {
        "cases": int(df["case:concept:name"].nunique()),
        "events": int(len(df)),
        "activities": sorted(str(a) for a in df["concept:name"].unique()),
        "mean_case_duration_days": float(sum(durations) / len(durations) / 86400.0),
    }


def main():
    fmt, path = sys.argv[1], sys.argv[2]
    if fmt == "xes":
        df = pm4py.read_xes(path)
        out = from_dataframe(df)
    elif fmt == "csv":
        df = pd.read_csv(path, dtype={"case:concept:name": str})
        df = pm4py.format_dataframe(
            df,
            case_id="case:concept:name",
            activity_key="concept:name",
            timestamp_key="time:timestamp",
        )
        out = from_dataframe(df)
    elif fmt == "ocel":
        ocel = pm4py.read_ocel2_json(path)
        rel = ocel.relations
        cases = rel[rel[ocel.object_type_column] == "case"]
        span = cases.groupby(ocel.object_id_column)[ocel.event_timestamp].agg(["min", "max"])
        days = (span["max"] - span["min"]).dt.total_seconds() / 86400.0
        objects = ocel.objects
        out = {
            "cases": int((objects[ocel.object_type_column] == "case").sum()),
            "events": int(len(ocel.events)),
            "activities": sorted(str(a) for a in ocel.events[ocel.event_activity].unique()),
            "mean_case_duration_days": float(days.mean()),
        }
    else:
        raise SystemExit(f"unknown format {fmt}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
