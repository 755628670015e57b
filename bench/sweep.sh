#!/usr/bin/env bash
# Runs the release build over every crate in the local cargo registry (or the directories given), each
# with a time limit, and prints what a user must never see: crashes (a signal, or an exit code other than
# 0, 1 or 2), time-outs, output that is not one JSON document, and the slowest crates.
#   bash bench/sweep.sh [DIR ...]        TIMEOUT=60 by default
set -uo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet || exit 2
limit=${TIMEOUT:-60}
if [ "$#" -eq 0 ]; then
  set -- "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/*/
fi
out=$(mktemp -d)
crashes=0 timeouts=0 notjson=0 total=0
for dir in "$@"; do
  [ -f "$dir/Cargo.toml" ] || continue
  total=$((total + 1))
  name=$(basename "$dir")
  start=$(date +%s%N)
  timeout "$limit" target/release/cargo-pii-lint --manifest-path "$dir/Cargo.toml" --format json -q --no-cache \
    >"$out/stdout" 2>"$out/stderr"
  code=$?
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  echo "$ms $name" >>"$out/times"
  if [ "$code" -eq 124 ]; then
    timeouts=$((timeouts + 1)); echo "TIMEOUT  $name (> ${limit} s)"
  elif [ "$code" -gt 2 ]; then
    crashes=$((crashes + 1)); echo "CRASH    $name (exit $code): $(tail -n 1 "$out/stderr")"
  elif [ "$code" -le 1 ] && ! python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$out/stdout" 2>/dev/null; then
    notjson=$((notjson + 1)); echo "NOT JSON $name"
  fi
done
echo "crates: $total; crashes: $crashes; time-outs: $timeouts; not JSON: $notjson"
echo "slowest:"
sort -rn "$out/times" | head -n 5 | awk '{printf "  %6d ms  %s\n", $1, $2}'
rm -rf "$out"
