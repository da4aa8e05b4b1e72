#!/usr/bin/env bash
# Starts a private single-node Slurm cluster for the tests (docs/sweeps.md, TOOLCHAIN notes):
# munged, slurmctld and slurmd with their own key, socket, config, state and unused ports in a
# fresh temp dir, as the current user. Writes that dir's path to STATE (read by sweep.sh and
# stop.sh). Fails (never skips) when Slurm or munge is not installed.
# Usage: start.sh STATE
set -euo pipefail
state=$1
here=$(cd "$(dirname "$0")" && pwd)
missing=""
for p in /usr/sbin/munged /usr/sbin/slurmctld /usr/sbin/slurmd; do
  [ -x "$p" ] || missing+=" $p"
done
for c in sbatch squeue sinfo; do command -v "$c" >/dev/null || missing+=" $c"; done
if [ -n "$missing" ]; then
  echo "FAIL: Slurm is not installed (missing:$missing); scripts/install-deps.sh installs" \
       "slurmctld slurmd slurm-client munge"
  exit 1
fi

D=$(mktemp -d "${TMPDIR:-/tmp}/smmusim-slurm.XXXXXX")
echo "$D" >"$state"
failed() {
  echo "FAIL: Slurm did not start; logs:"
  tail -n 20 "$D"/log/* "$D"/munge/munged.log 2>/dev/null
  bash "$here/stop.sh" "$state"
}
trap failed ERR
mkdir -p "$D/state" "$D/spool" "$D/log" "$D/munge"
chmod 711 "$D/munge"
dd if=/dev/urandom of="$D/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$D/munge/munge.key"
/usr/sbin/munged --socket="$D/munge/munge.sock" --key-file="$D/munge/munge.key" \
  --pid-file="$D/munge/munged.pid" --log-file="$D/munge/munged.log" \
  --seed-file="$D/munge/seed" --force

# Two unused TCP ports next to each other (nothing accepts a connection on them).
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=""
for _ in $(seq 100); do
  p=$((20000 + RANDOM % 40000))
  if port_free "$p" && port_free $((p + 1)); then port=$p; break; fi
done
[ -n "$port" ] || { echo "FAIL: no free port pair"; false; }

host=$(hostname -s)
user=$(id -un)
cat >"$D/slurm.conf" <<CONF
ClusterName=smmusimtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=$user
SlurmdUser=$user
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$D/munge/munge.sock
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmdParameters=config_overrides
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
ReturnToService=2
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.pid
SlurmctldLogFile=$D/log/slurmctld.log
SlurmdLogFile=$D/log/slurmd.log
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
MailProg=/bin/true
NodeName=$host NodeAddr=127.0.0.1 CPUs=8 RealMemory=1000 State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$D/slurm.conf
/usr/sbin/slurmctld
/usr/sbin/slurmd

for _ in $(seq 200); do
  if sinfo -h -o %T 2>/dev/null | grep -qx idle; then
    echo "Slurm up in $D (ports $port, $((port + 1)))"
    exit 0
  fi
  sleep 0.1
done
echo "FAIL: the node did not become idle: $(sinfo -h -o '%T %E' 2>&1)"
false
