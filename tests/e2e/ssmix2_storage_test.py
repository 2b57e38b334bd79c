#!/usr/bin/env python3
"""End-to-end test of the SS-MIX2 storage source against the real daemon: a generated storage
(patients' ADT-00, ADT-22 admissions and ADT-52 discharges in ISO-2022-JP, a misfiled file, a
file whose PID-3 is another patient's, a symbolic link to /etc/passwd) is made read-only; every
well-filed message is delivered once; the misfiled ones and the link are listed by
`renkei intake failed` and not delivered; rescans and a restart deliver nothing again and re-read
nothing (no duplicate intake); a file the hospital changes is delivered again with its new
content; and nothing under the root changed (every entry's inode, size, mode, mtime and ctime
are as before, except the file the test itself rewrote). With ../shared beside the checkout, the
official SS-MIX2 sample storage (whose MSH-4 carries no institution code) is read too, with the
source's mapping_parameters giving the code: its well-filed patient data is delivered, the
misfiled sample is listed.

usage: ssmix2_storage_test.py RENKEI_BINARY SOURCE_DIR"""
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_support as e2e  # noqa: E402
import mllp_client as mllp  # noqa: E402

PATIENTS = 20


def place(root, pid, date, dtype, payload, order="-", ts="20241120103000000", dept="01", flag="1",
          name_pid=None):
    folder = os.path.join(root, pid[:3], pid[3:6], pid, date, dtype)
    os.makedirs(folder, exist_ok=True)
    name = "_".join([name_pid or pid, date, dtype, order, ts, dept, flag])
    path = os.path.join(folder, name)
    with open(path, "wb") as f:
        f.write(payload)
    return path


def build_storage(root):
    for n in range(PATIENTS):
        pid = "%08d" % (10000000 + n)
        place(root, pid, "-", "ADT-00", mllp.adt("A08-%d" % n, pid, event="A08"))
        if n < 10:
            place(root, pid, "20241120", "ADT-22", mllp.adt("A01-%d" % n, pid))
        if n < 5:
            place(root, pid, "20241128", "ADT-52",
                  mllp.adt("A03-%d" % n, pid, event="A03", discharged="202411281000"))
    misfiled = place(root, "10000001", "-", "ADT-00", mllp.adt("X1", "10000002", event="A08"),
                     name_pid="10000002")
    other = place(root, "10000003", "20241121", "ADT-22", mllp.adt("X2", "99999999"))
    link = os.path.join(root, "100", "000", "10000004", "-", "ADT-00",
                        "10000004_-_ADT-00_-_20241120103000001_01_1")
    os.symlink("/etc/passwd", link)
    return {misfiled: "patient folder", other: "PID-3", link: "symbolic link"}


def snapshot(root):
    out = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files + ["."]:
            p = os.path.join(folder, name)
            st = os.lstat(p)
            out[p] = (st.st_ino, st.st_size, st.st_mode, st.st_mtime_ns, st.st_ctime_ns)
    return out


def make_read_only(root):
    for folder, dirs, files in os.walk(root, topdown=False):
        for name in files:
            p = os.path.join(folder, name)
            if not os.path.islink(p):
                os.chmod(p, 0o444)
        os.chmod(folder, 0o555)


def official_samples(source):
    """The shared SS-MIX2 sample storage, or None (with a message) when ../shared is absent."""
    samples = os.path.join(os.path.dirname(source), "shared", "testdata", "ssmix2-samples", "sampleData")
    if not os.path.isdir(samples):
        print("SKIP the official sample storage: ../shared/testdata/ssmix2-samples not found beside the checkout")
        return None
    return samples


