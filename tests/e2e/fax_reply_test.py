#!/usr/bin/env python3
"""A faxed-back sheet acknowledges its notification, through the real daemon.

The patient's かかりつけ医 only has FAX: its Endpoint names the fax_sheet channel and its number.
The hospital's discharge (today: urgent) becomes an urgent notification, rendered as a fax sheet
(TIFF G4) whose QR code carries the notification's token. The clinic faxes the sheet back: the fax
server drops the received image into the fax_replies folder. The notification is then ACKED "by
fax reply <file>" (`renkei notifications list`), the image kept in done/, and a second copy of the
same sheet goes to failed/ with its reason.

usage: fax_reply_test.py RENKEI_BINARY SOURCE_DIR"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_support as e2e  # noqa: E402
from care_team_test import MRN, TOKENS, discharge, endpoint, files_under, member, put  # noqa: E402


def main():
    renkei, source = sys.argv[1], os.path.abspath(sys.argv[2])
    work = tempfile.mkdtemp(prefix="renkei-fax-reply-")
    daemon = None
    try:
        port = e2e.free_port()
        clients = [{"id": org, "organization": org, "token_sha256": hashlib.sha256(tok.encode()).hexdigest(),
                    "scopes": ["system/*.write", "system/*.read"]} for org, tok in TOKENS.items()]
        for folder in ("inbox", "fax-in"):
            os.makedirs(os.path.join(work, folder))
        config_path = os.path.join(work, "renkei.json")
        config = {"data_dir": "data", "log": {"level": "warn", "file": "renkei.log"},
                  "delivery": {"poll_ms": 20},
                  "sources": {"api": {"type": "fhir_http", "listen": "127.0.0.1:%d" % port, "plain_http": True,
                                      "clients": clients},
                              "hospital-a-inbox": {"type": "folder", "path": "inbox", "sender": "hospital-a",
                                                   "poll_ms": 50, "min_age_ms": 0},
                              "fax-in": {"type": "fax_replies", "path": "fax-in", "poll_ms": 50, "min_age_ms": 0}},
                  "sinks": {"clinic-fax": {"type": "fax_sheet", "path": "fax-out", "formats": ["tiff"]},
                            "desk": {"type": "file_folder", "path": "desk"}},
                  "routes": [{"name": "events-to-the-family-doctor", "events": ["discharge"],
                              "care_team": ["family-doctor"], "care_team_fallback": ["desk"],
                              "notify": {"urgent_discharge_days": 36500, "ack_minutes": 600,
                                         "escalate_to": ["desk"]}}]}
        with open(config_path, "w") as f:
            json.dump(config, f, ensure_ascii=False)
        daemon = subprocess.Popen([renkei, "serve", "--config", config_path], cwd=work)
        base = "http://127.0.0.1:%d/fhir" % port
        e2e.wait_for_endpoint(base + "/metadata")

        for resource in [endpoint("ep-fax", "clinic-fax", "fax:03-5555-0101"),
                         {"resourceType": "Organization", "id": "clinic", "name": "佐藤内科クリニック",
                          "address": [{"state": "東京都", "city": "新宿区"}],
                          "endpoint": [{"reference": "Endpoint/ep-fax"}]},
                         {"resourceType": "CareTeam", "id": "team", "status": "active", "subject": {"identifier": MRN},
                          "participant": [member("family-doctor", reference="Organization/clinic")]}]:
            put(base, "clinic-b", resource)

        inbox = os.path.join(work, "inbox")
        with open(os.path.join(inbox, ".d1.json"), "w", encoding="utf-8") as f:
            json.dump(discharge(source, MRN["value"], "-d1"), f, ensure_ascii=False)
        os.rename(os.path.join(inbox, ".d1.json"), os.path.join(inbox, "d1.json"))
        out = os.path.join(work, "fax-out")
        e2e.wait_until(lambda: any(n.endswith(".json") for n in files_under(out)), 30, "the sheet and its ticket")
        ticket_name = next(n for n in files_under(out) if n.endswith(".json"))
        with open(os.path.join(out, ticket_name)) as f:
            ticket = json.load(f)
        sheet = os.path.join(out, ticket_name[:-len(".json")] + ".tif")

        def notifications(state):
            listed = subprocess.run([renkei, "notifications", "--config", config_path, "list", "--state", state],
                                    capture_output=True, text=True, cwd=work)
            assert listed.returncode == 0, listed.stderr
            return listed.stdout.splitlines()[1:]

        awaiting = notifications("AWAITING")
        assert len(awaiting) == 1 and ticket["reply_token"] in awaiting[0], (awaiting, ticket)

        # The clinic faxes the sheet back; the fax server drops what it received.
        fax_in = os.path.join(work, "fax-in")
        shutil.copy(sheet, os.path.join(fax_in, ".fax0001.tif"))
        os.rename(os.path.join(fax_in, ".fax0001.tif"), os.path.join(fax_in, "fax0001.tif"))
        e2e.wait_until(lambda: len(notifications("ACKED")) == 1, 30, "the faxed-back sheet's acknowledgement")
        acked = notifications("ACKED")[0]
        assert "fax reply fax0001.tif" in acked and ticket["reply_token"] in acked, acked
        assert notifications("AWAITING") == []
        e2e.wait_until(lambda: any(n.endswith("fax0001.tif") for n in files_under(os.path.join(fax_in, "done"))),
                       30, "the received fax kept in done/")

        shutil.copy(sheet, os.path.join(fax_in, ".fax0002.tif"))
        os.rename(os.path.join(fax_in, ".fax0002.tif"), os.path.join(fax_in, "fax0002.tif"))
        e2e.wait_until(lambda: os.path.exists(os.path.join(fax_in, "failed", "fax0002.tif.reason.json")), 30,
                       "the second copy refused with its reason")

        daemon.terminate()
        assert daemon.wait(timeout=60) == 0
        print("ok: the urgent notification's fax sheet, faxed back, acknowledged it (by fax reply); the image "
              "kept in done/, a second copy refused with its reason")
    finally:
        if daemon and daemon.poll() is None:
            daemon.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
