#!/usr/bin/env python3
"""The seeds' "lost patient" case through the real daemon: hospital A (ward A) discharges a patient
whose かかりつけ医 practises at clinic B and whose care manager works at office C (ward B).

The clinic and the office put their own directory entries (Practitioner, PractitionerRole,
Organization, Endpoint naming the channel that reaches them) and say who they are to the patient
(CareTeam); the hospital says the patient has a care manager (named by the office's identifier) and
a pharmacy nobody registered. The discharge notice then arrives as a file in the hospital's watched
folder. The patient's ward (新宿区) asks for consent before anything leaves the ward:
  - the care manager (an office in 新宿区) gets it at once in the ward's shared folder, in a folder
    of the office's own;
  - the doctor (a clinic in 中野区) and the pharmacy (no directory entry: ward unknown) are HELD,
    with the reason shown by `renkei outbox list --state HELD`;
  - the hospital records the patient's consent (Consent, permit): the doctor gets it over FHIR
    REST (the clinic's channel) and the pharmacy, which has no channel, goes to the operators' desk;
  - a discharge of another patient reaches no one;
  - a CareTeam membership the clinic ends (PUT with period.end) stops the next discharge going there;
  - the patient withdraws (a newer Consent, deny): the next discharge is held for everyone.

usage: care_team_test.py RENKEI_BINARY SOURCE_DIR"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_support as e2e  # noqa: E402

CHANNEL = "https://fhir.renkei.jp/sid/channel"
ROLE = "https://fhir.renkei.jp/CodeSystem/care-team-role"
MRN = {"system": "urn:oid:1.2.392.100495.20.3.51.11312345670", "value": "00012345"}
TOKENS = {"hospital-a": "token-a", "clinic-b": "token-b", "office-c": "token-c"}


def put(base, org, resource):
    url = "%s/%s/%s" % (base, resource["resourceType"], resource["id"])
    request = urllib.request.Request(url, data=json.dumps(resource, ensure_ascii=False).encode(), method="PUT",
                                     headers={"Content-Type": "application/fhir+json",
                                              "Authorization": "Bearer " + TOKENS[org]})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        raise AssertionError("PUT %s as %s: %d %s" % (url, org, error.code, error.read()[:500]))


def endpoint(id_, channel, address):
    return {"resourceType": "Endpoint", "id": id_, "status": "active",
            "identifier": [{"system": CHANNEL, "value": channel}],
            "connectionType": {"system": "http://terminology.hl7.org/CodeSystem/endpoint-connection-type",
                               "code": "hl7-fhir-rest"},
            "payloadType": [{"text": "FHIR Bundle"}], "address": address}


def member(role, reference=None, identifier=None, display=None, end=None):
    who = {}
    if reference:
        who["reference"] = reference
    if identifier:
        who["identifier"] = identifier
    if display:
        who["display"] = display
    p = {"role": [{"coding": [{"system": ROLE, "code": role}]}], "member": who}
    if end:
        p["period"] = {"start": "2024-04-01", "end": end}
    return p


def discharge(source, patient_value, suffix):
    with open(os.path.join(source, "samples", "fhir", "Bundle-discharge-notice.json"), encoding="utf-8") as f:
        bundle = json.load(f)
    bundle["identifier"]["value"] += suffix
    for entry in bundle["entry"]:
        patient = entry["resource"]
        if patient["resourceType"] == "Patient":
            patient["identifier"][0]["value"] = patient_value
            if patient_value != MRN["value"]:
                # Another person: her own 被保険者番号, birth date and phone (the patient registry
                # would rightly take the sample's person under a second number for the same one).
                patient["identifier"] = patient["identifier"][:1]
                patient["birthDate"] = "1950-12-24"
                patient["telecom"] = [{"system": "phone", "value": "03-9999-0000"}]
                for name in patient["name"]:
                    name["given"] = ["月子" if name["given"][0] == "花子" else "ツキコ"]
                    name["text"] = name["family"] + " " + name["given"][0]
    return bundle


def files_under(folder):
    out = []
    for root, _, names in os.walk(folder):
        out += [os.path.relpath(os.path.join(root, n), folder) for n in names if not n.startswith(".")]
    return sorted(out)


def main():
    renkei, source = sys.argv[1], os.path.abspath(sys.argv[2])
    work = tempfile.mkdtemp(prefix="renkei-care-")
    daemon, receiver = None, e2e.Receiver()
    try:
        port = e2e.free_port()
        clients = [{"id": org, "organization": org, "token_sha256": hashlib.sha256(tok.encode()).hexdigest(),
                    "scopes": ["system/*.write", "system/*.read"]} for org, tok in TOKENS.items()]
        config = {"data_dir": "data", "log": {"level": "warn", "file": "renkei.log"},
                  "delivery": {"poll_ms": 20, "retry": {"initial_ms": 100, "max_ms": 1000}},
                  "sources": {"api": {"type": "fhir_http", "listen": "127.0.0.1:%d" % port, "plain_http": True,
                                      "clients": clients},
                              "hospital-a-inbox": {"type": "folder", "path": "inbox", "sender": "hospital-a",
                                                   "poll_ms": 50, "min_age_ms": 0}},
                  "sinks": {"clinic-b-fhir": {"type": "fhir_rest",
                                              "base_url": "http://127.0.0.1:%d/fhir" % receiver.port},
                            "ward-b-folder": {"type": "file_folder", "path": "ward-b"},
                            "desk": {"type": "file_folder", "path": "desk"}},
                  "consent": {"wards": {"新宿区": "require"}},
                  "routes": [{"name": "discharges-to-the-care-team", "events": ["discharge"],
                              "care_team": ["family-doctor", "care-manager", "pharmacy"],
                              "care_team_fallback": ["desk"]}]}
        with open(os.path.join(work, "renkei.json"), "w") as f:
            json.dump(config, f, ensure_ascii=False)
        os.makedirs(os.path.join(work, "inbox"))
        daemon = subprocess.Popen([renkei, "serve", "--config", os.path.join(work, "renkei.json")], cwd=work)
        base = "http://127.0.0.1:%d/fhir" % port
        e2e.wait_for_endpoint(base + "/metadata")

        # Clinic B's directory entry and what it says about the patient.
        put(base, "clinic-b", endpoint("ep-fhir", "clinic-b-fhir", "https://clinic-b.example.jp/fhir"))
        put(base, "clinic-b", {"resourceType": "Organization", "id": "clinic", "name": "佐藤内科クリニック",
                               "address": [{"state": "東京都", "city": "中野区"}]})
        put(base, "clinic-b", {"resourceType": "Practitioner", "id": "dr-sato",
                               "name": [{"family": "佐藤", "given": ["一郎"]}]})
        put(base, "clinic-b", {"resourceType": "PractitionerRole", "id": "sato", "active": True,
                               "practitioner": {"reference": "Practitioner/dr-sato"},
                               "organization": {"reference": "Organization/clinic"},
                               "endpoint": [{"reference": "Endpoint/ep-fhir"}]})
        clinic_team = {"resourceType": "CareTeam", "id": "team", "status": "active",
                       "subject": {"identifier": MRN},
                       "participant": [member("family-doctor", reference="PractitionerRole/sato")]}
        put(base, "clinic-b", clinic_team)
        # Office C's entry, found by its care-office number.
        put(base, "office-c", endpoint("ep-ward", "ward-b-folder", "file:///srv/ward-b"))
        put(base, "office-c", {"resourceType": "Organization", "id": "office", "name": "居宅介護支援センターC",
                               "identifier": [{"system": "urn:care-office", "value": "1370000001"}],
                               "address": [{"state": "東京都", "city": "新宿区"}],
                               "endpoint": [{"reference": "Endpoint/ep-ward"}]})
        # Hospital A's record of the patient and of the care team it knows of.
        put(base, "hospital-a", {"resourceType": "Patient", "id": "p1", "identifier": [MRN],
                                 "name": [{"family": "山田", "given": ["花子"]}]})
        put(base, "hospital-a", {"resourceType": "CareTeam", "id": "known", "status": "active",
                                 "subject": {"reference": "Patient/p1"},
                                 "participant": [
                                     member("care-manager",
                                            identifier={"system": "urn:care-office", "value": "1370000001"}),
                                     member("pharmacy", display="駅前薬局")]})

        inbox = os.path.join(work, "inbox")
        ward, desk = os.path.join(work, "ward-b"), os.path.join(work, "desk")
        config_path = os.path.join(work, "renkei.json")

        def drop(name, patient_value):
            with open(os.path.join(inbox, "." + name), "w", encoding="utf-8") as f:
                json.dump(discharge(source, patient_value, "-" + name), f, ensure_ascii=False)
            os.rename(os.path.join(inbox, "." + name), os.path.join(inbox, name))

        def held():
            listed = subprocess.run([renkei, "outbox", "--config", config_path, "list", "--state", "HELD"],
                                    capture_output=True, text=True, cwd=work)
            assert listed.returncode == 0, listed.stderr
            return listed.stdout.splitlines()[1:]

        drop("d1.json", MRN["value"])
        e2e.wait_until(lambda: len(files_under(ward)) == 1 and len(held()) == 2, 30,
                       "the care manager served at once, the others held")
        assert files_under(ward)[0].startswith("office-c_Organization-office/"), files_under(ward)
        with open(os.path.join(ward, files_under(ward)[0]), encoding="utf-8") as f:
            assert "Encounter" in f.read()
        reasons = "\n".join(held())
        assert "no Consent permits sending outside the patient's municipality (131041 → 131148)" in reasons, reasons
        assert "(131041 → unknown)" in reasons and "pharmacy: 駅前薬局" in reasons, reasons
        assert receiver.snapshot() == [] and files_under(desk) == []

        consent = {"resourceType": "Consent", "id": "renkei", "status": "active", "dateTime": "2026-04-01T10:00:00+09:00",
                   "scope": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/consentscope",
                                         "code": "patient-privacy"}]},
                   "category": [{"coding": [{"system": "http://loinc.org", "code": "59284-0"}]}],
                   "patient": {"reference": "Patient/p1"}, "policyRule": {"text": "在宅医療・介護連携の情報共有に同意"},
                   "provision": {"type": "permit"}}
        put(base, "hospital-a", consent)
        e2e.wait_until(lambda: len(receiver.snapshot()) == 1 and len(files_under(desk)) == 1 and held() == [], 30,
                       "the consent to release the held deliveries")
        assert files_under(desk)[0].startswith("hospital-a_"), files_under(desk)

        # Another patient's discharge reaches nobody (and is kept as unrouted, not lost).
        drop("d2.json", "99999999")
        e2e.wait_until(lambda: len(files_under(os.path.join(inbox, "done"))) == 2, 30, "the second file taken")

        # The clinic ends its membership: the next discharge goes to the office and the desk only.
        clinic_team["participant"] = [member("family-doctor", reference="PractitionerRole/sato", end="2025-01-31")]
        put(base, "clinic-b", clinic_team)
        drop("d3.json", MRN["value"])
        e2e.wait_until(lambda: len(files_under(ward)) == 2 and len(files_under(desk)) == 2, 30,
                       "the third discharge")
        assert len(receiver.snapshot()) == 1, "the ended membership is not sent to"

        # The patient withdraws: everything of the next discharge is held, inside the ward too.
        withdrawal = dict(consent, id="withdrawal", dateTime="2026-05-01T09:00:00+09:00",
                          provision={"type": "deny"})
        put(base, "hospital-a", withdrawal)
        drop("d4.json", MRN["value"])
        e2e.wait_until(lambda: len(held()) == 2, 30, "the fourth discharge held")
        assert "hospital-a:Consent/withdrawal" in "\n".join(held()), held()
        assert len(files_under(ward)) == 2 and len(files_under(desk)) == 2

        daemon.terminate()
        assert daemon.wait(timeout=60) == 0
        print("ok: the care manager served at once, the doctor and the pharmacy held until the patient consented, "
              "then over FHIR and to the desk; another patient's reached no one; an ended membership and a "
              "withdrawal stopped what followed")
    finally:
        if daemon and daemon.poll() is None:
            daemon.kill()
        receiver.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
