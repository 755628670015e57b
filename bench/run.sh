#!/usr/bin/env bash
# Speed and memory of a whole run against the parse phase alone, on a synthetic merchant workspace of
# about 2,000 files and 500,000 lines. Targets: total / parse <= 1.5; peak RSS / source bytes <= 10.
set -euo pipefail
cd "$(dirname "$0")/.."
files=${FILES:-2000}
lines=${LINES_PER_FILE:-250}
out=target/bench-workspace-$files-$lines

cargo build --release --quiet
if [ ! -d "$out" ]; then
  python3 bench/generate.py "$out" --files "$files" --lines-per-file "$lines"
fi
if ! command -v /usr/bin/time >/dev/null || ! /usr/bin/time -v true 2>/dev/null; then
  echo "bench: GNU time is needed (apt-get install -y time)" >&2
  exit 2
fi

bytes=$(find "$out" -name '*.rs' -print0 | xargs -0 cat | wc -c)
loc=$(find "$out" -name '*.rs' -print0 | xargs -0 cat | wc -l)
nfiles=$(find "$out" -name '*.rs' | wc -l)
log=$(mktemp)
status=0
/usr/bin/time -v target/release/cargo-pii-lint --manifest-path "$out/Cargo.toml" --format json --timings -q --no-cache \
  >/dev/null 2>"$log" || status=$?
if [ "$status" -gt 1 ]; then
  cat "$log" >&2
  exit "$status"
fi
parse=$(awk '/^timing: parse/ {print $3}' "$log")
total=$(awk '/^timing: total/ {print $3}' "$log")
rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
grep '^timing:' "$log"
python3 - "$nfiles" "$loc" "$bytes" "$parse" "$total" "$rss_kb" <<'PY'
import sys
files, loc, size, parse, total, rss_kb = sys.argv[1:]
size, parse, total, rss = int(size), float(parse), float(total), int(rss_kb) * 1024
print(f"workspace: {files} files, {loc} lines, {size / 2**20:.1f} MiB of source")
print(f"parse phase: {parse:.0f} ms; whole run: {total:.0f} ms; ratio total/parse: {total / parse:.2f} (target <= 1.5)")
print(f"peak memory: {rss / 2**20:.0f} MiB; ratio peak/source: {rss / size:.1f} (target <= 10)")
PY
rm -f "$log"
