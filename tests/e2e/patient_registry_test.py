#!/usr/bin/env python3
"""The patient registry through the real daemon: the hospital and the care office number the same
person differently, and the hospital's discharge still reaches the かかりつけ医 the office named.

  - The ward desk imports its directory (西ケ原クリニック, known by its phone, reached over FHIR).
  - The care office drops its discharge sheet (北区's CSV layout, CP932): the patient under her
    介護保険 number, her かかりつけ医 by phone. The clinic gets it.
  - The hospital drops its discharge notice of the same person under its own patient number (half-
    width kana, the phone written differently): matching links the records, the clinic gets it.
  - A faxed notice with a masked name (滝●川 幸●) under another hospital number waits (PENDING):
    `renkei patients review` lists it with its candidate; the operator links it with
    `renkei patients link … --by`; the next notice of that record reaches the clinic.
  - `renkei patients show` and `renkei audit --patient … --text` show each decision (照合).

usage: patient_registry_test.py RENKEI_BINARY SOURCE_DIR"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_support as e2e  # noqa: E402
from stated_care_team_test import drop, files_under  # noqa: E402

HOSPITAL = "urn:oid:1.2.392.100495.20.3.51.11319990002"
DIRECTORY = ("ID,名称,種別,市区町村,電話,FAX,介護事業所番号,連携先\n"
             "clinic-nishigahara,西ケ原クリニック,診療所,北区,03-3916-1111,,,clinic-fhir\n")


def notice(source, suffix, mrn, family, given, kana_family, kana_given, phone):
    with open(os.path.join(source, "samples", "fhir", "Bundle-discharge-notice.json"), encoding="utf-8") as f:
        bundle = json.load(f)
    bundle["identifier"]["value"] += suffix
    for entry in bundle["entry"]:
        if entry["resource"]["resourceType"] == "Patient":
            entry["resource"].update({
                "identifier": [{"system": HOSPITAL, "value": mrn}],
                "name": [{"family": family, "given": [given]}, {"family": kana_family, "given": [kana_given]}],
                "telecom": [{"system": "phone", "value": phone}], "gender": "female", "birthDate": "1930-07-07",
                "address": [{"state": "東京都", "city": "北区", "postalCode": "114-0023"}]})
    return json.dumps(bundle, ensure_ascii=False).encode()


def main():
    renkei, source = sys.argv[1], os.path.abspath(sys.argv[2])
    work = tempfile.mkdtemp(prefix="renkei-registry-")
    daemon, receiver = None, e2e.Receiver()
    try:
        port = e2e.free_port()
        clients = [{"id": "ward-desk", "organization": "kita-desk",
                    "token_sha256": hashlib.sha256(b"token-desk").hexdigest(),
                    "scopes": ["system/*.write", "system/*.read"]}]
        offices, hospital, desk = (os.path.join(work, n) for n in ("offices", "hospital", "desk"))
        for folder in (offices, hospital):
            os.makedirs(folder)
        config_path = os.path.join(work, "renkei.json")
        config = {"data_dir": "data", "mappings_dir": os.path.join(source, "mappings"),
                  "log": {"level": "warn", "file": "renkei.log"},
                  "delivery": {"poll_ms": 20, "retry": {"initial_ms": 100, "max_ms": 1000}},
                  "patients": {"check_ms": 100},
                  "sources": {"api": {"type": "fhir_http", "listen": "127.0.0.1:%d" % port, "plain_http": True,
                                      "clients": clients},
                              "care-offices": {"type": "folder", "path": offices, "sender": "takinogawa-office",
                                               "poll_ms": 50, "min_age_ms": 0, "mapping": "auto"},
                              "hospital-a": {"type": "folder", "path": hospital, "sender": "hospital-a",
                                             "poll_ms": 50, "min_age_ms": 0}},
                  "sinks": {"clinic-fhir": {"type": "fhir_rest",
                                            "base_url": "http://127.0.0.1:%d/fhir" % receiver.port},
                            "desk": {"type": "file_folder", "path": desk}},
                  "routes": [{"name": "care-team", "care_team": ["family-doctor"], "care_team_fallback": ["desk"]}]}
        with open(config_path, "w") as f:
            json.dump(config, f, ensure_ascii=False)
        daemon = subprocess.Popen([renkei, "serve", "--config", config_path], cwd=work)
        base = "http://127.0.0.1:%d/fhir" % port
        e2e.wait_for_endpoint(base + "/metadata")

        def run(*args):
            done = subprocess.run([renkei, *args], capture_output=True, text=True, cwd=work)
            assert done.returncode == 0, (args, done.stdout, done.stderr)
            return done.stdout

        e2e.import_directory(renkei, base, DIRECTORY, "token-desk", work)

        with open(os.path.join(source, "mappings", "kita-kaigo-iryo-sheet", "golden", "discharge", "input.csv"),
                  "rb") as f:
            drop(offices, "renkei-sheet.csv", f.read())
        e2e.wait_until(lambda: len(receiver.snapshot()) == 1, 30, "the office's sheet at the clinic")

        drop(hospital, "d1.json", notice(source, "-1", "H-500", "滝野川", "幸子", "ﾀｷﾉｶﾞﾜ", "ｻﾁｺ", "03(3910)5555"))
        e2e.wait_until(lambda: len(receiver.snapshot()) == 2, 30, "the hospital's discharge at the clinic")
        assert files_under(desk) == [], files_under(desk)

        drop(hospital, "d2.json", notice(source, "-2", "H-501", "滝●川", "幸●", "タ●", "サ●", "03-3910-5555"))
        e2e.wait_until(lambda: "PENDING" in run("patients", "--config", config_path, "review"), 30,
                       "the masked notice waiting for a person")
        review = run("patients", "--config", config_path, "review")
        pending = [line for line in review.splitlines() if line.startswith("PENDING")]
        assert len(pending) == 1 and HOSPITAL + "|H-501" in pending[0], review
        candidate = [line for line in review.splitlines() if line.strip().startswith("candidate ")]
        assert candidate, review
        person = candidate[0].split()[1]
        shown = run("patients", "--config", config_path, "show", "hospital-a", HOSPITAL + "|H-500")
        assert person in shown and "auto-link" in shown and "takinogawa-office" in shown, shown
        assert len(receiver.snapshot()) == 2, "nothing sent for a masked name"

        run("patients", "--config", config_path, "link", "hospital-a", HOSPITAL + "|H-501", "--to", person,
            "--by", "佐藤")
        drop(hospital, "d3.json", notice(source, "-3", "H-501", "滝●川", "幸●", "タ●", "サ●", "03-3910-5555"))
        e2e.wait_until(lambda: len(receiver.snapshot()) == 3, 30, "the linked record's next notice at the clinic")

        trail = run("audit", "--config", config_path, "--patient", HOSPITAL + "|H-501", "--text")
        rows = [line.split("\t") for line in trail.splitlines()[1:]]
        matches = [r for r in rows if r[1] == "照合"]
        assert [m[3].split(":")[0] for m in matches] == ["pending", "link"], rows
        assert "operator: 佐藤" in matches[1][2], matches

        daemon.terminate()
        assert daemon.wait(timeout=60) == 0
        print("ok: the hospital's own number found the care team the office stated under its own; a masked "
              "notice waited until an operator linked it, then reached the doctor; every decision is in the "
              "patient's audit trail")
    finally:
        if daemon and daemon.poll() is None:
            daemon.kill()
        receiver.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
