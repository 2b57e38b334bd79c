#!/usr/bin/env python3
"""Subscriptions (rest-hook) through the real daemon: a FHIR-capable clinic is told of its patients'
events without polling, and no one is told of what they may not see.

  - clinic B (the patient's かかりつけ医 by its CareTeam) subscribes to finished Encounters with a
    payload and a header; hospital A subscribes to its own patients' records with an empty
    notification; clinic X, which cares for no one here, subscribes to every Encounter;
  - a Subscription naming an endpoint the operator did not list is refused (422, the reason
    given), and so is one whose criteria chain;
  - the hospital's discharge arrives as a file: clinic B's endpoint gets `PUT /hook/Encounter/<id>`
    with the finished Encounter and its header, the hospital's gets one empty `POST`, clinic X's
    nothing;
  - clinic B turns its subscription off: the next discharge reaches its folder, not its hook;
  - a subscription to its own care teams: an update is PUT to the hook, a deletion DELETEd there.

usage: subscription_test.py RENKEI_BINARY SOURCE_DIR"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_support as e2e  # noqa: E402
from care_team_test import MRN, discharge, endpoint, files_under, member  # noqa: E402

TOKENS = {"hospital-a": "token-a", "clinic-b": "token-b", "clinic-x": "token-x"}


class HookReceiver:
    """Records every request: (method, path, selected headers, parsed body or None)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.calls = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def handle_any(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                parsed = json.loads(body) if body else None
                with receiver.lock:
                    receiver.calls.append((self.command, self.path,
                                           {"authorization": self.headers.get("Authorization", ""),
                                            "content-type": self.headers.get("Content-Type", "")},
                                           parsed))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_POST = do_PUT = do_DELETE = handle_any

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def under(self, prefix):
        with self.lock:
            return [c for c in self.calls if c[1].startswith(prefix)]

    def close(self):
        self.server.shutdown()


def send(base, org, method, path, resource):
    request = urllib.request.Request(base + path, data=json.dumps(resource, ensure_ascii=False).encode(),
                                     method=method,
                                     headers={"Content-Type": "application/fhir+json",
                                              "Authorization": "Bearer " + TOKENS[org]})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def subscription(criteria, endpoint_url, payload=None, headers=None, status="requested"):
    channel = {"type": "rest-hook", "endpoint": endpoint_url}
    if payload:
        channel["payload"] = payload
    if headers:
        channel["header"] = headers
    return {"resourceType": "Subscription", "status": status, "reason": "在宅患者の入退院を知る",
            "criteria": criteria, "channel": channel}


def main():
    renkei, source = sys.argv[1], os.path.abspath(sys.argv[2])
    work = tempfile.mkdtemp(prefix="renkei-subscription-")
    daemon, hooks = None, HookReceiver()
    try:
        port = e2e.free_port()
        hook = "http://127.0.0.1:%d" % hooks.port
        clients = [{"id": org, "organization": org, "token_sha256": hashlib.sha256(tok.encode()).hexdigest(),
                    "scopes": ["system/*.write", "system/*.read"]} for org, tok in TOKENS.items()]
        config = {"data_dir": "data", "log": {"level": "warn", "file": "renkei.log"},
                  "delivery": {"poll_ms": 20, "retry": {"initial_ms": 100, "max_ms": 1000}},
                  "sources": {"api": {"type": "fhir_http", "listen": "127.0.0.1:%d" % port, "plain_http": True,
                                      "clients": clients},
                              "hospital-a-inbox": {"type": "folder", "path": "inbox", "sender": "hospital-a",
                                                   "poll_ms": 50, "min_age_ms": 0}},
                  "sinks": {"clinic-b-folder": {"type": "file_folder", "path": "clinic-b"},
                            "desk": {"type": "file_folder", "path": "desk"}},
                  "subscriptions": {"endpoints": {"clinic-b": [hook + "/hook/"], "clinic-x": [hook + "/x/"],
                                                  "hospital-a": [hook + "/a/"]},
                                    "check_ms": 100},
                  "routes": [{"name": "discharges-to-the-family-doctor", "events": ["discharge"],
                              "care_team": ["family-doctor"], "care_team_fallback": ["desk"]}]}
        with open(os.path.join(work, "renkei.json"), "w") as f:
            json.dump(config, f, ensure_ascii=False)
        os.makedirs(os.path.join(work, "inbox"))
        daemon = subprocess.Popen([renkei, "serve", "--config", os.path.join(work, "renkei.json")], cwd=work)
        base = "http://127.0.0.1:%d/fhir" % port
        e2e.wait_for_endpoint(base + "/metadata")

        # Clinic B's directory entry, its channel, and its word that it is the patient's family doctor.
        for resource in [endpoint("ep", "clinic-b-folder", "file:///srv/clinic-b"),
                         {"resourceType": "Organization", "id": "clinic", "name": "佐藤内科クリニック",
                          "address": [{"state": "東京都", "city": "中野区"}], "endpoint": [{"reference": "Endpoint/ep"}]},
                         {"resourceType": "PractitionerRole", "id": "sato", "active": True,
                          "organization": {"reference": "Organization/clinic"}},
                         {"resourceType": "CareTeam", "id": "team", "status": "active", "subject": {"identifier": MRN},
                          "participant": [member("family-doctor", reference="PractitionerRole/sato")]}]:
            status, body = send(base, "clinic-b", "PUT", "/%s/%s" % (resource["resourceType"], resource["id"]),
                                resource)
            assert status in (200, 201), (status, body)

        # What the operator did not list, and what cannot be decided for one resource, are refused.
        status, body = send(base, "clinic-b", "POST", "/Subscription",
                            subscription("Encounter?status=finished", "http://169.254.169.254/latest/"))
        assert status == 422 and "not one the operator allows" in json.dumps(body, ensure_ascii=False), (status, body)
        status, body = send(base, "clinic-b", "POST", "/Subscription",
                            subscription("Encounter?status=finished", hook + "/hook.evil/"))
        assert status == 422, (status, body)
        status, body = send(base, "clinic-b", "POST", "/Subscription",
                            subscription("Encounter?patient.name=山田", hook + "/hook/"))
        assert status == 422 and "may not chain" in json.dumps(body), (status, body)

        mine = subscription("Encounter?status=finished", hook + "/hook/", payload="application/fhir+json",
                            headers=["Authorization: Bearer clinic-b-hook-secret"])
        status, created = send(base, "clinic-b", "POST", "/Subscription", mine)
        assert status == 201, (status, created)
        status, body = send(base, "hospital-a", "POST", "/Subscription",
                            subscription("Patient?identifier=%s|%s" % (MRN["system"], MRN["value"]), hook + "/a/"))
        assert status == 201, (status, body)
        status, body = send(base, "clinic-x", "POST", "/Subscription", subscription("Encounter", hook + "/x/",
                                                                                   payload="application/fhir+json"))
        assert status == 201, (status, body)

        inbox = os.path.join(work, "inbox")

        def drop(name):
            with open(os.path.join(inbox, "." + name), "w", encoding="utf-8") as f:
                json.dump(discharge(source, MRN["value"], "-" + name), f, ensure_ascii=False)
            os.rename(os.path.join(inbox, "." + name), os.path.join(inbox, name))

        drop("d1.json")
        e2e.wait_until(lambda: len(hooks.under("/hook/")) == 1 and len(hooks.under("/a/")) == 1, 30,
                       "the clinic's and the hospital's hooks")
        method, path, headers, body = hooks.under("/hook/")[0]
        assert method == "PUT" and path.startswith("/hook/Encounter/"), (method, path)
        assert body["resourceType"] == "Encounter" and body["status"] == "finished", body
        assert path == "/hook/Encounter/" + body["id"], (path, body["id"])
        assert headers["authorization"] == "Bearer clinic-b-hook-secret", headers
        assert headers["content-type"].startswith("application/fhir+json"), headers
        method, path, headers, body = hooks.under("/a/")[0]
        assert (method, path, body) == ("POST", "/a/", None), (method, path, body)
        e2e.wait_until(lambda: len(files_under(os.path.join(work, "clinic-b"))) == 1, 30, "the clinic's folder")

        # Clinic B turns its subscription off: the next discharge goes to its folder only.
        off = dict(mine, id=created["id"], status="off")
        status, body = send(base, "clinic-b", "PUT", "/Subscription/" + created["id"], off)
        assert status == 200, (status, body)
        drop("d2.json")
        e2e.wait_until(lambda: len(hooks.under("/a/")) == 2 and
                       len(files_under(os.path.join(work, "clinic-b"))) == 2, 30, "the second discharge")
        time.sleep(1.0)
        assert len(hooks.under("/hook/")) == 1, hooks.under("/hook/")
        assert hooks.under("/x/") == [], "clinic X cares for no one here and sees nothing"

        # A subscription to its own care teams: an update is PUT to the hook, a deletion DELETEd there.
        status, body = send(base, "clinic-b", "POST", "/Subscription",
                            subscription("CareTeam?status=active", hook + "/hook/teams",
                                         payload="application/fhir+json"))
        assert status == 201, (status, body)
        team = {"resourceType": "CareTeam", "id": "team", "status": "active", "subject": {"identifier": MRN},
                "name": "在宅チーム", "participant": [member("family-doctor", reference="PractitionerRole/sato")]}
        status, body = send(base, "clinic-b", "PUT", "/CareTeam/team", team)
        assert status == 200, (status, body)
        e2e.wait_until(lambda: len(hooks.under("/hook/teams/")) == 1, 30, "the care team's update")
        method, path, _, body = hooks.under("/hook/teams/")[0]
        assert (method, path, body["name"]) == ("PUT", "/hook/teams/CareTeam/team", "在宅チーム"), (method, path)
        request = urllib.request.Request(base + "/CareTeam/team", method="DELETE",
                                         headers={"Authorization": "Bearer " + TOKENS["clinic-b"]})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200
        e2e.wait_until(lambda: len(hooks.under("/hook/teams/")) == 2, 30, "the care team's deletion")
        method, path, _, body = hooks.under("/hook/teams/")[1]
        assert (method, path, body) == ("DELETE", "/hook/teams/CareTeam/team", None), (method, path, body)

        daemon.terminate()
        assert daemon.wait(timeout=60) == 0
        print("ok: the family doctor's hook got the finished Encounter with its header, the hospital's an empty "
              "notification of its own patient, a clinic outside the care team nothing; endpoints the operator "
              "did not list and chained criteria refused; a subscription turned off sends nothing; an update PUT and a "
              "deletion DELETEd at the hook")
    finally:
        if daemon and daemon.poll() is None:
            daemon.kill()
        hooks.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
