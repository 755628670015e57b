#!/usr/bin/env bash
# Speed and memory on a real checkout, side by side in one run (SPEC 6, the scale issue): the floor (every
# file parsed once with syn, span-locations on, all cores), the linter's cold run (--no-cache), its ratio to
# the floor, a warm run after one file is edited (both the process's wall time), a save of that edit in the
# language server (bench/lsp.py), its peak memory against the source size, and semgrep with the shared rule
# when `semgrep` is on PATH.
# It fetches nothing: give it a checkout (with its pii-lint.toml at the root, if any).
#   bash bench/real.sh /path/to/hyperswitch [RUNS]
set -euo pipefail
checkout=${1:?usage: bench/real.sh <checkout> [runs]}
runs=${2:-3}
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
if ! /usr/bin/time -v true 2>/dev/null; then
  echo "bench: GNU time is needed (apt-get install -y time)" >&2
  exit 2
fi
cargo build --release --quiet
CARGO_TARGET_DIR=target/floor cargo build --release --quiet --manifest-path bench/floor/Cargo.toml

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
bytes=$(find "$checkout" -name '*.rs' -not -path '*/target/*' -print0 | xargs -0 cat | wc -c)

floor=$(for _ in $(seq "$runs"); do
  target/floor/release/pii-lint-floor "$checkout" | sed -E 's/.* in ([0-9]+) ms/\1/'
done | median)

log=$(mktemp)
# The process's wall time (what a user waits for: the phases, and starting and exiting).
total_ms() {
  awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; printf "%.0f\n", s * 1000}' "$log"
}
lint() {
  /usr/bin/time -v target/release/cargo-pii-lint --manifest-path "$checkout/Cargo.toml" --format json -q \
    --timings "$@" >/dev/null 2>"$log" || [ $? -le 1 ]
}
# The cold run bypasses the cache; the warm run follows an edit of one file's code (a function appended to
# a file in the middle of the list, put back afterwards) with the cache of the run before it.
edited=$(find "$checkout" -name '*.rs' -not -path '*/target/*' | sort | awk '{a[NR]=$0} END {print a[int(NR/2)]}')
backup=$(mktemp)
cp "$edited" "$backup"
trap 'cp "$backup" "$edited"; rm -f "$backup" "$log" "$log.rss" "$log.cold" "$log.warm"' EXIT
lint # the cache filled, so the runs below leave records of themselves (a first run leaves none)
for _ in $(seq "$runs"); do
  lint --no-cache
  total_ms >>"$log.cold"
  grep '^timing:' "$log" >"$log.phases"
  awk -F': ' '/Maximum resident set size/ {print $2}' "$log" >>"$log.rss"
  lint
  printf '\nfn pii_lint_bench_edit(x: usize) -> usize {\n    x + 1\n}\n' >>"$edited"
  lint
  total_ms >>"$log.warm"
  cp "$backup" "$edited"
done
# The language server: a save of the same edit, answered from its memory of the last analysis; and a save
# of an edit inside a function body (a statement added, the lines after it moved), in the first file from
# the same place in the list that has a body.
lsp_ms=$(python3 bench/lsp.py target/release/cargo-pii-lint "$checkout" "$edited" "$runs")
body_file=$(find "$checkout" -name '*.rs' -not -path '*/target/*' | sort |
  awk '{a[NR]=$0} END {for (i = int(NR/2); i <= NR; i++) print a[i]}' | python3 bench/lsp.py --first-with-body)
lsp_body_ms=$(python3 bench/lsp.py target/release/cargo-pii-lint "$checkout" "$body_file" "$runs" body)
cold=$(median <"$log.cold")
warm=$(median <"$log.warm")
rss_kb=$(median <"$log.rss")
cat "$log.phases"
rm -f "$log.phases"

semgrep_ms=""
if command -v semgrep >/dev/null; then
  start=$(date +%s%N)
  semgrep scan --metrics=off --disable-version-check --jobs 2 --no-git-ignore --timeout 0 --json --quiet \
    --x-ignore-semgrepignore-files --config "${SEMGREP_RULE:-../shared/corpora/semgrep-rule.yaml}" \
    "$checkout" >/dev/null 2>&1 || true
  semgrep_ms=$(( ($(date +%s%N) - start) / 1000000 ))
fi

python3 - "$bytes" "$floor" "$cold" "$warm" "$rss_kb" "$semgrep_ms" "$lsp_ms" "$lsp_body_ms" <<'PY'
import sys
size, floor, cold, warm, rss_kb, semgrep, lsp, lsp_body = sys.argv[1:]
size, floor, cold, warm, rss = int(size), float(floor), float(cold), float(warm), int(rss_kb) * 1024
print(f"source: {size / 2**20:.1f} MiB")
print(f"floor (parse every file once, all cores): {floor:.0f} ms")
print(f"cold run: {cold:.0f} ms; ratio cold/floor: {cold / floor:.2f} (target <= 1.5)")
print(f"warm run (one file edited, the cache of the run before): {warm:.0f} ms; ratio warm/cold: {warm / cold:.2f} (target <= 0.1)")
print(f"language server save (the same edit): {float(lsp):.0f} ms; ratio save/cold: {float(lsp) / cold:.2f} (target <= 0.1)")
print(f"language server save (an edit inside a body): {float(lsp_body):.0f} ms; ratio save/cold: {float(lsp_body) / cold:.2f} (target <= 0.1)")
print(f"peak memory: {rss / 2**20:.0f} MiB; ratio peak/source: {rss / size:.1f} (target <= 10)")
if semgrep:
    s = float(semgrep)
    print(f"semgrep: {s:.0f} ms; ratio semgrep/cold: {s / cold:.2f} (target >= 6)")
else:
    print("semgrep: not installed (pip install semgrep in a virtualenv outside the repo)")
PY
