#!/usr/bin/env python3
"""End-to-end test of the MLLP source against the real daemon: admissions and discharges sent
as HL7 v2 (ISO-2022-JP) are acknowledged AA only once committed, reach the FHIR destination as
JP Core resources, and a route "discharges of patients living in 北区" takes only the 北区
discharge; a resent control id is AA without a second delivery; what cannot be accepted is AR
(not HL7, no mapping for the type, a facility the connection may not use, over the size limit,
bytes outside a frame) or AE (committed, but its mapping refuses it); a connection from an address
no sender allows and an idle connection are closed; over TLS, a sender is known by its client
certificate and a client without it is closed.

usage: mllp_test.py RENKEI_BINARY SOURCE_DIR"""
import json
import os
import re
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_support as e2e  # noqa: E402
import mllp_client as mllp  # noqa: E402


def connect(port, tls=None):
    deadline = time.time() + 60
    while True:
        try:
            return mllp.Sender(port, tls=tls)
        except OSError:
            if time.time() > deadline:
                raise
            time.sleep(0.2)


def closed_by_server(sender, timeout=10):
    sender.sock.settimeout(timeout)
    try:
        return sender.sock.recv(1) == b""
    except ConnectionResetError:
        return True


def certificates(work):
    """A CA, a server certificate for 127.0.0.1 and a client certificate signed by the CA; returns
    the client certificate's SHA-256 fingerprint."""
    def run(*args):
        subprocess.run(args, cwd=work, check=True, capture_output=True)
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
        "-days", "2", "-subj", "/CN=Renkei test CA")
    with open(os.path.join(work, "server.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\n")
    with open(os.path.join(work, "client.ext"), "w") as f:
        f.write("extendedKeyUsage=clientAuth\n")
    for name, subject in (("server", "/CN=127.0.0.1"), ("client", "/CN=kita-hospital-his")):
        run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr",
            "-subj", subject)
        run("openssl", "x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", name + ".crt", "-days", "2", "-extfile", name + ".ext")
    out = subprocess.run(["openssl", "x509", "-in", "client.crt", "-noout", "-fingerprint", "-sha256"], cwd=work,
                         check=True, capture_output=True, text=True).stdout
    return out.strip().split("=", 1)[1]


def resources(bodies, kind):
    return [e["resource"] for b in bodies if isinstance(b, dict) for e in b.get("entry", [])
            if e.get("resource", {}).get("resourceType") == kind]


