#!/usr/bin/env python3
"""The fax review page in a real browser, through the real daemon: a 入退院時情報連携シート kept
for review is corrected and confirmed in headless chromium (fax_review_browser.mjs: log-in, the
field's box highlighted, keyboard corrections, Ctrl+Enter), and only then delivered, with the
reviewer in its Provenance. Then a sheet that masks the patient's name: the office's own record of
her is offered, chosen from the keyboard, and the delivered sheet's patient is that record.
Screenshots are kept in the build's test-artifacts/fax-review/.

usage: fax_review_browser_test.py RENKEI_BINARY SOURCE_DIR ARTIFACTS_DIR"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_support as e2e  # noqa: E402
from care_team_test import files_under  # noqa: E402
from fax_review_test import (OFFICE_A, PASSWORD, delivered, drop_masked_fax, queue,  # noqa: E402
                             start_with_a_fax_to_review)


def main():
    renkei, source, artifacts = sys.argv[1], os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
    npm = os.path.join(source, ".deps", "npm")
    chromium = shutil.which("chromium")
    if not chromium or not shutil.which("node") or not os.path.isdir(os.path.join(npm, "node_modules", "playwright-core")):
        print("skipped: needs chromium, node and playwright-core (scripts/install-deps.sh --test installs them)")
        sys.exit(77)
    work = tempfile.mkdtemp(prefix="renkei-fax-review-browser-")
    daemon = None
    try:
        daemon, port, config_path, fax_id, values, desk = start_with_a_fax_to_review(renkei, work)

        def review(fax, typed, *patient):
            values_file = os.path.join(work, "values-%s.json" % fax)
            with open(values_file, "w", encoding="utf-8") as f:
                json.dump(typed, f, ensure_ascii=False)
            run = subprocess.run(["node", os.path.join(source, "tests", "e2e", "fax_review_browser.mjs"),
                                  "http://localhost:%d" % port, "sato", PASSWORD, fax, values_file,
                                  os.path.join(artifacts, "fax-review")] + list(patient),
                                 env=dict(os.environ, RENKEI_NPM_DIR=npm, CHROMIUM=chromium),
                                 capture_output=True, text=True, timeout=300)
            assert run.returncode == 0, run.stdout + run.stderr
            return run

        browser = review(fax_id, values)
        e2e.wait_until(lambda: os.path.isdir(desk) and len(os.listdir(desk)) > 0, 60, "the confirmed sheet delivered")
        resources = delivered(desk)
        agents = resources["Provenance"][0]["agent"]
        assert agents[-1]["who"]["display"] == "佐藤 花子", agents
        assert resources["Patient"][0]["name"][0]["family"] == values["family"]
        assert queue(renkei, config_path, work)[0][1] == "SUBMITTED"

        masked_id, masked = drop_masked_fax(renkei, work, config_path, "fax0002.tif")
        masked_run = review(masked_id, masked, OFFICE_A + "|77")
        e2e.wait_until(lambda: len(files_under(desk)) == 2, 60, "the identified sheet delivered")
        newest = max(files_under(desk), key=lambda n: os.path.getmtime(os.path.join(desk, n)))
        with open(os.path.join(desk, newest), encoding="utf-8") as f:
            patient = [e["resource"] for e in json.load(f)["entry"] if e["resource"]["resourceType"] == "Patient"][0]
        assert patient["identifier"][0] == {"system": OFFICE_A, "value": "77"}, patient["identifier"]
        assert patient["name"][0]["family"] == "連携", patient["name"]
        daemon.terminate()
        assert daemon.wait(timeout=60) == 0
        print(browser.stdout.strip())
        print(masked_run.stdout.strip())
        print("ok: confirmed in the browser, then delivered with the reviewer in its Provenance; a masked name "
              "identified among the office's patients; screenshots in "
              + os.path.join(artifacts, "fax-review"))
    finally:
        e2e.kill_and_clean(daemon, work)


if __name__ == "__main__":
    main()
