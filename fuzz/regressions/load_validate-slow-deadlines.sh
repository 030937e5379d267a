#!/usr/bin/env bash
# Slow inputs (not crashes) for rule MR010 invalid-deadline: valid procedure
# files whose validation takes seconds. Too large for a fuzzer input
# (-max_len=12288), so kept as this generator. See docs/fuzzing.md.
#
#   fuzz/regressions/load_validate-slow-deadlines.sh fan 4001 > /tmp/fan.yaml
#   time meldroute validate /tmp/fan.yaml
#
# fan N:   step s0 branches to s1..s(N-1) (p = 1/(N-1) each); each of those
#          ends the journey and has a deadline counted from s0. Before
#          42adc73, for each deadline StepGraph::has_path(s0, si) ran one
#          search per successor of s0 until it found si, each allocating a
#          Vec<bool> of N steps: cubic. N = 4001 is 609,986 bytes, under
#          every default limit.
# chain N: a chain s0 -> s1 -> ... in which every step has a deadline
#          counted from s0: quadratic before 42adc73. N = 10000 is
#          1,007,826 bytes.
#
# Since 42adc73 the deadline rule searches once per `from` step, and each
# search starts from all roots at once: both shapes validate in linear time
# (see the "largest file" group in crates/meldroute-core/benches/load.rs).
set -euo pipefail
shape=${1:-fan}
n=${2:-4001}
printf 'id: fuzz/termijnen\ntitle: T\norganisation: F\nkind: advice\nsources: {}\n'
printf 'actors:\n  m: {title: M, role: reporter}\nstart: s0\nsteps:\n'
case $shape in
fan)
    p=$(awk -v k=$((n - 1)) 'BEGIN { printf "%.17g", 1 / k }')
    printf '  s0:\n    title: S\n    actor: m\n    kind: report\n    basis: law\n    next:\n'
    for ((i = 1; i < n; i++)); do
        printf '      - {to: s%d, p: %s}\n' "$i" "$p"
    done
    for ((i = 1; i < n; i++)); do
        printf '  s%d: {title: S, actor: m, kind: closure, deadline: {within: 1d, from: s0, basis: w}, outcome: closed}\n' "$i"
    done
    ;;
chain)
    printf '  s0: {title: S, actor: m, kind: report, next: s1}\n'
    for ((i = 1; i < n - 1; i++)); do
        printf '  s%d: {title: S, actor: m, kind: intake, deadline: {within: 1d, from: s0, basis: w}, next: s%d}\n' "$i" "$((i + 1))"
    done
    printf '  s%d: {title: S, actor: m, kind: closure, outcome: closed}\n' "$((n - 1))"
    ;;
*)
    echo "usage: $0 [fan|chain] [N]" >&2
    exit 2
    ;;
esac
