#!/usr/bin/env python3
"""Crash test for a large mapped file: a 第6表 (UPPLAN) export bigger than the folder source's
stream_above_bytes is read in slices whose records are committed batch by batch; the daemon is
killed with SIGKILL while it streams (some records committed and delivered, the file still in
processing/) and restarted, twice. In the end the file is in done/, every person's CarePlan
reached the FHIR destination, no record was stored twice (each person's plan arrives under one
idempotency key, whatever the repeats), and nothing is dead.

usage: streamed_crash_test.py RENKEI_BINARY SOURCE_DIR"""
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_support as e2e  # noqa: E402

NAME = "UPPLAN_202411_1371201234_43_1371205678_11_20241101090000.CSV"


def plans(bodies):
    """(idempotency-free) CarePlan identifier → set of request keys that carried it."""
    out = {}
    for key, body in bodies:
        for entry in body.get("entry", []) if isinstance(body, dict) else []:
            r = entry.get("resource", {})
            if r.get("resourceType") == "CarePlan":
                out.setdefault(r["identifier"][0]["value"], set()).add(key)
    return out


def main():
    renkei, source = sys.argv[1], os.path.abspath(sys.argv[2])
    work = tempfile.mkdtemp(prefix="renkei-streamed-crash-")
    daemon = None
    receiver = e2e.Receiver()
    try:
        inbox = os.path.join(work, "inbox")
        os.makedirs(inbox)
        data = os.path.join(work, "data")
        os.makedirs(data)
        big = os.path.join(work, NAME)
        subprocess.run([sys.executable, os.path.join(source, "bench", "gen_careplan_plan.py"), big, "8", "21"],
                       check=True, stdout=subprocess.DEVNULL)
        with open(big, "rb") as f:
            people = len({tuple(line.split(b",")[1:3]) for line in f if line.strip()})
        config = {"data_dir": data, "mappings_dir": os.path.join(source, "mappings"),
                  "log": {"level": "warn", "file": os.path.join(work, "renkei.log")},
                  "delivery": {"workers": 2, "batch": 64, "poll_ms": 20, "retry": {"initial_ms": 100, "max_ms": 1000}},
                  "sources": {"care-offices": {"type": "folder", "path": inbox, "poll_ms": 50, "min_age_ms": 0,
                                               "mapping": "careplan-plan", "stream_above_bytes": 1048576}},
                  "sinks": {"hospital": {"type": "fhir_rest", "base_url": "http://127.0.0.1:%d/fhir" % receiver.port,
                                         "timeout_ms": 5000}},
                  "routes": [{"name": "all", "to": ["hospital"]}]}
        config_path = os.path.join(work, "renkei.json")
        with open(config_path, "w") as f:
            json.dump(config, f)
        log = os.path.join(work, "daemon.out")
        daemon = e2e.start_daemon(renkei, config_path, log)
        shutil.copyfile(big, os.path.join(inbox, ".staged.tmp"))
        os.rename(os.path.join(inbox, ".staged.tmp"), os.path.join(inbox, NAME))

        def done():
            return bool(glob.glob(os.path.join(inbox, "done", "*", NAME)))

        kills = 0
        for threshold in (people // 10, people // 3):
            e2e.wait_until(lambda: len(plans(receiver.body_pairs())) >= threshold or done(), 120,
                           "%d plans before a kill" % threshold)
            if done():
                break
            e2e.kill9(daemon)
            if done():
                break  # finished just before the kill
            kills += 1
            assert os.path.exists(os.path.join(inbox, "processing", NAME)), "killed mid-file: it waits in processing/"
            daemon = e2e.start_daemon(renkei, config_path, log)
        assert kills >= 1, "the file was finished before the first kill: make it larger"
        e2e.wait_until(done, 300, "the file to reach done/ after the restarts")
        e2e.wait_until(lambda: len(plans(receiver.body_pairs())) >= people, 120, "every person's plan")
        delivered = plans(receiver.body_pairs())
        assert len(delivered) == people, (len(delivered), people)
        twice = {plan: keys for plan, keys in delivered.items() if len(keys) > 1}
        assert not twice, "a record was stored twice (two keys for one plan): %s" % list(twice.items())[:3]
        dead = subprocess.run([renkei, "outbox", "--config", config_path, "dead"], capture_output=True, text=True)
        assert dead.returncode == 0 and len(dead.stdout.strip().splitlines()) == 1, "dead letters:\n" + dead.stdout
        daemon.terminate()
        assert daemon.wait(timeout=60) == 0
        print("OK: %d people streamed through %d kills, each plan under one key, nothing dead" % (people, kills))
    finally:
        receiver.close()
        e2e.kill_and_clean(daemon, work)


if __name__ == "__main__":
    main()
