#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with the repository's procedure files: the
# bundled library (processes/), the examples, and the test fixtures. The
# corpus is generated, not committed (fuzz/.gitignore); run this once before
# the first `cargo fuzz run`, or again to put the seeds back.
#
#   fuzz/seed.sh                 # load_validate and load_simulate
#   fuzz/seed.sh load_simulate   # only the targets named
#
# gen_simulate reads structured input, not YAML: it starts from an empty
# corpus and gets no seeds.
set -euo pipefail

fuzz_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$fuzz_dir")
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(load_validate load_simulate)
fi

seeds=()
while IFS= read -r -d '' f; do
    seeds+=("$f")
done < <(find "$repo/processes" "$repo/tests/fixtures" -type f \( -name '*.yaml' -o -name '*.yml' \) -print0 | sort -z)
# Regression inputs found earlier are seeds too: they sit where bugs were
# (inputs only: a `.sh` there generates an input too large to fuzz with).
while IFS= read -r -d '' f; do
    seeds+=("$f")
done < <(find "$fuzz_dir/regressions" -type f \( -name '*.yaml' -o -name '*.bin' \) -print0 2>/dev/null | sort -z)

for target in "${targets[@]}"; do
    dir="$fuzz_dir/corpus/$target"
    mkdir -p "$dir"
    if [ "$target" = gen_simulate ]; then
        echo "$target: structured input, no YAML seeds (empty ${dir#"$repo"/})"
        continue
    fi
    for f in "${seeds[@]}"; do
        # processes/rijk/klacht.yaml -> seed-processes-rijk-klacht.yaml
        rel=${f#"$repo"/}
        cp "$f" "$dir/seed-${rel//\//-}"
    done
    echo "$target: ${#seeds[@]} seeds in ${dir#"$repo"/}"
done
