#!/usr/bin/env bash
# Makes what the event-log tests (tests/eventlog.rs) need to check our logs
# with the real PM4Py: a Python virtual environment in DIR (default
# target/pm4py) with the pinned packages of requirements.txt (PM4Py and
# what it pulls in, from PyPI), and DIR/bin/pm4py-python, the program the
# tests look for on PATH, which runs that environment's Python. Then:
#   export PATH="$PWD/target/pm4py/bin:$PATH"
# Idempotent. PM4Py is AGPL: a test tool only, never a dependency of
# meldroute (docs/eventlog.md).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=${1:-target/pm4py}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
if [ ! -x "$dir/venv/bin/python" ]; then
  python3 -m venv "$dir/venv"
fi
"$dir/venv/bin/pip" install -q --disable-pip-version-check -r "$here/requirements.txt"
mkdir -p "$dir/bin"
cat > "$dir/bin/pm4py-python" <<WRAP
#!/bin/sh
exec "$dir/venv/bin/python" "\$@"
WRAP
chmod +x "$dir/bin/pm4py-python"
"$dir/bin/pm4py-python" -c 'import pm4py' 2>/dev/null
echo "PM4Py ready: put $dir/bin on PATH"
