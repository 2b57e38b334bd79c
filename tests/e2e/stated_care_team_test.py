#!/usr/bin/env python3
"""Care teams from what arrives, through the real daemon: nobody writes a CareTeam.

The ward desk (北区) imports its directory from a spreadsheet (`renkei directory csv`, posted to the
FHIR endpoint): 西ケ原クリニック, reached over FHIR REST, known only by its phone number, and
滝野川居宅介護支援事業所, reached through the ward's folder, by its 介護事業所番号.
  - The care office drops its discharge linkage sheet (北区's CSV layout, CP932) into its watched
    folder. The sheet names the patient's かかりつけ医 (西ケ原クリニック, 西ケ原 修) and care manager:
    each gets it at once in their own channel.
  - The hospital then drops its discharge notice (FHIR, naming no one, the patient by the same
    介護保険 number): the care team the sheet stated receives it too.
  - `renkei outbox list` shows each delivery's recipient and role.

usage: stated_care_team_test.py RENKEI_BINARY SOURCE_DIR"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_support as e2e  # noqa: E402

INSURED = {"system": "https://fhir.renkei.jp/NamingSystem/care-insured-number", "value": "131177:0000345678"}
DIRECTORY = ("ID,名称,種別,市区町村,電話,FAX,介護事業所番号,連携先\n"
             "clinic-nishigahara,西ケ原クリニック,診療所,北区,03-3916-1111,,,clinic-fhir\n"
             "office-takinogawa,滝野川居宅介護支援事業所,居宅介護支援,北区,03-3915-0001,03-3915-0002,"
             "1371700456,ward-folder\n")


def files_under(folder):
    out = []
    for root, _, names in os.walk(folder):
        out += [os.path.relpath(os.path.join(root, n), folder) for n in names if not n.startswith(".")]
    return sorted(out)


def drop(folder, name, data):
    with open(os.path.join(folder, "." + name), "wb") as f:
        f.write(data)
    os.rename(os.path.join(folder, "." + name), os.path.join(folder, name))


def main():
    renkei, source = sys.argv[1], os.path.abspath(sys.argv[2])
    work = tempfile.mkdtemp(prefix="renkei-stated-")
    daemon, receiver = None, e2e.Receiver()
    try:
        port = e2e.free_port()
        clients = [{"id": "ward-desk", "organization": "kita-desk",
                    "token_sha256": hashlib.sha256(b"token-desk").hexdigest(),
                    "scopes": ["system/*.write", "system/*.read"]}]
        offices, hospital = os.path.join(work, "offices"), os.path.join(work, "hospital")
        ward, desk = os.path.join(work, "ward"), os.path.join(work, "desk")
        for folder in (offices, hospital):
            os.makedirs(folder)
        config_path = os.path.join(work, "renkei.json")
        config = {"data_dir": "data", "mappings_dir": os.path.join(source, "mappings"),
                  "log": {"level": "warn", "file": "renkei.log"},
                  "delivery": {"poll_ms": 20, "retry": {"initial_ms": 100, "max_ms": 1000}},
                  "sources": {"api": {"type": "fhir_http", "listen": "127.0.0.1:%d" % port, "plain_http": True,
                                      "clients": clients},
                              "care-offices": {"type": "folder", "path": offices, "sender": "takinogawa-office",
                                               "poll_ms": 50, "min_age_ms": 0, "mapping": "auto"},
                              "hospital-a": {"type": "folder", "path": hospital, "sender": "hospital-a",
                                             "poll_ms": 50, "min_age_ms": 0}},
                  "sinks": {"clinic-fhir": {"type": "fhir_rest",
                                            "base_url": "http://127.0.0.1:%d/fhir" % receiver.port},
                            "ward-folder": {"type": "file_folder", "path": ward},
                            "desk": {"type": "file_folder", "path": desk}},
                  "routes": [{"name": "care-team", "care_team": ["family-doctor", "care-manager"],
                              "care_team_fallback": ["desk"]}]}
        with open(config_path, "w") as f:
            json.dump(config, f, ensure_ascii=False)
        daemon = subprocess.Popen([renkei, "serve", "--config", config_path], cwd=work)
        base = "http://127.0.0.1:%d/fhir" % port
        e2e.wait_for_endpoint(base + "/metadata")

        # The ward desk's directory, from its spreadsheet.
        e2e.import_directory(renkei, base, DIRECTORY, "token-desk", work)

        # The care office's discharge sheet names the かかりつけ医 and the care manager.
        with open(os.path.join(source, "mappings", "kita-kaigo-iryo-sheet", "golden", "discharge", "input.csv"),
                  "rb") as f:
            drop(offices, "renkei-sheet.csv", f.read())
        e2e.wait_until(lambda: len(receiver.snapshot()) == 1 and len(files_under(ward)) == 1, 30,
                       "the sheet at the clinic and at the care office")
        assert files_under(ward)[0].startswith("kita-desk_Organization-office-takinogawa/"), files_under(ward)
        assert files_under(desk) == [], files_under(desk)

        # The hospital's discharge names no one: the care team the sheet stated receives it.
        with open(os.path.join(source, "samples", "fhir", "Bundle-discharge-notice.json"), encoding="utf-8") as f:
            notice = json.load(f)
        for entry in notice["entry"]:
            if entry["resource"]["resourceType"] == "Patient":
                entry["resource"]["identifier"] = [INSURED]
        drop(hospital, "discharge.json", json.dumps(notice, ensure_ascii=False).encode())
        e2e.wait_until(lambda: len(receiver.snapshot()) == 2 and len(files_under(ward)) == 2, 30,
                       "the hospital's discharge at the clinic and at the care office")
        assert files_under(desk) == [], files_under(desk)

        listed = subprocess.run([renkei, "outbox", "--config", config_path, "list"], capture_output=True,
                                text=True, cwd=work)
        assert listed.returncode == 0, listed.stderr
        assert listed.stdout.count("family-doctor") == 2 or listed.stdout.count("かかりつけ医") == 2, listed.stdout
        assert "西ケ原クリニック" in listed.stdout, listed.stdout

        daemon.terminate()
        assert daemon.wait(timeout=60) == 0
        print("ok: the sheet reached the かかりつけ医 (found by phone) and the care manager (by 事業所番号) at once; "
              "the hospital's discharge, naming no one, reached both through the care team the sheet stated")
    finally:
        if daemon and daemon.poll() is None:
            daemon.kill()
        receiver.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
