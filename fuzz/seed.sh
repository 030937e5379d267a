#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with the repository's procedure files: the
# bundled library (processes/), the examples, and the test fixtures. The
# corpus is generated, not committed (fuzz/.gitignore); run this once before
# the first `cargo fuzz run`, or again to put the seeds back.
#
#   fuzz/seed.sh                 # every target
#   fuzz/seed.sh load_simulate   # only the targets named
#
# gen_simulate reads structured input, not YAML: it starts from an empty
# corpus and gets no seeds.
#
# render_all reads a file as it is, or structured input after a first byte
# 0: it gets every file both ways (`seed-...` and `seed-struct-...`; the
# second only gives the structured half a varied start).
#
# multi_file reads a set of files separated by NUL bytes, or structured
# input after a first byte 0: it gets every directory of procedure files
# as one set (`seed-dir-processes-rijk`, ...), a few sets that escalate
# into each other, and every file as structured input.
set -euo pipefail

fuzz_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$fuzz_dir")
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(load_validate load_simulate gen_simulate multi_file render_all)
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

# processes/rijk/klacht.yaml -> processes-rijk-klacht.yaml
seed_name() {
    local rel=${1#"$repo"/}
    echo "${rel//\//-}"
}

# Writes the files named after $1 to $1, separated by NUL bytes.
write_set() {
    local out=$1 first=1 f
    shift
    : >"$out"
    for f in "$@"; do
        [ $first -eq 1 ] || printf '\0' >>"$out"
        cat "$f" >>"$out"
        first=0
    done
}

for target in "${targets[@]}"; do
    dir="$fuzz_dir/corpus/$target"
    mkdir -p "$dir"
    case $target in
    gen_simulate)
        echo "$target: structured input, no YAML seeds (empty ${dir#"$repo"/})"
        continue
        ;;
    multi_file)
        n=0
        # Every directory that holds procedure files, as one set.
        while IFS= read -r -d '' d; do
            files=()
            while IFS= read -r -d '' f; do
                files+=("$f")
            done < <(find "$d" -maxdepth 1 -type f \( -name '*.yaml' -o -name '*.yml' \) -print0 | sort -z)
            [ ${#files[@]} -gt 0 ] || continue
            write_set "$dir/seed-dir-$(seed_name "$d")" "${files[@]}"
            n=$((n + 1))
        done < <(find "$repo/processes" "$repo/tests/fixtures" -type d -print0 | sort -z)
        # Sets that escalate into each other, or hold a broken file.
        write_set "$dir/seed-set-escalates-elders" \
            "$repo/tests/fixtures/rules/escalates.yaml" "$repo/tests/fixtures/rules/elders.yaml"
        write_set "$dir/seed-set-interne-melding-klacht" \
            "$repo/processes/rijk/interne-melding.yaml" "$repo/processes/rijk/klacht.yaml"
        write_set "$dir/seed-set-vijandig-malformed" \
            "$repo/tests/fixtures/render/vijandig.yaml" "$repo/tests/fixtures/bad/malformed.yaml"
        n=$((n + 3))
        # Every file as structured input.
        for f in "${seeds[@]}"; do
            { printf '\0'; cat "$f"; } >"$dir/seed-struct-$(seed_name "$f")"
            n=$((n + 1))
        done
        echo "$target: $n seeds in ${dir#"$repo"/}"
        continue
        ;;
    esac
    for f in "${seeds[@]}"; do
        cp "$f" "$dir/seed-$(seed_name "$f")"
        if [ "$target" = render_all ]; then
            { printf '\0'; cat "$f"; } >"$dir/seed-struct-$(seed_name "$f")"
        fi
    done
    echo "$target: ${#seeds[@]} seeds in ${dir#"$repo"/}"
done