def main():
    renkei, source = sys.argv[1], os.path.abspath(sys.argv[2])
    work = tempfile.mkdtemp(prefix="renkei-mllp-")
    daemon = None
    everyone, kita = e2e.Receiver(), e2e.Receiver()
    try:
        port, stranger_port, tls_port, admin = (e2e.free_port() for _ in range(4))
        fingerprint = certificates(work)
        config = {"data_dir": os.path.join(work, "data"), "mappings_dir": os.path.join(source, "mappings"),
                  "log": {"level": "warn", "file": os.path.join(work, "renkei.log")},
                  "admin": {"listen": "127.0.0.1:%d" % admin},
                  "delivery": {"workers": 2, "poll_ms": 20, "retry": {"initial_ms": 100, "max_ms": 1000}},
                  "sources": {
                      "his": {"type": "mllp", "listen": "127.0.0.1:%d" % port, "max_message_bytes": 65536,
                              "idle_timeout_ms": 2000,
                              "senders": [{"organization": "hospital-a", "addresses": ["127.0.0.0/8"],
                                           "facilities": ["1312345678"]}]},
                      "elsewhere": {"type": "mllp", "listen": "127.0.0.1:%d" % stranger_port,
                                    "senders": [{"organization": "hospital-b", "addresses": ["10.0.0.0/8"]}]},
                      "secure": {"type": "mllp", "listen": "127.0.0.1:%d" % tls_port,
                                 "tls": {"cert_file": os.path.join(work, "server.crt"),
                                         "key_file": os.path.join(work, "server.key"),
                                         "ca_file": os.path.join(work, "ca.crt")},
                                 "senders": [{"organization": "hospital-c", "addresses": ["127.0.0.1"],
                                              "certificate_sha256": fingerprint}]}},
                  "sinks": {"everyone": {"type": "fhir_rest", "base_url": "http://127.0.0.1:%d/fhir" % everyone.port},
                            "kita-ward": {"type": "fhir_rest", "base_url": "http://127.0.0.1:%d/fhir" % kita.port}},
                  "routes": [{"name": "all", "to": ["everyone"]},
                             {"name": "kita-discharges", "municipalities": ["北区"], "events": ["discharge"],
                              "to": ["kita-ward"]}]}
        config_path = os.path.join(work, "renkei.json")
        with open(config_path, "w") as f:
            json.dump(config, f, ensure_ascii=False)
        daemon = e2e.start_daemon(renkei, config_path, os.path.join(work, "daemon.out"))
        s = connect(port)

        admit = mllp.adt("CTRL-1", "P0001")
        assert s.send(admit) == ("AA", "CTRL-1", ""), "admission"
        assert s.send(mllp.adt("CTRL-2", "P0001", event="A03", discharged="202411281000"))[:2] == ("AA", "CTRL-2")
        assert s.send(mllp.adt("CTRL-3", "P0002", event="A03", address="東京都新宿区西新宿2-8-1",
                               postal="163-8001", discharged="202411281000"))[:2] == ("AA", "CTRL-3")
        assert s.send(admit)[:2] == ("AA", "CTRL-1"), "a resent message is acknowledged again"

        code, _, text = s.send(b"this is not HL7")
        assert code == "AR" and "not an HL7 v2 message" in text, (code, text)
        orm = mllp.adt("CTRL-4", "P0003").replace(b"ADT^A01^ADT_A01", b"ORM^O01^ORM_O01")
        code, ctrl, text = s.send(orm)
        assert (code, ctrl) == ("AR", "CTRL-4") and r"no mapping takes message type ORM\S\O01" in text, (code, text)
        code, ctrl, text = s.send(mllp.adt("CTRL-5", "P0004", facility="9999999999"))
        assert (code, ctrl) == ("AR", "CTRL-5") and "sending facility" in text, (code, text)
        code, ctrl, text = s.send(mllp.adt("CTRL-6", "P0005", birth=""))
        assert (code, ctrl) == ("AE", "CTRL-6") and "stored as message" in text, (code, text)
        assert "PID-7.1" in text and "required" in text, "the AE says which field: " + text
        two = mllp.adt("CTRL-7", "P0006") + mllp.adt("CTRL-8", "P0007")
        code, ctrl, text = s.send(two)
        assert (code, ctrl) == ("AR", "CTRL-7") and "second MSH" in text, (code, ctrl, text)

        e2e.wait_until(lambda: len(everyone.snapshot()) >= 3 and len(kita.snapshot()) >= 1, 60, "the deliveries")
        time.sleep(1.0)  # anything delivered twice would have arrived by now
        bodies = everyone.body_snapshot()
        assert len(bodies) == 3, "three messages, each delivered once (the resend is not): %d" % len(bodies)
        encounters = resources(bodies, "Encounter")
        assert sorted(e["status"] for e in encounters) == ["finished", "finished", "in-progress"], encounters
        admitted = [e for e in encounters if e["status"] == "in-progress"][0]
        discharged = [e for e in encounters if e["status"] == "finished" and e["id"] == admitted["id"]]
        assert discharged, "the discharge finishes the admission's Encounter"
        kita_bodies = kita.body_snapshot()
        assert len(kita_bodies) == 1, "only the 北区 discharge goes to the ward"
        patient = resources(kita_bodies, "Patient")[0]
        assert patient["identifier"][0]["value"] == "P0001", patient["identifier"]
        assert patient["identifier"][0]["system"] == "urn:oid:1.2.392.100495.20.3.51.11312345678"

        s.send_raw(mllp.frame(b"MSH|^~\\&|" + b"X" * 70000))
        assert s.read_ack()[0] == "AR" and closed_by_server(s), "an oversized message: AR, then closed"
        s.close()

        s = connect(port)
        s.send_raw(b"GET / HTTP/1.1\r\n\r\n")
        assert s.read_ack()[0] == "AR" and closed_by_server(s), "bytes outside a frame: AR, then closed"
        s.close()

        s = connect(port)
        time.sleep(3)
        assert closed_by_server(s, timeout=2), "an idle connection is closed after idle_timeout_ms"
        s.close()

        stranger = connect(stranger_port)
        assert closed_by_server(stranger), "no sender allows 127.0.0.1 on 'elsewhere': closed at once"
        stranger.close()

        client_tls = ssl.create_default_context(cafile=os.path.join(work, "ca.crt"))
        client_tls.load_cert_chain(os.path.join(work, "client.crt"), os.path.join(work, "client.key"))
        secure = connect(tls_port, client_tls)
        assert secure.send(mllp.adt("TLS-1", "P0101"))[:2] == ("AA", "TLS-1"), "a known certificate is a sender"
        secure.close()
        anonymous = connect(tls_port, ssl.create_default_context(cafile=os.path.join(work, "ca.crt")))
        assert closed_by_server(anonymous), "no client certificate: no sender, closed"
        anonymous.close()
        e2e.wait_until(lambda: len(everyone.snapshot()) >= 4, 60, "the TLS message's delivery")

        # Each message counted once, under the one result it got.
        with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % admin, timeout=10) as response:
            metrics = response.read().decode()
        counted = dict(re.findall(r'renkei_intake_total\{source="his",result="(\w+)"\} (\d+)', metrics))
        assert counted == {"accepted": "3", "duplicate": "1", "failed": "1", "rejected": "6",
                           "timeout_idle": "1"}, counted

        daemon.terminate()
        assert daemon.wait(timeout=60) == 0
        log = open(os.path.join(work, "renkei.log"), encoding="utf-8").read()
        for secret in ("山田", "ヤマダ", "P0001", "王子本町"):
            assert secret not in log, "patient data in the log: " + secret
        print("OK: AA after commit, one delivery per control id, AR/AE with reasons, 北区 discharge routed")
    finally:
        everyone.close()
        kita.close()
        e2e.kill_and_clean(daemon, work)


if __name__ == "__main__":
    main()
