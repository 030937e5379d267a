#!/usr/bin/env bash
# Creates the Python environment of the benchmark peers: a venv with SimPy pinned.
# Idempotent: a venv that already has the pinned SimPy is left as it is.
#
#   bash benches/peers/setup.sh [VENV]     (default: benches/peers/.venv)
#
# PYTHON chooses the interpreter (default python3). Not part of .ci/run: the
# peers are a benchmark, not a test.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${1:-$here/.venv}"
python="${PYTHON:-python3}"
simpy_version="4.1.1"

if [ -x "$venv/bin/python" ] &&
    [ "$("$venv/bin/python" -c 'import simpy; print(simpy.__version__)' 2>/dev/null)" = "$simpy_version" ]; then
    echo "$venv: simpy $simpy_version already installed"
    exit 0
fi

"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "simpy==$simpy_version"
"$venv/bin/python" -c 'import simpy, sys; print(sys.argv[1] + ": simpy " + simpy.__version__ + " on Python " + sys.version.split()[0])' "$venv"
