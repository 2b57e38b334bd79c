#!/usr/bin/env python3
"""Care-plan CSV benchmark: 第6表 (UPPLAN) rows → validated canonical Bundles, with the real binary.

Phases, in one run (inputs from bench/gen_careplan_plan.py, CP932, 20-40 rows per person):
  map     `renkei map --check` (read, transform, build each person's CarePlan, validate against R4
          and RenkeiCarePlan with every invariant; one core): rows/s with the start-up (a 1 MB
          file) subtracted, and peak RSS for a SMALL and a LARGE file (streamed: flat memory)
  daemon  the file dropped into a watched folder of `renkei serve` (SQLite): streamed in slices,
          each slice's records committed durably (group commit), then each record mapped again,
          validated, routed and committed; time from the drop until the file is in done/ (every
          record committed and routed), rows/s, and the daemon's peak RSS, for SMALL and LARGE
          (each in a fresh daemon)

usage: careplan_bench.py RENKEI_BINARY WORK_DIR [--small-mb 100] [--large-mb 1000]
prints one JSON line per measurement, and first the disk's rate of small write+fdatasync."""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from pipeline_bench import fsync_rate  # noqa: E402  (the disk's commit rate, printed beside the figures)


def generate(work, mb, seed):
    path = os.path.join(work, "plan-%dmb.CSV" % mb)
    if not os.path.exists(path):
        subprocess.run([sys.executable, os.path.join(HERE, "gen_careplan_plan.py"), path, str(mb), str(seed)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(path, "rb") as f:
        rows = sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 24), b""))
    return path, rows


def timed_map(renkei, path):
    """(seconds, peak RSS MB) of `renkei map --check` on one file."""
    start = time.monotonic()
    out = subprocess.run(["/usr/bin/time", "-f", "%M", renkei, "map", "--check", "--mapping", "careplan-plan", path],
                         capture_output=True, text=True)
    elapsed = time.monotonic() - start
    if "all valid" not in out.stdout:
        raise SystemExit("map failed on %s: %s %s" % (path, out.stdout[-500:], out.stderr[-500:]))
    return elapsed, int(out.stderr.strip().splitlines()[-1]) / 1024.0


def daemon_run(renkei, work, path, rows, label):
    """Drops `path` into a fresh daemon's inbox; returns the measurement."""
    root = os.path.join(work, "daemon-" + label)
    shutil.rmtree(root, ignore_errors=True)
    inbox, data = os.path.join(root, "inbox"), os.path.join(root, "data")
    os.makedirs(inbox)
    os.makedirs(data)
    config = {"data_dir": data, "mappings_dir": os.path.join(SOURCE, "mappings"),
              "log": {"level": "warn", "file": os.path.join(root, "renkei.log")},
              "sources": {"care-offices": {"type": "folder", "path": inbox, "poll_ms": 100, "min_age_ms": 0,
                                           "mapping": "careplan-plan"}},
              "sinks": {"archive": {"type": "file_folder", "path": os.path.join(root, "out")}},
              "routes": [{"name": "none", "condition": "false", "to": ["archive"]}]}
    config_path = os.path.join(root, "renkei.json")
    with open(config_path, "w") as f:
        json.dump(config, f)
    daemon = subprocess.Popen([renkei, "serve", "--config", config_path], stdout=subprocess.DEVNULL,
                              stderr=open(os.path.join(root, "daemon.err"), "w"))
    try:
        time.sleep(1.0)
        staged = os.path.join(inbox, ".staged.tmp")
        shutil.copyfile(path, staged)
        name = os.path.basename(path)
        start = time.monotonic()
        os.rename(staged, os.path.join(inbox, name))
        while not glob.glob(os.path.join(inbox, "done", "*", name)):
            if glob.glob(os.path.join(inbox, "failed", name)) or daemon.poll() is not None:
                raise SystemExit("daemon did not take %s (see %s)" % (name, root))
            time.sleep(0.05)
        elapsed = time.monotonic() - start
        with open("/proc/%d/status" % daemon.pid) as f:
            hwm = next(int(l.split()[1]) for l in f if l.startswith("VmHWM:")) / 1024.0
    finally:
        daemon.terminate()
        daemon.wait(timeout=60)
    shutil.rmtree(root, ignore_errors=True)
    return {"phase": "daemon", "input": label, "rows": rows, "seconds": round(elapsed, 2),
            "rows_per_s": round(rows / elapsed), "peak_rss_mb": round(hwm)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("renkei")
    ap.add_argument("work")
    ap.add_argument("--small-mb", type=int, default=100)
    ap.add_argument("--large-mb", type=int, default=1000)
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    one, one_rows = generate(args.work, 1, 11)
    small, small_rows = generate(args.work, args.small_mb, 12)
    large, large_rows = generate(args.work, args.large_mb, 13)
    print(json.dumps({"phase": "fsync", "fsync_per_s": round(fsync_rate(args.work))}), flush=True)
    t1, rss1 = timed_map(args.renkei, one)
    for label, path, rows in (("small", small, small_rows), ("large", large, large_rows)):
        t, rss = timed_map(args.renkei, path)
        print(json.dumps({"phase": "map", "input": label, "mb": round(os.path.getsize(path) / 1e6), "rows": rows,
                          "seconds": round(t, 2), "startup_s": round(t1, 2),
                          "rows_per_s": round((rows - one_rows) / max(t - t1, 1e-6)), "peak_rss_mb": round(rss),
                          "startup_rss_mb": round(rss1)}), flush=True)
    for label, path, rows in (("small", small, small_rows), ("large", large, large_rows)):
        print(json.dumps(daemon_run(args.renkei, args.work, path, rows, label)), flush=True)


if __name__ == "__main__":
    main()
