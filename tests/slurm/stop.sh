#!/usr/bin/env bash
# Stops the cluster start.sh started: kills slurmd, slurmctld and munged by the PIDs in their
# pid files, waits for them to exit and removes the temp dir (its logs are kept next to STATE).
# Usage: stop.sh STATE
set -uo pipefail
state=$1
[ -s "$state" ] || exit 0
D=$(cat "$state")
[ -d "$D" ] || { rm -f "$state"; exit 0; }
# The Slurm daemons first (together: each takes a second or two to wind down), then munged.
stop() {
  local pids=() f pid
  for f in "$@"; do
    [ -s "$f" ] || continue
    pid=$(cat "$f")
    kill "$pid" 2>/dev/null && pids+=("$pid")
  done
  for _ in $(seq 200); do
    local alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.05
  done
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null; done
  rm -f "$@"
}
stop "$D/slurmd.pid" "$D/slurmctld.pid"
stop "$D/munge/munged.pid"
rm -rf "$state.logs"
mkdir -p "$state.logs"
cp -r "$D/log/." "$D/munge/munged.log" "$state.logs/" 2>/dev/null
rm -rf "$D" "$state"
echo "Slurm stopped"
