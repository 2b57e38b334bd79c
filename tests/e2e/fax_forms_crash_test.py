#!/usr/bin/env python3
"""kill -9 while the fax_forms source works: nothing lost, nothing twice.

Twelve different faxes of the test form land in the folder at once; the daemon is killed with
SIGKILL as soon as the first ones are taken, and started again. In the end every fax is in done/,
and each is exactly one of: one delivered Bundle (its image inside) or one review item — a fax
committed but not yet moved when the daemon died is read again and is a duplicate, not a second
message.

usage: fax_forms_crash_test.py RENKEI_BINARY SOURCE_DIR"""
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_support as e2e  # noqa: E402
from care_team_test import files_under  # noqa: E402

FAXES = 12


def main():
    renkei, source = sys.argv[1], os.path.abspath(sys.argv[2])
    test_forms = os.path.join(source, "tests", "e2e", "forms")
    work = tempfile.mkdtemp(prefix="renkei-fax-crash-")
    daemon = None
    try:
        fax_in, desk = os.path.join(work, "fax-in"), os.path.join(work, "desk")
        os.makedirs(fax_in)
        config_path = os.path.join(work, "renkei.json")
        config = {"data_dir": "data", "log": {"level": "warn", "file": "renkei.log"},
                  "delivery": {"poll_ms": 20},
                  "sources": {"office-fax": {"type": "fax_forms", "path": "fax-in", "organization": "care-office-a",
                                             "forms": [test_forms], "workers": 2, "poll_ms": 50, "min_age_ms": 0}},
                  "sinks": {"desk": {"type": "file_folder", "path": "desk"}},
                  "routes": [{"name": "faxes-to-the-desk", "from": ["office-fax"], "to": ["desk"]}]}
        with open(config_path, "w") as f:
            json.dump(config, f, ensure_ascii=False)
        samples = os.path.join(work, "samples")
        subprocess.run([renkei, "form", "sample", "test-insured-card", "--forms", test_forms, "--count", str(FAXES),
                        "--seed", "40", "--out", samples], check=True)
        images = {}
        for i in range(1, FAXES + 1):
            with open(os.path.join(samples, "test-insured-card-%d.tif" % i), "rb") as f:
                images[hashlib.sha256(f.read()).hexdigest()] = "fax%02d.tif" % i

        daemon = e2e.start_daemon(renkei, config_path, os.path.join(work, "daemon.log"))
        e2e.wait_until(lambda: os.path.isdir(os.path.join(fax_in, "failed")), 60, "the daemon started")
        for i in range(1, FAXES + 1):
            shutil.copy(os.path.join(samples, "test-insured-card-%d.tif" % i), os.path.join(fax_in, ".fax%02d.tif" % i))
            os.rename(os.path.join(fax_in, ".fax%02d.tif" % i), os.path.join(fax_in, "fax%02d.tif" % i))

        def taken():
            return [n for n in files_under(os.path.join(fax_in, "done"))]
        e2e.wait_until(lambda: len(taken()) >= 2, 60, "the first faxes taken")
        e2e.kill9(daemon)
        assert len(taken()) < FAXES, "killed while faxes were still waiting"

        daemon = e2e.start_daemon(renkei, config_path, os.path.join(work, "daemon.log"))
        e2e.wait_until(lambda: len(taken()) == FAXES, 120, "every fax taken after the restart")

        def review():
            listed = subprocess.run([renkei, "faxes", "--config", config_path, "list"], capture_output=True,
                                    text=True, cwd=work)
            return [line.split("\t") for line in listed.stdout.splitlines()[1:]]

        def delivered():
            shas = []
            for name in files_under(desk) if os.path.isdir(desk) else []:
                with open(os.path.join(desk, name), encoding="utf-8") as f:
                    bundle = json.load(f)
                for entry in bundle["entry"]:
                    if entry["resource"]["resourceType"] == "Binary":
                        shas.append(hashlib.sha256(base64.b64decode(entry["resource"]["data"])).hexdigest())
            return shas
        e2e.wait_until(lambda: len(delivered()) + len(review()) >= FAXES, 120, "every fax delivered or kept")
        shas = delivered()
        assert len(shas) == len(set(shas)), "a fax delivered twice"
        reviewed = [r[5] for r in review()]
        assert len(reviewed) == len(set(reviewed)), "a fax kept twice"
        assert len(shas) + len(reviewed) == FAXES, (len(shas), reviewed)
        assert set(images[s] for s in shas) | set(reviewed) == set(images.values()), "each fax one way or the other"
        assert not [n for n in os.listdir(fax_in) if n.endswith(".tif")], "nothing left in the folder"

        daemon.terminate()
        assert daemon.wait(timeout=60) == 0
        print("ok: kill -9 mid-way; after the restart each of %d faxes is exactly one delivery (%d) or one review "
              "item (%d)" % (FAXES, len(shas), len(reviewed)))
    finally:
        e2e.kill_and_clean(daemon, work)


if __name__ == "__main__":
    main()
