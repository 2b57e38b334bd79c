#!/usr/bin/env python3
"""Mapped layouts through the real daemon, one config and one run.

* A ward's linkage sheet: a folder source with "mapping": "auto" takes the Setagaya sheet (CP932
  CSV, two people) by its header, commits one message per record over the file's bytes (kept
  once), validates each as FHIR (RenkeiPatient, RenkeiCareCoverage) and delivers it to a FHIR
  folder destination; the file moves to done/; a csv_folder destination with the same mapping gets
  each record rendered back into the layout in CP932. A sheet with refused rows (an impossible era
  date, an unknown care level) delivers nothing of those rows and goes to failed/ with a reason
  naming lines and columns, without their content; an unknown CSV goes to failed/ as
  unrecognised.
* Another ward's layout: the same Setagaya records, routed by the RenkeiLinkageSheet profile, are
  rendered by a csv_folder destination with the 北区 mapping (kita-kaigo-iryo-sheet): the person's
  name, 被保険者番号 and care level are in the 北区 sheet (CP932).
* A care-manager office's care-plan export (利用者補足 v4, 第1表, 第2表, 第6表 UPPLAN of two people,
  dropped under their standard file names into the same inbox) moves to done/ and reaches a FHIR
  REST destination as validated FHIR: the 利用者補足 Patients, and CarePlans (RenkeiCarePlan) of
  category table-1, table-2 and table-6 with their identifiers, subject identifiers and activity
  counts (today each record arrives as its collection Bundle, PUT as one Bundle resource; the test
  reads the resources inside it, and would read them as transaction entries as well). A
  csv_folder destination with the careplan-plan mapping, routed by the RenkeiCarePlan profile and
  a condition that lets only active table-6 plans through, writes each 第6表 plan again under the
  standard's name UPPLAN_<対象年月>_<sender>_<type>_<receiver>_<type>_<now>.CSV (parts from
  file_name_values) with exactly the rows of the input (CP932, compared decoded).
* A deletion (DLTPLAN of the same two people) reaches the FHIR REST destination as CarePlans with
  status entered-in-error and the same ids as the table-6 plans they withdraw.
* Streaming: a ~3 MB UPPLAN file from bench/gen_careplan_plan.py, dropped into a second folder
  source with "stream_above_bytes": 1048576 (so it is mapped in slices), reaches done/, and the
  FHIR REST destination receives exactly one table-6 CarePlan per person of the file.
* Nothing is dead in the outbox, and no patient data is in the log.

usage: mapped_intake_test.py RENKEI_BINARY SOURCE_DIR"""
import collections
import csv
import datetime
import glob
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_support as e2e  # noqa: E402

CAREPLAN_PROFILE = "https://fhir.renkei.jp/StructureDefinition/RenkeiCarePlan"
SHEET_PROFILE = "https://fhir.renkei.jp/StructureDefinition/RenkeiLinkageSheet"
PLAN_SYSTEM = "https://fhir.renkei.jp/NamingSystem/care-plan"
INSURED_SYSTEM = "https://fhir.renkei.jp/NamingSystem/care-insured-number"
# The 第6表 re-rendered for a 通所介護 office: names come from the destination, not the input.
PLAN_NAME_VALUES = {"sender": "1371201234", "sender_type": "43", "receiver": "1371209012", "receiver_type": "15"}


def drop(inbox, source, name):
    tmp = os.path.join(inbox, "." + name + ".tmp")
    shutil.copyfile(source, tmp)
    os.rename(tmp, os.path.join(inbox, name))


def only_file(folder):
    names = [n for n in os.listdir(folder) if not n.startswith("expected.")]
    assert len(names) == 1, (folder, names)
    return os.path.join(folder, names[0]), names[0]


def cp932_rows(path):
    with open(path, "rb") as f:
        return [row for row in csv.reader(io.StringIO(f.read().decode("cp932"), newline=""))]


def delivered_resources(bodies):
    """Every resource the FHIR REST destination received: transaction entries, and the entries of
    a Bundle carried as one (a mapped record is a collection Bundle)."""
    out = []
    for body in bodies:
        if not isinstance(body, dict):
            continue
        for entry in body.get("entry", []):
            resource = entry.get("resource", {})
            out.append(resource)
            if resource.get("resourceType") == "Bundle":
                out.extend(e.get("resource", {}) for e in resource.get("entry", []))
    return out


def care_plans(bodies):
    return [r for r in delivered_resources(bodies) if r.get("resourceType") == "CarePlan"]


def categories(plan):
    return {c["code"] for cc in plan.get("category", []) for c in cc.get("coding", [])}


def plan_identifier(plan):
    return next(i["value"] for i in plan.get("identifier", []) if i.get("system") == PLAN_SYSTEM)


