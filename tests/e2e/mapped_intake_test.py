#!/usr/bin/env python3
"""A ward's linkage sheet through the real daemon: a folder source with "mapping": "auto" takes
the Setagaya sheet (CP932 CSV, two people) by its header, commits one message per record over the
file's bytes (kept once), validates each as FHIR (RenkeiPatient, RenkeiCareCoverage) and delivers
it to a FHIR folder destination; the file moves to done/; a csv_folder destination with the same mapping gets each record rendered
back into the layout in CP932. A sheet with refused rows (an impossible
era date, an unknown care level) delivers nothing of those rows and goes to failed/ with a reason
naming lines and columns, without their content; an unknown CSV goes to failed/ as unrecognised.

usage: mapped_intake_test.py RENKEI_BINARY SOURCE_DIR"""
import glob
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_support as e2e  # noqa: E402


def drop(inbox, source, name):
    tmp = os.path.join(inbox, "." + name + ".tmp")
    shutil.copyfile(source, tmp)
    os.rename(tmp, os.path.join(inbox, name))


def main():
    renkei, source = sys.argv[1], os.path.abspath(sys.argv[2])
    golden = os.path.join(source, "mappings", "setagaya-renkei-sheet", "golden")
    work = tempfile.mkdtemp(prefix="renkei-mapped-")
    daemon = None
    try:
        inbox, out, ward = os.path.join(work, "inbox"), os.path.join(work, "out"), os.path.join(work, "ward")
        config = {"data_dir": os.path.join(work, "data"), "mappings_dir": os.path.join(source, "mappings"),
                  "log": {"level": "warn", "file": os.path.join(work, "renkei.log")},
                  "sources": {"care-offices": {"type": "folder", "path": inbox, "poll_ms": 50, "min_age_ms": 0,
                                               "mapping": "auto"}},
                  "sinks": {"fhir-out": {"type": "file_folder", "path": out},
                            "ward-csv": {"type": "csv_folder", "path": ward, "mapping": "setagaya-renkei-sheet"}},
                  "routes": [{"name": "all", "to": ["fhir-out", "ward-csv"]}]}
        os.makedirs(config["data_dir"])
        with open(os.path.join(work, "renkei.json"), "w") as f:
            json.dump(config, f)
        daemon = e2e.start_daemon(renkei, os.path.join(work, "renkei.json"), os.path.join(work, "daemon.out"))
        os.makedirs(inbox, exist_ok=True)
        drop(inbox, os.path.join(golden, "two-people", "input.csv"), "sheet-1122.csv")
        drop(inbox, os.path.join(golden, "era-boundary", "input.csv"), "sheet-bad.csv")
        with open(os.path.join(inbox, ".other.tmp"), "w") as f:
            f.write("a,b\n1,2\n")
        os.rename(os.path.join(inbox, ".other.tmp"), os.path.join(inbox, "other.csv"))

        e2e.wait_until(lambda: len(e2e.visible_files(out)) >= 2 if os.path.isdir(out) else False, 60,
                       "two records to be delivered")
        e2e.wait_until(lambda: os.path.exists(os.path.join(inbox, "failed", "sheet-bad.csv.reason.json")) and
                       os.path.exists(os.path.join(inbox, "failed", "other.csv.reason.json")), 30,
                       "the refused files to reach failed/")
        assert glob.glob(os.path.join(inbox, "done", "*", "sheet-1122.csv")), "the good sheet is not in done/"
        delivered = []
        for name in e2e.visible_files(out):
            with open(os.path.join(out, name), encoding="utf-8") as f:
                delivered.append(json.load(f))
        assert len(delivered) == 2, len(delivered)
        identifiers = set()
        for bundle in delivered:
            tags = bundle.get("meta", {}).get("tag", [])
            assert any(t.get("code") == "setagaya-renkei-sheet" and t.get("version") for t in tags), tags
            for entry in bundle["entry"]:
                r = entry["resource"]
                if r["resourceType"] == "Patient":
                    identifiers.add(r["identifier"][0]["value"])
        assert identifiers == {"131128:0000123456", "131128:H000012345"}, identifiers
        # The same facts rendered back into the layout, in CP932, one file per record.
        e2e.wait_until(lambda: len(e2e.visible_files(ward)) >= 2, 30, "the ward CSVs")
        rows = []
        for name in e2e.visible_files(ward):
            with open(os.path.join(ward, name), "rb") as f:
                text = f.read().decode("cp932")
            header, row = text.split("\r\n")[0:2]
            rows.append(dict(zip(header.split(","), row.split(","))))
        by_insured = {r["被保険者番号"]: r for r in rows}
        assert by_insured["0000123456"]["フリガナ(姓)"] == "レンケイ", by_insured
        assert by_insured["0000123456"]["生年月日"] == "昭和15年4月1日"
        assert by_insured["0000123456"]["かかりつけ医"] == "鈴木 一郎"
        assert by_insured["H000012345"]["住所"] == "世田谷区下馬4-5-6～ハイツ101"
        assert by_insured["H000012345"]["要介護度"] == "要支援1"
        with open(os.path.join(inbox, "failed", "sheet-bad.csv.reason.json"), encoding="utf-8") as f:
            reason = json.load(f)["reason"]
        assert "line 2" in reason and "生年月日" in reason and "line 3" in reason and "要介護度" in reason, reason
        assert "山田" not in reason, "row content in the reason"
        with open(os.path.join(inbox, "failed", "other.csv.reason.json"), encoding="utf-8") as f:
            assert "no mapping recognises" in json.load(f)["reason"]
        daemon.terminate()
        assert daemon.wait(timeout=30) == 0
        with open(os.path.join(work, "renkei.log"), encoding="utf-8") as f:
            log = f.read()
        assert "連携" not in log and "高橋" not in log and "山田" not in log, "patient data in the log"
        print("OK: 2 records delivered as validated FHIR, refused rows named by line and column")
    finally:
        e2e.kill_and_clean(daemon, work)


if __name__ == "__main__":
    main()
