#!/usr/bin/env bash
# End-to-end test of a local sweep: `smmusim sweep tiny.yaml -j 2`, its results, and a re-run
# that skips every point. Usage: local.sh SMMUSIM SWEEP.yaml OUT
set -euo pipefail
sim=$1 sweep=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$out"
"$sim" sweep "$sweep" --out "$out" -j 2 --progress off
bash "$here/check_results.sh" "$out/results.csv"
for i in 0 1 2 3; do
  for f in scenario.yaml stats.json log.txt; do
    [ -s "$out/points/000$i/$f" ] || { echo "FAIL: $out/points/000$i/$f missing"; exit 1; }
  done
done
[ -s "$out/results.json" ] || { echo "FAIL: results.json missing"; exit 1; }

# Resume: nothing runs again, the results are the same.
cp "$out/results.csv" "$out/first.csv"
touch "$out/marker"
sleep 1  # mtime granularity
log=$("$sim" sweep "$sweep" --out "$out" -j 2 --progress off)
echo "$log"
grep -q "resuming: 4 of 4 points already done, skipped" <<<"$log" ||
  { echo "FAIL: the re-run did not skip the points"; exit 1; }
changed=$(find "$out/points" -newer "$out/marker" -type f)
[ -z "$changed" ] || { echo "FAIL: the re-run rewrote: $changed"; exit 1; }
cmp "$out/results.csv" "$out/first.csv" || { echo "FAIL: results.csv changed"; exit 1; }
echo "local sweep ok"
