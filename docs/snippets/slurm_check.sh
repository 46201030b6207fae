#!/usr/bin/env bash
# Runs docs/deploy/slurm-array.sbatch on a one-node Slurm cluster started here on
# 127.0.0.1 (munge, slurmctld, slurmd), waits for its 4 tasks, and checks the dataset
# with `synthdata verify` and against a single run of the same config.
# Usage: slurm_check.sh SYNTHDATA_BINARY   (as root, with slurm-wlm and munge installed)
set -euo pipefail
bin=$(realpath "$1")
here=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/synth-slurm.XXXXXX)
chmod 755 "$work"
export SLURM_CONF="$work/slurm.conf"
cleanup() {
    for pid in "$work"/slurmd.pid "$work"/slurmctld.pid "$work"/munged.pid; do
        [ -f "$pid" ] && kill "$(cat "$pid")" 2>/dev/null || true
    done
    pkill -f "slurmd -f $SLURM_CONF" 2>/dev/null || true
    pkill -f "slurmctld -f $SLURM_CONF" 2>/dev/null || true
    pkill -f "munged --pid-file=$work/munged.pid" 2>/dev/null || true
    sleep 1
    rm -rf "$work"
}
trap cleanup EXIT

# munge: a key, and the daemon with its socket in the work directory.
mkdir -p "$work/munge"
if [ ! -s /etc/munge/munge.key ]; then
    if command -v mungekey >/dev/null; then mungekey --create --keyfile=/etc/munge/munge.key --force;
    else dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 2>/dev/null; fi
fi
chown munge:munge /etc/munge/munge.key 2>/dev/null || true
chmod 400 /etc/munge/munge.key
mkdir -p /run/munge /var/log/munge /var/lib/munge
chown munge:munge /run/munge /var/log/munge /var/lib/munge 2>/dev/null || true
runuser -u munge -- /usr/sbin/munged --pid-file="$work/munged.pid" --force || /usr/sbin/munged --force
for _ in $(seq 50); do munge -n >/dev/null 2>&1 && break; sleep 0.1; done
munge -n | unmunge >/dev/null

cpus=$(nproc)
mem_mb=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024 ))
mkdir -p "$work/state" "$work/spool"
cat > "$SLURM_CONF" <<CONF
ClusterName=synthci
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
ReturnToService=2
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=ci Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF" -N localhost
for _ in $(seq 100); do
    sinfo -h -o '%t' 2>/dev/null | grep -qE '^(idle|mix|alloc)' && break
    sleep 0.2
done
sinfo

dataset="$work/dataset"
cd "$work"
DATASET="$dataset" ENTRIES=100000 SYNTHDATA="$bin" \
    sbatch --wait --chdir="$work" "$here/docs/deploy/slurm-array.sbatch"
cat "$work"/synthdata-*.log || true
ls "$dataset"
"$bin" verify "$dataset"
# The union of the 4 shards is the single run.
"$bin" generate --entries 100000 --part-entries 20000 --out "$work/single" --quiet
diff -r -x 'manifest*' -x '.synthdata*' "$dataset" "$work/single"
echo "Slurm: 4 shards of a job array verified, and equal to the single run"
