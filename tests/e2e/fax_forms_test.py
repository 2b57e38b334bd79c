#!/usr/bin/env python3
"""Faxed forms through the real daemon: read by OCR into FHIR, or kept for a person.

A care office's fax server drops received faxes into the fax_forms folder:
- a sheet whose every field is proven (tests/e2e/forms/test-insured-card, added through the
  source's `forms` setting: a form added without rebuilding) becomes a routed Bundle: the
  RenkeiPatient, the image as Binary, its DocumentReference and the Provenance; the fax moves to
  done/ only then;
- the same fax again is one message, not two;
- a 入退院時情報連携シート (names, which no validator proves) is kept for review: `renkei faxes
  list` shows it in REVIEW for the office's organization, with fields to confirm, and nothing
  is delivered for it;
- a file that is no image goes to failed/ with its reason, the daemon alive.

usage: fax_forms_test.py RENKEI_BINARY SOURCE_DIR"""
import base64
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_support as e2e  # noqa: E402
from care_team_test import files_under  # noqa: E402


def drop(folder, name, data):
    with open(os.path.join(folder, "." + name), "wb") as f:
        f.write(data)
    os.rename(os.path.join(folder, "." + name), os.path.join(folder, name))


def sample(renkei, forms, form, seed, out):
    os.makedirs(out, exist_ok=True)
    args = [renkei, "form", "sample", form, "--seed", str(seed), "--out", out]
    if forms:
        args += ["--forms", forms]
    subprocess.run(args, check=True)
    with open(os.path.join(out, form + "-1.tif"), "rb") as f:
        image = f.read()
    with open(os.path.join(out, form + "-1.json"), encoding="utf-8") as f:
        return image, json.load(f)["values"]


def main():
    renkei, source = sys.argv[1], os.path.abspath(sys.argv[2])
    test_forms = os.path.join(source, "tests", "e2e", "forms")
    work = tempfile.mkdtemp(prefix="renkei-fax-forms-")
    daemon = None
    try:
        os.makedirs(os.path.join(work, "fax-in"))
        config_path = os.path.join(work, "renkei.json")
        config = {"data_dir": "data", "log": {"level": "warn", "file": "renkei.log"},
                  "delivery": {"poll_ms": 20},
                  "sources": {"office-fax": {"type": "fax_forms", "path": "fax-in", "organization": "care-office-a",
                                             "forms": [test_forms], "poll_ms": 50, "min_age_ms": 0}},
                  "sinks": {"desk": {"type": "file_folder", "path": "desk"}},
                  "routes": [{"name": "faxes-to-the-desk", "from": ["office-fax"], "to": ["desk"]}]}
        with open(config_path, "w") as f:
            json.dump(config, f, ensure_ascii=False)
        daemon = subprocess.Popen([renkei, "serve", "--config", config_path], cwd=work)
        fax_in, desk = os.path.join(work, "fax-in"), os.path.join(work, "desk")
        e2e.wait_until(lambda: os.path.isdir(os.path.join(fax_in, "failed")), 60, "the source started")

        card, values = sample(renkei, test_forms, "test-insured-card", 1, os.path.join(work, "samples"))
        drop(fax_in, "fax0001.tif", card)
        e2e.wait_until(lambda: len(files_under(desk)) == 1, 60, "the proven sheet delivered")
        with open(os.path.join(desk, files_under(desk)[0]), encoding="utf-8") as f:
            bundle = json.load(f)
        resources = {}
        for entry in bundle["entry"]:
            resources.setdefault(entry["resource"]["resourceType"], []).append(entry["resource"])
        patient = resources["Patient"][0]
        assert patient["identifier"][0]["value"] == values["insurer"] + ":" + values["insured"], patient
        assert patient["gender"] == {"男": "male", "女": "female"}[values["gender"]], patient
        assert base64.b64decode(resources["Binary"][0]["data"]) == card, "the original image is kept as it came"
        document = resources["DocumentReference"][0]
        assert document["content"][0]["attachment"]["contentType"] == "image/tiff", document
        reading = json.loads(base64.b64decode(document["content"][1]["attachment"]["data"]))
        assert all(f["status"] == "accepted" for f in reading["pages"][0]["fields"]), reading
        agents = resources["Provenance"][0]["agent"]
        assert agents[0]["type"]["coding"][0]["code"] == "assembler", agents
        e2e.wait_until(lambda: any(n.endswith("fax0001.tif") for n in files_under(os.path.join(fax_in, "done"))),
                       30, "the fax kept in done/")

        drop(fax_in, "fax0002.tif", card)  # the same fax twice: one message
        e2e.wait_until(lambda: any(n.endswith("fax0002.tif") for n in files_under(os.path.join(fax_in, "done"))),
                       60, "the repeat taken")

        sheet, _ = sample(renkei, None, "nyutaiin-renkei-sheet", 3, os.path.join(work, "samples"))
        drop(fax_in, "fax0003.tif", sheet)
        drop(fax_in, "fax0004.tif", b"this is not an image")

        def queue():
            listed = subprocess.run([renkei, "faxes", "--config", config_path, "list"], capture_output=True,
                                    text=True, cwd=work)
            assert listed.returncode == 0, listed.stderr
            return [line.split("\t") for line in listed.stdout.splitlines()[1:]]

        e2e.wait_until(lambda: len(queue()) == 1, 60, "the sheet kept for review")
        item = queue()[0]
        assert item[1] == "REVIEW" and item[2] == "care-office-a" and item[3] == "nyutaiin-renkei-sheet", item
        assert int(item[6]) > 0, "fields to confirm: %s" % item
        e2e.wait_until(lambda: os.path.exists(os.path.join(fax_in, "failed", "fax0004.tif.reason.json")), 60,
                       "the non-image refused with its reason")
        with open(os.path.join(fax_in, "failed", "fax0004.tif.reason.json")) as f:
            assert "cannot read the image" in json.load(f)["reason"]
        assert len(files_under(desk)) == 1, "nothing delivered for a repeat or a sheet under review"
        assert daemon.poll() is None

        daemon.terminate()
        assert daemon.wait(timeout=60) == 0
        print("ok: a proven fax routed as FHIR with its image, reading and Provenance; a repeat one message; a "
              "sheet with unproven fields kept for review; a non-image refused with its reason")
    finally:
        e2e.kill_and_clean(daemon, work)


if __name__ == "__main__":
    main()
