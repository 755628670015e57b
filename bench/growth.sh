#!/usr/bin/env bash
# Linear growth (the scale issue's targets): two copies of a workspace side by side cost <= 2.2 x one;
# a single 50 MB file peaks <= 2 GiB; 10,000 nested inline modules and 20,000 [[data]] entries each run in
# <= 2 s. Prints each measure and its target; exits 0 (the figures are the result).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
tool=target/release/cargo-pii-lint
dir=target/bench-growth
mkdir -p "$dir"

# run NAME MANIFEST: prints wall seconds and peak MiB of one run.
run() {
  local log
  log=$(mktemp)
  /usr/bin/time -f "%e %M" "$tool" --manifest-path "$2/Cargo.toml" --format json -q --no-cache >/dev/null 2>"$log" || true
  tail -1 "$log" | awk -v name="$1" '{printf "%s: %.2f s, %.0f MiB\n", name, $1, $2 / 1024}'
  tail -1 "$log" >"$dir/$1.measure"
  rm -f "$log"
}

one=target/bench-workspace-${FILES:-500}-${LINES_PER_FILE:-250}
[ -d "$one" ] || python3 bench/generate.py "$one" --files "${FILES:-500}" --lines-per-file "${LINES_PER_FILE:-250}"
python3 bench/growth.py copies "$dir/two" "$one"
run one "$one"
run two "$dir/two"
python3 bench/growth.py big-file "$dir/big" 50
run big-file "$dir/big"
python3 bench/growth.py nested "$dir/nested" 10000
run nested "$dir/nested"
python3 bench/growth.py data "$dir/data" 20000
run data "$dir/data"

python3 - "$dir" <<'PY'
import sys
d = sys.argv[1]
def m(name):
    secs, kb = open(f"{d}/{name}.measure").read().split()
    return float(secs), int(kb) / 1024
one, two = m("one"), m("two")
print(f"two copies / one: time {two[0] / one[0]:.2f} (target <= 2.2), memory {two[1] / one[1]:.2f}")
print(f"50 MB file: peak {m('big-file')[1]:.0f} MiB (target <= 2048), {m('big-file')[0]:.1f} s")
print(f"10,000 nested modules: {m('nested')[0]:.2f} s (target <= 2)")
print(f"20,000 [[data]] entries: {m('data')[0]:.2f} s (target <= 2)")
PY
