#!/usr/bin/env python3
"""SS-MIX2 storage scan benchmark (issue 12): generates a storage of PATIENTS patients, one
ADT-00 (ISO-2022-JP) each, starts the daemon with an ssmix2 source on it, and reads the source's
`ssmix2_scan` log events: the first scan (every file read, mapped, validated and committed) and
then scans of the unchanged storage (nothing read: one fstatat per file). Prints JSON lines.

usage: ssmix2_scan_bench.py RENKEI WORK_DIR PATIENTS"""
import json
import os
import statistics
import subprocess
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
sys.path.insert(0, os.path.join(here, "..", "tests", "e2e"))
from pipeline_bench import fsync_rate  # noqa: E402
import mllp_client as mllp  # noqa: E402


def generate(root, patients):
    for n in range(patients):
        pid = "%08d" % (20000000 + n)
        folder = os.path.join(root, pid[:3], pid[3:6], pid, "-", "ADT-00")
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "%s_-_ADT-00_-_20241120103000000_-_1" % pid), "wb") as f:
            f.write(mllp.adt("B%d" % n, pid, event="A08"))


def scans(log):
    out = []
    if os.path.exists(log):
        for line in open(log, encoding="utf-8"):
            try:
                e = json.loads(line)
            except ValueError:
                continue
            if e.get("event") == "ssmix2_scan":
                out.append(e)
    return out


def main():
    renkei, work, patients = sys.argv[1], sys.argv[2], int(sys.argv[3])
    print(json.dumps({"phase": "fsync", "fsync_per_s": round(fsync_rate(work))}), flush=True)
    root = os.path.join(work, "storage")
    t = time.time()
    generate(root, patients)
    print(json.dumps({"phase": "generate", "files": patients, "seconds": round(time.time() - t, 1)}), flush=True)
    log = os.path.join(work, "renkei.log")
    config = {"data_dir": os.path.join(work, "data"), "mappings_dir": os.path.join(here, "..", "mappings"),
              "log": {"level": "debug", "file": log},
              "sources": {"storage": {"type": "ssmix2", "root": root, "sender": "bench-hospital",
                                      "poll_ms": 2000, "min_age_ms": 0, "batch": 1000}},
              "sinks": {"out": {"type": "file_folder", "path": os.path.join(work, "out")}},
              "routes": [{"name": "none", "condition": "false", "to": ["out"]}]}
    path = os.path.join(work, "renkei.json")
    with open(path, "w") as f:
        json.dump(config, f)
    daemon = subprocess.Popen([renkei, "serve", "--config", path], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 3600
        while time.time() < deadline and len([s for s in scans(log) if s["new_or_changed"] == "0"]) < 5:
            if daemon.poll() is not None:
                raise SystemExit("the daemon stopped")
            time.sleep(0.5)
        events = scans(log)
        first = next(s for s in events if s["new_or_changed"] != "0")
        unchanged = [s for s in events if s["new_or_changed"] == "0"][:5]
        print(json.dumps({"phase": "first_scan", "files": int(first["files"]), "read": int(first["new_or_changed"]),
                          "seconds": int(first["total_ms"]) / 1000,
                          "files_per_s": round(int(first["new_or_changed"]) / max(0.001, int(first["total_ms"]) / 1000))}),
              flush=True)
        walk = [int(s["total_ms"]) for s in unchanged]
        print(json.dumps({"phase": "unchanged_scan", "files": int(unchanged[0]["files"]), "scans": len(walk),
                          "median_ms": statistics.median(walk), "max_ms": max(walk)}), flush=True)
    finally:
        daemon.terminate()
        daemon.wait(timeout=120)


if __name__ == "__main__":
    main()