def main():
    renkei, source = sys.argv[1], os.path.abspath(sys.argv[2])
    work = tempfile.mkdtemp(prefix="renkei-ssmix2-")
    daemon = None
    receiver, sample_receiver = e2e.Receiver(), e2e.Receiver()
    samples = official_samples(source)
    root = os.path.join(work, "storage")
    try:
        problems = build_storage(root)
        sample_root = os.path.join(work, "samples")
        if samples:
            shutil.copytree(samples, sample_root)
            make_read_only(sample_root)
        make_read_only(root)
        before = snapshot(root)
        config = {"data_dir": os.path.join(work, "data"), "mappings_dir": os.path.join(source, "mappings"),
                  "log": {"level": "info", "file": os.path.join(work, "renkei.log")},
                  "delivery": {"workers": 2, "poll_ms": 20, "retry": {"initial_ms": 100, "max_ms": 1000}},
                  "sources": {"storage": {"type": "ssmix2", "root": root, "sender": "kita-hospital",
                                          "poll_ms": 200, "min_age_ms": 0}},
                  "sinks": {"hospital": {"type": "fhir_rest", "base_url": "http://127.0.0.1:%d/fhir" % receiver.port}},
                  "routes": [{"name": "all", "from": ["storage"], "to": ["hospital"]}]}
        if samples:
            config["sources"]["samples"] = {"type": "ssmix2", "root": sample_root, "sender": "sample-hospital",
                                            "poll_ms": 200, "min_age_ms": 0,
                                            "mapping_parameters": {"institution": "1312345678"}}
            config["sinks"]["sample-archive"] = {"type": "fhir_rest",
                                                 "base_url": "http://127.0.0.1:%d/fhir" % sample_receiver.port}
            config["routes"].append({"name": "samples", "from": ["samples"], "to": ["sample-archive"]})
        config_path = os.path.join(work, "renkei.json")
        with open(config_path, "w") as f:
            json.dump(config, f)
        log = os.path.join(work, "daemon.out")
        expected = PATIENTS + 10 + 5
        daemon = e2e.start_daemon(renkei, config_path, log)
        e2e.wait_until(lambda: len(receiver.snapshot()) >= expected, 60, "%d deliveries" % expected)
        time.sleep(1.5)  # several more scans
        assert len(receiver.snapshot()) == expected, len(receiver.snapshot())

        failed = subprocess.run([renkei, "intake", "--config", config_path, "failed", "--source", "storage"],
                                capture_output=True, text=True, check=True).stdout
        for path, why in problems.items():
            line = [l for l in failed.splitlines() if path in l]
            assert line and why in line[0], "%s not reported with '%s':\n%s" % (path, why, failed)
        assert len(failed.strip().splitlines()) == 1 + len(problems), failed

        if samples:
            # ADT-00 and ADT-22 of patient 9999013 and its prescription (OMP-01); the others are
            # another patient's messages filed under 9999013, a misfiled file, a discharge
            # without its admission date, and data types no mapping takes — OMP-02 (injections)
            # among them, although it is RDE^O11 like a prescription.
            e2e.wait_until(lambda: len(sample_receiver.snapshot()) >= 3, 60, "the sample storage's deliveries")
            ids = {r["identifier"][0]["system"] for b in sample_receiver.body_snapshot() for e in b["entry"]
                   for r in [e["resource"]] if r["resourceType"] == "Patient"}
            assert ids == {"urn:oid:1.2.392.100495.20.3.51.11312345678"}, ids
            listed = subprocess.run([renkei, "intake", "--config", config_path, "failed", "--source", "samples"],
                                    capture_output=True, text=True, check=True).stdout
            assert "ADT-31/9999013_20110630_OMP-11" in listed and "patient folder" in listed, listed
            assert "OMP-02/9999013_20110701_OMP-02" in listed, listed
            time.sleep(1.0)
            assert len(sample_receiver.snapshot()) == 3, len(sample_receiver.snapshot())

        daemon.terminate()
        assert daemon.wait(timeout=60) == 0
        daemon = e2e.start_daemon(renkei, config_path, log)
        time.sleep(2.0)
        assert len(receiver.snapshot()) == expected, "a restart delivers nothing again"
        shown = subprocess.run([renkei, "intake", "--config", config_path, "show", "1"],
                               capture_output=True, text=True, check=True).stdout
        assert "duplicates\t0" in shown, "unchanged files are not read or submitted again:\n" + shown

        changed = os.path.join(root, "100", "000", "10000007", "-", "ADT-00",
                               "10000007_-_ADT-00_-_20241120103000000_01_1")
        os.chmod(changed, 0o644)
        with open(changed, "wb") as f:
            f.write(mllp.adt("A08-7b", "10000007", event="A08").replace(b"03-3908-1111", b"03-3908-2222"))
        os.chmod(changed, 0o444)
        e2e.wait_until(lambda: len(receiver.snapshot()) >= expected + 1, 30, "the changed file's delivery")
        time.sleep(1.0)
        bodies = receiver.body_snapshot()
        assert len(bodies) == expected + 1, len(bodies)
        phones = [t["value"] for e in bodies[-1]["entry"] if e["resource"]["resourceType"] == "Patient"
                  for t in e["resource"].get("telecom", [])]
        assert phones == ["03-3908-2222"], phones

        after = snapshot(root)
        differing = sorted(p for p in set(before) | set(after) if before.get(p) != after.get(p))
        assert differing == [changed], "the source changed the storage: %s" % differing[:5]
        daemon.terminate()
        assert daemon.wait(timeout=60) == 0
        text = open(os.path.join(work, "renkei.log"), encoding="utf-8").read()
        for secret in ("山田", "10000001", "10000003"):
            assert secret not in text, "patient data in the log: " + secret
        print("OK: %d files delivered once, %d problems listed, restart re-read nothing, a change re-delivered, "
              "storage untouched" % (expected, len(problems)))
    finally:
        receiver.close()
        sample_receiver.close()
        for top in (root, os.path.join(work, "samples")):
            for folder, dirs, files in os.walk(top):
                os.chmod(folder, stat.S_IRWXU)
        e2e.kill_and_clean(daemon, work)


if __name__ == "__main__":
    main()
