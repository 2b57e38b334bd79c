#!/usr/bin/env python3
"""The README's first run, as scripts/run.sh does it, in a temporary copy: the sample config with
var/inbox seeded from samples/fhir (valid files and the invalid one) and var/fax-in from
samples/fax-forms (kept for review, since names prove nothing). Every valid sample is
delivered to every destination its routes name, nothing is dead (the JP-CLINS referral's 〜 goes
to the CP932 ward CSV as its Microsoft equivalent), the invalid sample is in failed/ and counted as
failed, `renkei intake show` finds it from the log's message id, the log holds no patient data,
and SIGTERM exits 0.

usage: sample_run_test.py RENKEI_BINARY SOURCE_DIR"""
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_support as e2e  # noqa: E402


def run(*args):
    done = subprocess.run(list(args), capture_output=True, text=True, timeout=60)
    return done.returncode, done.stdout + done.stderr


def rows(renkei, config, *args):
    code, out = run(renkei, "outbox", "--config", config, *args)
    assert code == 0, out
    return [line.split("\t") for line in out.splitlines()[1:] if line]


def main():
    renkei, source = sys.argv[1], os.path.abspath(sys.argv[2])
    work = tempfile.mkdtemp(prefix="renkei-sample-run-")
    daemon = None
    try:
        # The checkout's layout: samples/config/renkei.json with its relative ../../var paths.
        os.makedirs(os.path.join(work, "samples", "config"))
        config = os.path.join(work, "samples", "config", "renkei.json")
        admin = e2e.free_port()
        with open(os.path.join(source, "samples", "config", "renkei.json"), encoding="utf-8") as f:
            text = f.read()
        assert "127.0.0.1:9464" in text
        with open(config, "w", encoding="utf-8") as f:
            f.write(text.replace("127.0.0.1:9464", "127.0.0.1:%d" % admin))
        inbox = os.path.join(work, "var", "inbox")
        os.makedirs(inbox)
        samples = os.path.join(source, "samples", "fhir")
        valid = sorted(glob.glob(os.path.join(samples, "*.json")) + glob.glob(os.path.join(samples, "*.xml")))
        invalid = sorted(glob.glob(os.path.join(samples, "invalid", "*.json")))
        for path in valid + invalid:  # as scripts/run.sh seeds it
            shutil.copy(path, inbox)
        fax_in = os.path.join(work, "var", "fax-in")
        os.makedirs(fax_in)
        faxes = sorted(glob.glob(os.path.join(source, "samples", "fax-forms", "*.tif")))
        for path in faxes:
            shutil.copy(path, fax_in)

        code, out = run(renkei, "check-config", config)
        assert code == 0, out
        log_path = os.path.join(work, "renkei.log")
        daemon = e2e.start_daemon(renkei, config, log_path)

        def settled():
            left = [n for n in os.listdir(inbox) if not n.startswith(".") and os.path.isfile(os.path.join(inbox, n))]
            if left or os.listdir(os.path.join(inbox, "processing")):
                return False
            return not rows(renkei, config, "list", "--state", "QUEUED") and \
                not rows(renkei, config, "list", "--state", "RETRYING")
        e2e.wait_until(lambda: os.path.isdir(os.path.join(inbox, "processing")), 60, "the daemon to start")
        e2e.wait_until(settled, 120, "every sample to be taken and delivered")

        def faxes_waiting():
            code, out = run(renkei, "faxes", "--config", config, "list")
            return [line.split("\t") for line in out.splitlines()[1:]] if code == 0 else []
        e2e.wait_until(lambda: len(faxes_waiting()) == len(faxes), 120, "the sample faxes kept for review")
        assert all(f[1] == "REVIEW" and f[2] == "sample-care-office" for f in faxes_waiting())
        taken = [n for _, _, names in os.walk(os.path.join(fax_in, "done")) for n in names]
        assert sorted(taken) == sorted(os.path.basename(p) for p in faxes), taken

        dead = rows(renkei, config, "dead")
        assert not dead, "dead letters after the sample run: %s" % dead
        sent = rows(renkei, config, "list", "--state", "SENT")
        by_destination = {}
        for r in sent:
            by_destination[r[2]] = by_destination.get(r[2], 0) + 1
        assert by_destination.get("archive") == len(valid), by_destination
        assert by_destination.get("shinjuku-care-office", 0) >= 1, by_destination
        assert by_destination.get("shinjuku-ward-csv") == by_destination.get("shinjuku-care-office"), by_destination
        csvs = glob.glob(os.path.join(work, "var", "outbox", "shinjuku-ward-csv", "*.csv"))
        assert len(csvs) == by_destination["shinjuku-ward-csv"], csvs
        ward = b"".join(open(p, "rb").read() for p in csvs)
        ward.decode("cp932")  # every file reads as CP932
        if "〜" in "".join(open(p, encoding="utf-8").read() for p in valid if p.endswith(".json")):
            assert "～".encode("cp932") in ward, "the wave dash arrives as its CP932 form"

        failed = [n for n in os.listdir(os.path.join(inbox, "failed")) if not n.endswith(".reason.json")]
        assert sorted(failed) == sorted(os.path.basename(p) for p in invalid), failed
        with open(log_path, encoding="utf-8") as f:
            log = f.read()
        ids = re.findall(r'"event":"input_failed"[^\n]*"message":"(\d+)"', log)
        assert len(ids) == len(invalid), log
        code, out = run(renkei, "intake", "--config", config, "show", ids[0])
        assert code == 0, out
        assert "state\tFAILED" in out, out
        assert "location\t" + os.path.join(inbox, "failed", failed[0]) in out, out

        with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % admin, timeout=10) as response:
            metrics = response.read().decode()
        assert 'renkei_intake_total{source="inbox",result="accepted"} %d' % len(valid) in metrics, metrics
        assert 'renkei_intake_total{source="inbox",result="failed"} %d' % len(invalid) in metrics, metrics

        for name in failed:  # file names can carry patient names; these do not, but none is logged
            assert name not in log, "file name %s in the log" % name
        for word in ("連携", "花子"):
            assert word not in log, "patient data in the log"

        daemon.send_signal(signal.SIGTERM)
        assert daemon.wait(timeout=60) == 0
        daemon = None
        print("ok: %d samples delivered (%s), %d failed as expected, nothing dead" %
              (len(valid), json.dumps(by_destination), len(invalid)))
    finally:
        e2e.kill_and_clean(daemon, work)


if __name__ == "__main__":
    main()
