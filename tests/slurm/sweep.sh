#!/usr/bin/env bash
# Runs the tiny sweep on the private cluster (start.sh) with `smmusim sweep --slurm` and checks
# its results: the same checks as the local sweep, and the same bytes as the local results.csv
# when that is given. Usage: sweep.sh SMMUSIM SWEEP.yaml STATE OUT [LOCAL_RESULTS.csv]
set -euo pipefail
sim=$1 sweep=$2 state=$3 out=$4 local=${5:-}
here=$(cd "$(dirname "$0")" && pwd)
command -v sbatch >/dev/null || { echo "FAIL: sbatch not installed"; exit 1; }
[ -s "$state" ] || { echo "FAIL: no cluster (start.sh did not run)"; exit 1; }
export SLURM_CONF=$(cat "$state")/slurm.conf
rm -rf "$out"
start=$(date +%s)
"$sim" sweep "$sweep" --out "$out" --slurm --partition test --time 5 --slurm-timeout 60 \
  --slurm-poll 0.2 --progress off
echo "took $(( $(date +%s) - start )) s"
grep -qx '#SBATCH --array=0-3' "$out/sweep.sbatch" || { echo "FAIL: array line"; exit 1; }
bash "$here/../sweep/check_results.sh" "$out/results.csv"
if [ -n "$local" ]; then
  cmp "$out/results.csv" "$local" || { echo "FAIL: Slurm and local results differ"; exit 1; }
fi
echo "slurm sweep ok"