def explain_dead(renkei, config):
    """The dead letters, for a failure message (no patient data: reasons name fields, not values)."""
    done = subprocess.run([renkei, "outbox", "--config", config, "dead"], capture_output=True, text=True,
                          timeout=60)
    return done.stdout + done.stderr


def main():
    renkei, source = sys.argv[1], os.path.abspath(sys.argv[2])
    mappings = os.path.join(source, "mappings")
    golden = os.path.join(mappings, "setagaya-renkei-sheet", "golden")
    work = tempfile.mkdtemp(prefix="renkei-mapped-")
    daemon = None
    receiver = e2e.Receiver()
    started = time.time()
    try:
        inbox, bulk = os.path.join(work, "inbox"), os.path.join(work, "bulk")
        out, ward, kita, plans = (os.path.join(work, n) for n in ("out", "ward", "kita", "plans"))
        config_path = os.path.join(work, "renkei.json")
        config = {"data_dir": os.path.join(work, "data"), "mappings_dir": mappings,
                  "log": {"level": "warn", "file": os.path.join(work, "renkei.log")},
                  "delivery": {"workers": 4, "batch": 64, "poll_ms": 20,
                               "retry": {"initial_ms": 100, "max_ms": 1000}},
                  "sources": {"care-offices": {"type": "folder", "path": inbox, "poll_ms": 50, "min_age_ms": 0,
                                               "mapping": "auto"},
                              "bulk": {"type": "folder", "path": bulk, "poll_ms": 50, "min_age_ms": 0,
                                       "mapping": "auto", "stream_above_bytes": 1048576}},
                  "sinks": {"fhir-out": {"type": "file_folder", "path": out},
                            "ward-csv": {"type": "csv_folder", "path": ward, "mapping": "setagaya-renkei-sheet"},
                            "kita-csv": {"type": "csv_folder", "path": kita, "mapping": "kita-kaigo-iryo-sheet"},
                            "hospital": {"type": "fhir_rest", "timeout_ms": 5000,
                                         "base_url": "http://127.0.0.1:%d/fhir" % receiver.port},
                            "plan-csv": {"type": "csv_folder", "path": plans, "mapping": "careplan-plan",
                                         "file_name_values": PLAN_NAME_VALUES}},
                  "routes": [
                      {"name": "setagaya-sheets", "from": ["care-offices"],
                       "condition": "meta.tag.where(system = 'https://fhir.renkei.jp/CodeSystem/mapping' and "
                                    "code = 'setagaya-renkei-sheet').exists()",
                       "to": ["fhir-out", "ward-csv"]},
                      {"name": "sheets-to-kita", "from": ["care-offices"], "profiles": [SHEET_PROFILE],
                       "to": ["kita-csv"]},
                      {"name": "care-plans", "condition": "meta.tag.where(code.startsWith('careplan-')).exists()",
                       "to": ["hospital"]},
                      {"name": "table-6-to-day-care", "from": ["care-offices"], "profiles": [CAREPLAN_PROFILE],
                       "condition": "entry.resource.ofType(CarePlan).where(status = 'active' and "
                                    "category.coding.where(code = 'table-6').exists()).exists()",
                       "to": ["plan-csv"]}]}
        os.makedirs(config["data_dir"])
        with open(config_path, "w", encoding="utf-8") as f:
            json.dump(config, f, ensure_ascii=False)
        check = subprocess.run([renkei, "check-config", config_path], capture_output=True, text=True, timeout=60)
        assert check.returncode == 0, check.stdout + check.stderr

        # The big 第6表 file, generated before the daemon starts (outside the inbox).
        staging = os.path.join(work, "staging")
        os.makedirs(staging)
        gen = subprocess.run([sys.executable, os.path.join(source, "bench", "gen_careplan_plan.py"), staging, "3", "7"],
                             capture_output=True, text=True, timeout=120)
        assert gen.returncode == 0, gen.stderr
        big_path = gen.stdout.strip()
        big_name = os.path.basename(big_path)
        assert os.path.getsize(big_path) > 2 * 1048576, os.path.getsize(big_path)
        big_people = {(r[1], r[2], r[4]) for r in cp932_rows(big_path)}

        daemon = e2e.start_daemon(renkei, config_path, os.path.join(work, "daemon.out"))
        os.makedirs(inbox, exist_ok=True)
        os.makedirs(bulk, exist_ok=True)
        drop(inbox, os.path.join(golden, "two-people", "input.csv"), "sheet-1122.csv")
        drop(inbox, os.path.join(golden, "era-boundary", "input.csv"), "sheet-bad.csv")
        with open(os.path.join(inbox, ".other.tmp"), "w") as f:
            f.write("a,b\n1,2\n")
        os.rename(os.path.join(inbox, ".other.tmp"), os.path.join(inbox, "other.csv"))
        # The care-manager office's export, under the standard's file names.
        export = {}
        for mapping_id, case in (("careplan-hosoku", "plan-v4-two-people"), ("careplan-1kyo", "round-trip"),
                                 ("careplan-2kyo", "round-trip"), ("careplan-plan", "two-people")):
            path, name = only_file(os.path.join(mappings, mapping_id, "golden", case))
            drop(inbox, path, name)
            export[mapping_id] = (path, name)
        drop(bulk, big_path, big_name)

        # 1. The Setagaya flow, as before.
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

        # 2. The Setagaya records in the 北区 layout (CP932, with its header).
        try:
            e2e.wait_until(lambda: os.path.isdir(kita) and len(e2e.visible_files(kita)) >= 2, 30,
                           "the Setagaya records in the 北区 layout")
        except AssertionError as e:
            raise AssertionError("%s; dead letters:\n%s" % (e, explain_dead(renkei, config_path)))
        kita_rows = []
        for name in e2e.visible_files(kita):
            table = cp932_rows(os.path.join(kita, name))
            assert len(table) == 2, (name, len(table))
            assert table[0][:3] == ["区分", "記入日", "利用者氏名（姓）"], table[0]
            kita_rows.append(dict(zip(table[0], table[1])))
        kita_by_insured = {r["被保険者番号"]: r for r in kita_rows}
        assert set(kita_by_insured) == {"0000123456", "H000012345"}, set(kita_by_insured)
        for insured, family, given, level in (("0000123456", "連携", "太郎", "要介護2"),
                                              ("H000012345", "高橋", "幸子", "要支援1")):
            r = kita_by_insured[insured]
            assert (r["利用者氏名（姓）"], r["利用者氏名（名）"]) == (family, given), r
            assert r["保険者番号"] == "131128" and r["要介護度"] == level, r

        # 3. The care-plan export at the FHIR REST destination.
        for _, name in export.values():
            e2e.wait_until(lambda: glob.glob(os.path.join(inbox, "done", "*", name)) or
                           os.path.exists(os.path.join(inbox, "failed", name)), 30, name + " to leave the inbox")
            assert glob.glob(os.path.join(inbox, "done", "*", name)), (
                name + " is not in done/: " + open(os.path.join(inbox, "failed", name + ".reason.json"),
                                                   encoding="utf-8").read())

        export_people = {"131128:0000123456", "131128:0000234567"}

        def export_plans():
            return [p for p in care_plans(receiver.body_snapshot())
                    if p.get("subject", {}).get("identifier", {}).get("value") in export_people]

        def table(code, status="active"):
            return [p for p in export_plans() if code in categories(p) and p.get("status") == status]

        try:
            e2e.wait_until(lambda: len(table("table-1")) >= 1 and len(table("table-2")) >= 1 and
                           len(table("table-6")) >= 2, 30, "the care plans at the FHIR destination")
        except AssertionError as e:
            raise AssertionError("%s; dead letters:\n%s" % (e, explain_dead(renkei, config_path)))
        # A mapped record's resources travel one by one, each under an id from its business key.
        patients = {i["value"] for r in delivered_resources(receiver.body_snapshot())
                    if r.get("resourceType") == "Patient"
                    for i in r.get("identifier", []) if i.get("system") == INSURED_SYSTEM}
        assert {"131128:0000123456", "131128:0000654321"} <= patients, patients
        for p in export_plans():
            assert CAREPLAN_PROFILE in p.get("meta", {}).get("profile", []), p.get("meta")
        (t1,), (t2,) = table("table-1"), table("table-2")
        assert plan_identifier(t1) == plan_identifier(t2) == "131128:0000123456:20241001", (t1, t2)
        assert t1["subject"]["identifier"] == {"system": INSURED_SYSTEM, "value": "131128:0000123456"}, t1["subject"]
        assert len(t2.get("activity", [])) == 5, len(t2.get("activity", []))
        t6 = {plan_identifier(p): p for p in table("table-6")}
        assert set(t6) == {"131128:0000123456:202411", "131128:0000234567:202411"}, set(t6)
        assert len(t6["131128:0000123456:202411"]["activity"]) == 31
        assert len(t6["131128:0000234567:202411"]["activity"]) == 22
        for ident, p in t6.items():
            assert p["subject"]["identifier"] == {"system": INSURED_SYSTEM, "value": ident.rsplit(":", 1)[0]}, p

        # The 第6表 rendered again under the standard's name, with the input's rows.
        e2e.wait_until(lambda: os.path.isdir(plans) and len(e2e.visible_files(plans)) >= 2, 30, "the UPPLAN files")
        time.sleep(0.5)  # nothing else may come: the other tables and the people of the big file do not go there
        names = sorted(e2e.visible_files(plans))
        assert len(names) == 2, names
        pattern = re.compile(r"^UPPLAN_(\d{6})_(\d{10})_(\d{2})_(\d{10})_(\d{2})_(\d{14})\.CSV$")
        rendered = []
        for name in names:
            m = pattern.match(name)
            assert m, name
            assert m.groups()[:5] == ("202411", PLAN_NAME_VALUES["sender"], PLAN_NAME_VALUES["sender_type"],
                                      PLAN_NAME_VALUES["receiver"], PLAN_NAME_VALUES["receiver_type"]), name
            stamp = datetime.datetime.strptime(m.group(6), "%Y%m%d%H%M%S")
            assert abs((datetime.datetime.now() - stamp).total_seconds()) < 600, name
            rendered.extend(cp932_rows(os.path.join(plans, name)))
        original = cp932_rows(export["careplan-plan"][0])
        assert collections.Counter(map(tuple, rendered)) == collections.Counter(map(tuple, original)), (
            len(rendered), len(original))

        # 4. A deletion of the same two people's plans: entered-in-error, the same ids.
        dlt_source, dlt_name = only_file(os.path.join(mappings, "careplan-dltplan", "golden", "two-people"))
        withdrawn = {(r[1], r[2], r[3]) for r in cp932_rows(dlt_source)}
        assert withdrawn == {("131128", "0000123456", "202411"), ("131128", "0000234567", "202411")}, withdrawn
        drop(inbox, dlt_source, dlt_name)
        try:
            e2e.wait_until(lambda: len(table("table-6", "entered-in-error")) >= 2, 30, "the withdrawn plans")
        except AssertionError as e:
            raise AssertionError("%s; dead letters:\n%s" % (e, explain_dead(renkei, config_path)))
        gone = {plan_identifier(p): p for p in table("table-6", "entered-in-error")}
        assert set(gone) == set(t6), set(gone)
        for ident in t6:
            assert gone[ident]["id"] == t6[ident]["id"], (ident, gone[ident]["id"], t6[ident]["id"])
        assert len(table("table-7", "entered-in-error")) == 2, "the 第7表 of the month is withdrawn with it"
        assert len(e2e.visible_files(plans)) == 2, "a deletion was rendered as a plan"

        # 5. The big file, streamed in slices: done/, one table-6 CarePlan per person.
        e2e.wait_until(lambda: glob.glob(os.path.join(bulk, "done", "*", big_name)) or
                       os.path.exists(os.path.join(bulk, "failed", big_name)), 60, "the big file to leave the inbox")
        assert glob.glob(os.path.join(bulk, "done", "*", big_name)), open(
            os.path.join(bulk, "failed", big_name + ".reason.json"), encoding="utf-8").read()
        wanted = {"%s:%s:%s" % person for person in big_people}

        def big_plans():
            return {plan_identifier(p) for p in care_plans(receiver.body_snapshot())
                    if "table-6" in categories(p) and plan_identifier(p) in wanted}
        try:
            e2e.wait_until(lambda: len(big_plans()) == len(wanted), 60, "%d streamed plans" % len(wanted))
        except AssertionError as e:
            raise AssertionError("%s (%d arrived); dead letters:\n%s" % (e, len(big_plans()),
                                                                       explain_dead(renkei, config_path)))
        big_count = collections.Counter(plan_identifier(p) for p in care_plans(receiver.body_snapshot())
                                        if "table-6" in categories(p) and plan_identifier(p) in wanted)
        repeats = {k: n for k, n in big_count.items() if n > 1}
        assert not repeats, "plans delivered more than once: %d" % len(repeats)
        dead = explain_dead(renkei, config_path)
        assert len(dead.strip().splitlines()) == 1, "dead letters:\n" + dead

        daemon.terminate()
        assert daemon.wait(timeout=30) == 0
        with open(os.path.join(work, "renkei.log"), encoding="utf-8") as f:
            log = f.read()
        for text in ("連携", "高橋", "山田", "佐藤", "計画", "0000123456"):
            assert text not in log, "patient data in the log: " + text
        print("OK: %.1f s; Setagaya sheet → FHIR, own and 北区 layouts; care-plan export → %d CarePlans, "
              "UPPLAN re-rendered; DLTPLAN withdraws the same ids; %d people streamed from %d bytes" %
              (time.time() - started, len(export_plans()), len(wanted), os.path.getsize(
                  glob.glob(os.path.join(bulk, "done", "*", big_name))[0])))
    finally:
        e2e.kill_and_clean(daemon, work)
        receiver.close()


if __name__ == "__main__":
    main()
