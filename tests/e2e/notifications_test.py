#!/usr/bin/env python3
"""Notifications to the care team through the real daemon: the patient of hospital A has a
かかりつけ医 at clinic B (FHIR REST) and a care manager at office C (the ward's folder; its
directory entry imported from the ward's spreadsheet with `renkei directory csv`).

  - a discharge arrives from two sources (the hospital's folder and its EHR export folder, with the
    time of day differing): it is one fact, so the doctor and the care manager are each told once,
    at once (urgent: a discharge on or before tomorrow), with a Task asking for acknowledgement;
  - the clinic acknowledges over the FHIR API (a completed Task naming the token); office C does
    not, so its notification is escalated to the operators' desk when the deadline passes, and an
    operator acknowledges it with `renkei notifications ack`;
  - a Task naming the office's token written by the clinic acknowledges nothing;
  - 30 admissions (routine) are kept for the daily digest; `renkei notifications digest-now` sends
    each recipient one digest listing all 30;
  - `renkei audit --patient` lists every receipt, delivery, notification, acknowledgement and read
    of the patient's data (the hospital reading its own Patient record over the API).

usage: notifications_test.py RENKEI_BINARY SOURCE_DIR"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_support as e2e  # noqa: E402
from care_team_test import MRN, TOKENS, endpoint, files_under, member, put  # noqa: E402

NOTIFICATION = "https://fhir.renkei.jp/sid/notification"


def bundle_from(source, suffix, end=None, start=None, status="finished"):
    with open(os.path.join(source, "samples", "fhir", "Bundle-discharge-notice.json"), encoding="utf-8") as f:
        bundle = json.load(f)
    bundle["identifier"]["value"] += suffix
    for entry in bundle["entry"]:
        resource = entry["resource"]
        if resource["resourceType"] == "Encounter":
            resource["status"] = status
            resource["period"] = {"start": start or "2026-11-02T10:00:00+09:00"}
            if end:
                resource["period"]["end"] = end
            if status != "finished":
                resource.pop("hospitalization", None)
    return bundle


def tasks_in(bundle):
    """The Tasks of a notification Bundle, as written to a folder or inside the transaction that
    the fhir_rest sink POSTs (one entry: the notification Bundle)."""
    if bundle.get("type") == "transaction":
        bundle = bundle["entry"][0]["resource"]
    return [e["resource"] for e in bundle.get("entry", []) if e.get("resource", {}).get("resourceType") == "Task"]


def main():
    renkei, source = sys.argv[1], os.path.abspath(sys.argv[2])
    work = tempfile.mkdtemp(prefix="renkei-notify-")
    daemon, receiver = None, e2e.Receiver()
    try:
        port = e2e.free_port()
        clients = [{"id": org, "organization": org, "token_sha256": hashlib.sha256(tok.encode()).hexdigest(),
                    "scopes": ["system/*.write", "system/*.read"]} for org, tok in TOKENS.items()]
        folder = {"type": "folder", "sender": "hospital-a", "poll_ms": 50, "min_age_ms": 0}
        config = {"data_dir": "data", "log": {"level": "warn", "file": "renkei.log"},
                  "delivery": {"poll_ms": 20, "retry": {"initial_ms": 100, "max_ms": 1000}},
                  "sources": {"api": {"type": "fhir_http", "listen": "127.0.0.1:%d" % port, "plain_http": True,
                                      "clients": clients},
                              "hospital-a-inbox": dict(folder, path="inbox"),
                              "hospital-a-ehr": dict(folder, path="ehr")},
                  "sinks": {"clinic-b-fhir": {"type": "fhir_rest",
                                              "base_url": "http://127.0.0.1:%d/fhir" % receiver.port},
                            "ward-b-folder": {"type": "file_folder", "path": "ward-b"},
                            "desk": {"type": "file_folder", "path": "desk"}},
                  "routes": [{"name": "events-to-the-care-team", "events": ["admission", "discharge"],
                              "care_team": ["family-doctor", "care-manager"],
                              "notify": {"ack_minutes": 0.1, "escalate_to": ["desk"], "digest_at": "17:00"}}]}
        config_path = os.path.join(work, "renkei.json")
        with open(config_path, "w") as f:
            json.dump(config, f, ensure_ascii=False)
        for d in ("inbox", "ehr"):
            os.makedirs(os.path.join(work, d))
        daemon = subprocess.Popen([renkei, "serve", "--config", config_path], cwd=work)
        base = "http://127.0.0.1:%d/fhir" % port
        e2e.wait_for_endpoint(base + "/metadata")

        put(base, "clinic-b", endpoint("ep-fhir", "clinic-b-fhir", "https://clinic-b.example.jp/fhir"))
        put(base, "clinic-b", {"resourceType": "PractitionerRole", "id": "sato", "active": True,
                               "endpoint": [{"reference": "Endpoint/ep-fhir"}]})
        put(base, "clinic-b", {"resourceType": "CareTeam", "id": "team", "status": "active",
                               "subject": {"identifier": MRN},
                               "participant": [member("family-doctor", reference="PractitionerRole/sato")]})
        # Office C's entry comes from the ward's directory spreadsheet (CP932, as Excel saves it).
        sheet = os.path.join(work, "directory.csv")
        with open(sheet, "w", encoding="cp932", newline="") as f:
            f.write("ID,名称,種別,市区町村,電話,連携先\r\noffice,居宅介護支援センターC,居宅介護支援,新宿区,"
                    "03-3333-4444,ward-b-folder\r\n")
        made = subprocess.run([renkei, "directory", "csv", sheet, "--encoding", "cp932"],
                              capture_output=True, cwd=work)
        assert made.returncode == 0, made.stderr.decode()
        posted = urllib.request.Request(base, data=made.stdout, method="POST",
                                        headers={"Content-Type": "application/fhir+json",
                                                 "Authorization": "Bearer " + TOKENS["office-c"]})
        with urllib.request.urlopen(posted, timeout=30) as response:
            assert response.status in (200, 201), response.status
        put(base, "office-c", {"resourceType": "CareTeam", "id": "team", "status": "active",
                               "subject": {"identifier": MRN},
                               "participant": [member("care-manager", reference="Organization/office")]})

        ward, desk = os.path.join(work, "ward-b"), os.path.join(work, "desk")

        def drop(folder_name, name, bundle):
            path = os.path.join(work, folder_name)
            with open(os.path.join(path, "." + name), "w", encoding="utf-8") as f:
                json.dump(bundle, f, ensure_ascii=False)
            os.rename(os.path.join(path, "." + name), os.path.join(path, name))

        def notifications(state):
            listed = subprocess.run([renkei, "notifications", "--config", config_path, "list", "--state", state],
                                    capture_output=True, text=True, cwd=work)
            assert listed.returncode == 0, listed.stderr
            return [line.split("\t") for line in listed.stdout.splitlines()[1:]]

        # One discharge, told by two sources: each member is told once, at once.
        drop("inbox", "d1.json", bundle_from(source, "-a", end="2026-11-20T11:30:00+09:00"))
        e2e.wait_until(lambda: len(receiver.snapshot()) == 1 and len(files_under(ward)) == 1, 30,
                       "the urgent notifications")
        drop("ehr", "d1-ehr.json", bundle_from(source, "-ehr", end="2026-11-20T15:00:00+09:00"))
        e2e.wait_until(lambda: len(files_under(os.path.join(work, "ehr", "done"))) == 1, 30, "the export taken")
        tasks = tasks_in(receiver.body_snapshot()[0])
        assert len(tasks) == 1 and tasks[0]["status"] == "requested", tasks
        clinic_token = [i["value"] for i in tasks[0]["identifier"] if i["system"] == NOTIFICATION][0]
        with open(os.path.join(ward, files_under(ward)[0]), encoding="utf-8") as f:
            office_notice = json.load(f)
        office_token = [i["value"] for i in tasks_in(office_notice)[0]["identifier"]][0]
        text = json.dumps(office_notice, ensure_ascii=False)
        assert "【至急】退院" in text and "送信元: 新宿総合病院" in text and "連絡先:" in text, text[:800]
        awaiting = notifications("AWAITING")
        assert len(awaiting) == 2, awaiting

        # The clinic acknowledges its own; its Task naming the office's token changes nothing.
        for token, id_ in ((clinic_token, "ack-1"), (office_token, "ack-2")):
            put(base, "clinic-b", {"resourceType": "Task", "id": id_, "status": "completed", "intent": "order",
                                   "identifier": [{"system": NOTIFICATION, "value": token}]})
        e2e.wait_until(lambda: len(notifications("ACKED")) == 1, 30, "the clinic's acknowledgement")
        assert notifications("ACKED")[0][8] == clinic_token
        assert notifications("ACKED")[0][7] == "clinic-b"

        # Office C's is not acknowledged in time: the desk is told, once.
        e2e.wait_until(lambda: len(files_under(desk)) == 1, 60, "the escalation")
        with open(os.path.join(desk, files_under(desk)[0]), encoding="utf-8") as f:
            assert "未確認のため転送: 居宅介護支援センターC" in f.read()
        assert [n[8] for n in notifications("ESCALATED")] == [office_token]
        acked = subprocess.run([renkei, "notifications", "--config", config_path, "ack", office_token,
                                "--by", "田中 (電話で確認)"], capture_output=True, text=True, cwd=work)
        assert acked.returncode == 0, acked.stderr
        assert len(notifications("ACKED")) == 2 and notifications("ESCALATED") == []
        assert len(receiver.snapshot()) == 1 and len(files_under(ward)) == 1, "each member told once"

        # Thirty routine admissions wait for the daily digest: one per recipient.
        for day in range(1, 31):
            drop("inbox", "a%02d.json" % day,
                 bundle_from(source, "-adm%d" % day, start="2026-10-%02dT09:00:00+09:00" % day, status="in-progress"))
        e2e.wait_until(lambda: len(notifications("DIGEST")) == 60, 60, "sixty routine notifications")
        assert len(receiver.snapshot()) == 1 and len(files_under(ward)) == 1, "routine items wait"
        sent = subprocess.run([renkei, "notifications", "--config", config_path, "digest-now"],
                              capture_output=True, text=True, cwd=work)
        assert sent.returncode == 0 and "60 notification(s)" in sent.stdout, sent.stdout + sent.stderr
        e2e.wait_until(lambda: len(receiver.snapshot()) == 2 and len(files_under(ward)) == 2, 30, "the digests")
        assert "本日の連携通知 30 件" in json.dumps(receiver.body_snapshot()[1], ensure_ascii=False)
        bodies = []
        for name in files_under(ward):
            with open(os.path.join(ward, name), encoding="utf-8") as f:
                bodies.append(f.read())
        assert sum("本日の連携通知 30 件" in b for b in bodies) == 1, "one digest for the office"
        assert len(notifications("DIGESTED")) == 60

        # Who saw this patient's data and why: the hospital reads its own record of the patient.
        put(base, "hospital-a", {"resourceType": "Patient", "id": "p1", "identifier": [MRN],
                                 "name": [{"family": "連携", "given": ["花子"]}]})
        read = urllib.request.Request(base + "/Patient/p1", headers={"Authorization": "Bearer " + TOKENS["hospital-a"]})
        with urllib.request.urlopen(read, timeout=30) as response:
            assert response.status == 200

        def trail():
            shown = subprocess.run([renkei, "audit", "--config", config_path, "--patient",
                                    MRN["system"] + "|" + MRN["value"], "--limit", "1000", "--text"],
                                   capture_output=True, text=True, cwd=work)
            assert shown.returncode == 0, shown.stderr
            return [line.split("\t") for line in shown.stdout.splitlines()[1:]]
        e2e.wait_until(lambda: any(row[1] == "閲覧" for row in trail()), 30, "the read in the audit trail")
        rows = trail()
        steps = [row[1] for row in rows]
        assert steps.count("受信") == 33, steps  # two discharges, thirty admissions, the Patient
        assert "受領確認" in steps and "通知" in steps and "送信" in steps, steps
        assert any(r[1] == "受領確認" and r[2] == "clinic-b" for r in rows), rows
        assert any(r[1] == "閲覧" and "hospital-a" in r[2] and "GET /fhir/Patient/p1" in r[3] for r in rows), rows
        assert any(r[1] == "送信" and "desk" in r[2] for r in rows), "the escalation is in the trail"
        bundle = subprocess.run([renkei, "audit", "--config", config_path, "--patient", MRN["value"]],
                                capture_output=True, text=True, cwd=work)
        assert bundle.returncode == 0 and json.loads(bundle.stdout)["resourceType"] == "Bundle", bundle.stderr
        nobody = subprocess.run([renkei, "audit", "--config", config_path, "--patient", "no-such-patient"],
                                capture_output=True, text=True, cwd=work)
        assert nobody.returncode == 1 and "no message names the patient" in nobody.stderr, nobody.stderr

        daemon.terminate()
        assert daemon.wait(timeout=60) == 0
        print("ok: one discharge from two sources told each member once, at once; the clinic's acknowledgement "
              "recorded, the office's escalated to the desk and acknowledged by an operator; 30 admissions became "
              "one digest per recipient; the patient's audit trail shows each receipt, delivery, notification, "
              "acknowledgement and read")
    finally:
        if daemon and daemon.poll() is None:
            daemon.kill()
        receiver.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
