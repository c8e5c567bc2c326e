"""make mutate-slurm: a mutation campaign as a Slurm job array (sbatch --array), then the merge.

    python -m tb.mutation.slurm [--shards N] [--files F ...] [--seed S] [--local] [--keep]

Submits tb/mutation/shard.sbatch as array tasks 1..N (each `make mutate SHARD=i/N`), waits for
them (sbatch --wait), and runs `make mutate-merge`. On a real cluster run it from a checkout
on a file system the nodes share. --local first starts a single-node Slurm on this machine
(Debian's slurm-wlm and munge, installed when root and missing): a munge key, a minimal
slurm.conf for this host in sim_build/slurm/ (SLURM_CONF points at it; /etc/slurm is not
touched), munged, slurmctld and slurmd; they are stopped afterwards unless --keep.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

from tb.common.runner import ROOT, SIM_BUILD

HERE = Path(__file__).parent
SLURM = SIM_BUILD / "slurm"


def sh(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    print("$", " ".join(cmd), flush=True)
    return subprocess.run(cmd, check=True, **kw)


def ensure_packages() -> None:
    if shutil.which("slurmctld") and shutil.which("munged"):
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        sys.exit("error: --local needs Debian's slurm-wlm and munge: apt-get install slurm-wlm munge")
    print("== installing Debian's slurm-wlm and munge", flush=True)
    sh(["apt-get", "update", "-qq"])
    sh(["apt-get", "install", "-y", "-qq", "slurm-wlm", "munge"], env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))


def slurm_conf(host: str, cpus: int) -> str:
    return "\n".join([
        "# Single-node Slurm for tb/mutation/slurm.py --local (generated).",
        "ClusterName=tdash", f"SlurmctldHost={host}", "SlurmUser=root", "AuthType=auth/munge",
        "ProctrackType=proctrack/linuxproc", "TaskPlugin=task/none", "MpiDefault=none",
        "SelectType=select/cons_tres", "SelectTypeParameters=CR_CPU", "ReturnToService=2",
        f"StateSaveLocation={SLURM / 'state'}", f"SlurmdSpoolDir={SLURM / 'spool'}",
        f"SlurmctldPidFile={SLURM / 'slurmctld.pid'}", f"SlurmdPidFile={SLURM / 'slurmd.pid'}",
        f"SlurmctldLogFile={SLURM / 'slurmctld.log'}", f"SlurmdLogFile={SLURM / 'slurmd.log'}",
        "AccountingStorageType=accounting_storage/none", "JobCompType=jobcomp/none",
        f"NodeName={host} CPUs={cpus} State=UNKNOWN",
        f"PartitionName=local Nodes={host} Default=YES MaxTime=INFINITE State=UP", ""])


def start_local() -> list[int]:
    """Start munged, slurmctld and slurmd for this host; returns the daemons' pids."""
    ensure_packages()
    host = socket.gethostname().split(".")[0]
    for d in ("state", "spool"):
        (SLURM / d).mkdir(parents=True, exist_ok=True)
    conf = SLURM / "slurm.conf"
    conf.write_text(slurm_conf(host, os.cpu_count() or 2))
    os.environ["SLURM_CONF"] = str(conf)
    key = Path("/etc/munge/munge.key")
    if not key.exists():
        sh(["mungekey", "--create", "--force"]) if shutil.which("mungekey") else key.write_bytes(os.urandom(1024))
        shutil.chown(key, "munge", "munge")
        key.chmod(0o400)
    Path("/run/munge").mkdir(parents=True, exist_ok=True)
    shutil.chown("/run/munge", "munge", "munge")
    pids = []
    if subprocess.run(["pgrep", "-x", "munged"], capture_output=True).returncode != 0:
        # munged runs as the munge user; where that user cannot open /dev/null (some
        # containers), as root with --force.
        if subprocess.run(["runuser", "-u", "munge", "--", "munged"]).returncode != 0:
            sh(["munged", "--force"])
        time.sleep(1)
        pids.append(int(subprocess.run(["pgrep", "-x", "munged"], capture_output=True, text=True).stdout.split()[0]))
    sh(["slurmctld", "-f", str(conf)])
    sh(["slurmd", "-f", str(conf)])
    time.sleep(2)
    for name in ("slurmctld", "slurmd"):
        pids.append(int((SLURM / f"{name}.pid").read_text().strip()))
    for _ in range(30):
        out = subprocess.run(["sinfo", "-h", "-o", "%T"], capture_output=True, text=True).stdout.strip()
        if out and all(s.rstrip("*") in ("idle", "mixed", "allocated") for s in out.split()):
            break
        time.sleep(1)
    sh(["sinfo"])
    return pids


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tb.mutation.slurm", description=__doc__.split("\n\n")[0])
    ap.add_argument("--shards", type=int, default=2, help="array tasks (default 2)")
    ap.add_argument("--files", nargs="+", metavar="F", help="rtl/ files to mutate (default: all)")
    ap.add_argument("--seed", type=int, default=7, help="stimulus seed shared by the shards (default 7)")
    ap.add_argument("--results", type=Path, help="result files directory (default: the campaign's, "
                    "sim_build/mutation/results; another one measures a campaign from scratch)")
    ap.add_argument("--local", action="store_true", help="start a single-node Slurm on this machine first")
    ap.add_argument("--keep", action="store_true", help="leave the --local daemons running")
    args = ap.parse_args(argv)
    if args.shards < 1:
        ap.error("--shards must be >= 1")
    pids = start_local() if args.local else []
    if not shutil.which("sbatch"):
        sys.exit("error: sbatch not found (a Slurm client), or use --local")
    try:
        (SLURM / "logs").mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, TDASH_SHARDS=str(args.shards), TDASH_SEED=str(args.seed),
                   TDASH_FILES=" ".join(args.files or []), TDASH_RESULTS=str(args.results.resolve()) if args.results else "")
        t0 = time.monotonic()
        sh(["sbatch", "--wait", f"--array=1-{args.shards}", "--export=ALL",
            f"--output={SLURM / 'logs' / 'shard_%a.log'}", str(HERE / "shard.sbatch")], cwd=ROOT, env=env)
        wall = time.monotonic() - t0
        print(f"slurm: {args.shards} array tasks done in {wall:.0f} s (logs in {SLURM / 'logs'})", flush=True)
        for log in sorted((SLURM / "logs").glob("shard_*.log")):
            tail = log.read_text().strip().splitlines()
            print(f"  {log.name}: {tail[0] if tail else ''} ... {tail[-1] if tail else ''}")
        merge = (["make", "mutate-merge", f"SEED={args.seed}"] + ([f"FILES={' '.join(args.files)}"] if args.files else [])
                 + ([f"RESULTS={args.results.resolve()}"] if args.results else []))
        return subprocess.run(merge, cwd=ROOT).returncode
    finally:
        if pids and not args.keep:
            for pid in reversed(pids):
                try:
                    os.kill(pid, 15)
                except ProcessLookupError:
                    pass
            print("slurm: local daemons stopped", flush=True)


if __name__ == "__main__":
    sys.exit(main())
