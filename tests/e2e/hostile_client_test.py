#!/usr/bin/env python3
"""Hostile clients against the real daemon (HTTPS endpoint + watched folder), all on loopback:

1. symbolic links (to /etc/passwd, /proc/self/environ, a FHIR file outside the inbox, a folder)
   and a FIFO dropped in the inbox are never read: each is moved to failed/ with a reason and
   nothing of them is stored or delivered;
2. 200 idle connections (half of them after a finished TLS handshake) and 50 slow-drip uploads
   (heads that never end, unauthenticated bodies, authenticated bodies one byte at a time) from
   other loopback addresses, reconnecting when cut: a legitimate client beside them gets every
   answer with p99 < 1 s, and once they leave the server is back to its idle connection count;
3. smuggling after an early answer (413, 401): the request hidden in the body is never served;
4. header and token parsing: two Authorization headers and bare-LF header lines are 400; a JWT
   with a fourth segment, a future nbf or iat is 401; Location comes from public_url, never Host;
5. two organizations posting identical bytes each get their own message (201, not the other's
   Location), while a resend by the same sender is recognised (200, same message).

usage: hostile_client_test.py RENKEI_BINARY SOURCE_DIR"""
import base64
import hashlib
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_support as e2e  # noqa: E402

PUBLIC_URL = "https://fhir.renkei.example:8443"


def run(*args, cwd):
    subprocess.run(args, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def make_keys(work):
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out",
        "server.crt", "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1",
        cwd=work)
    run("openssl", "genrsa", "-out", "jwt.key", "2048", cwd=work)
    run("openssl", "rsa", "-in", "jwt.key", "-pubout", "-out", "jwt.pub", cwd=work)


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(work, issuer, **times):
    now = int(time.time())
    claims = {"iss": issuer, "sub": issuer, "exp": now + times.pop("exp", 120)}
    claims.update({k: now + v for k, v in times.items()})
    signing_input = b64url(b'{"alg":"RS256","typ":"JWT"}') + "." + b64url(json.dumps(claims).encode())
    signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", os.path.join(work, "jwt.key")],
                               input=signing_input.encode(), capture_output=True, check=True).stdout
    return signing_input + "." + b64url(signature)


class Endpoint:
    """Raw HTTPS requests to the daemon from a chosen loopback address."""

    def __init__(self, port, cafile):
        self.port = port
        self.context = ssl.create_default_context(cafile=cafile)

    def connect(self, source="127.0.0.1", timeout=10, handshake=True):
        raw = socket.create_connection(("127.0.0.1", self.port), timeout=timeout, source_address=(source, 0))
        return self.context.wrap_socket(raw, server_hostname="127.0.0.1") if handshake else raw

    def exchange(self, data, source="127.0.0.1", timeout=10):
        """Sends bytes on a new connection and returns everything until the server closes."""
        with self.connect(source, timeout) as s:
            s.sendall(data)
            out = b""
            try:
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        return out, True
                    out += chunk
            except (socket.timeout, ssl.SSLError, ConnectionResetError):
                return out, False

    def request(self, method, path, body=b"", headers=None, source="127.0.0.1"):
        head = "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: %d\r\n" % (
            method, path, len(body))
        for k, v in (headers or {}).items():
            head += "%s: %s\r\n" % (k, v)
        out, _ = self.exchange(head.encode() + b"\r\n" + body, source)
        status = int(out.split(b" ", 2)[1]) if out.startswith(b"HTTP/1.1 ") else 0
        head_text = out.split(b"\r\n\r\n", 1)[0].decode("latin-1")
        fields = {}
        for line in head_text.split("\r\n")[1:]:
            name, _, value = line.partition(":")
            fields[name.strip().lower()] = value.strip()
        return status, fields, out


def patient(n):
    return json.dumps({"resourceType": "Patient", "identifier": [
        {"system": "urn:oid:1.2.392.100495.20.3.51.11312345678", "value": "H%06d" % n}],
        "name": [{"family": "連携", "given": ["花子"]}], "gender": "female", "birthDate": "1945-02-03"},
        ensure_ascii=False).encode()


def check_inbox(work, inbox, out_dir):
    outside = os.path.join(work, "outside")
    os.makedirs(outside)
    with open(os.path.join(outside, "secret-patient.json"), "wb") as f:
        f.write(patient(999999))
    os.symlink("/etc/passwd", os.path.join(inbox, "passwd.json"))
    os.symlink("/proc/self/environ", os.path.join(inbox, "environ.json"))
    os.symlink(os.path.join(outside, "secret-patient.json"), os.path.join(inbox, "outside.json"))
    os.symlink(outside, os.path.join(inbox, "folder-link"))
    os.mkfifo(os.path.join(inbox, "pipe.json"))
    with open(os.path.join(inbox, ".ok.tmp"), "wb") as f:
        f.write(patient(1))
    os.rename(os.path.join(inbox, ".ok.tmp"), os.path.join(inbox, "ok.json"))
    names = ["passwd.json", "environ.json", "outside.json", "folder-link", "pipe.json"]
    failed = os.path.join(inbox, "failed")
    e2e.wait_until(lambda: all(os.path.lexists(os.path.join(failed, n)) for n in names), 30,
                   "links and the FIFO to be moved to failed/")
    for n in names:
        with open(os.path.join(failed, n + ".reason.json"), encoding="utf-8") as f:
            reason = json.load(f)["reason"]
        assert "regular file" in reason or "link" in reason, (n, reason)
        assert not os.path.lexists(os.path.join(inbox, n)), n
    assert os.path.islink(os.path.join(failed, "passwd.json")), "the link itself was moved"
    assert os.path.exists(os.path.join(outside, "secret-patient.json")), "the target is untouched"
    e2e.wait_until(lambda: len(e2e.visible_files(out_dir)) >= 1, 30, "the regular file to be delivered")
    time.sleep(1)
    delivered = b"".join(open(os.path.join(out_dir, f), "rb").read() for f in e2e.visible_files(out_dir))
    assert b"H999999" not in delivered, "a file outside the inbox was delivered"
    assert b"root:" not in delivered, "/etc/passwd was delivered"
    database = os.path.join(work, "data", "renkei.db")
    if os.path.exists(database):
        with open(database, "rb") as f:
            content = f.read()
        assert b"root:x:0:0" not in content and b"H999999" not in content, "outside bytes were stored"
    print("inbox: links and FIFO refused, moved to failed/ with reasons; regular file delivered")


def attack(endpoint, stop, counts):
    """Keeps 200 idle and 50 slow-drip connections open from 127.0.0.2-6 until `stop`."""
    token_b = "Bearer token-b"

    def idle(source, handshake):
        while not stop.is_set():
            try:
                s = endpoint.connect(source, timeout=60, handshake=handshake)
                counts["opened"] += 1
                s.settimeout(0.5)
                while not stop.is_set():
                    try:
                        if s.recv(1) == b"":
                            break  # cut by the server: come back
                    except socket.timeout:
                        continue
                s.close()
            except OSError:
                time.sleep(0.2)

    def drip(source, head, body_total):
        while not stop.is_set():
            try:
                s = endpoint.connect(source, timeout=60)
                counts["opened"] += 1
                s.sendall(head)
                for _ in range(body_total):
                    if stop.wait(1.0):
                        break
                    s.sendall(b"x")
                s.close()
            except OSError:
                time.sleep(0.2)

    threads = []
    for i in range(200):
        threads.append(threading.Thread(target=idle, args=("127.0.0.%d" % (2 + i % 4), i % 2 == 0), daemon=True))
    slow_head = b"POST /fhir/Patient HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/fhir+json\r\n"
    unauthenticated = slow_head + b"Content-Length: 100000\r\n\r\n"
    authenticated = slow_head + ("Authorization: %s\r\nContent-Length: 100000\r\n\r\n" % token_b).encode()
    for i in range(50):
        head = [slow_head, unauthenticated, authenticated][i % 3]
        threads.append(threading.Thread(target=drip, args=("127.0.0.6", head, 100000), daemon=True))
    for t in threads:
        t.start()
    return threads


def metric(admin_port, name):
    text = urllib.request.urlopen("http://127.0.0.1:%d/metrics" % admin_port, timeout=5).read().decode()
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name):
            total += float(line.rsplit(" ", 1)[1])
    return total


def check_floods(endpoint, admin_port):
    stop = threading.Event()
    counts = {"opened": 0}
    threads = attack(endpoint, stop, counts)
    # Cut connections come back at once, so the number held moves; the measurement starts once
    # 200 of the 250 are held, and the sampler records how many were held while it ran.
    e2e.wait_until(lambda: metric(admin_port, 'renkei_http_connections{') >= 200, 60,
                   "the attackers to hold their connections")
    held = []
    sampling = threading.Event()

    def sample():
        while not sampling.is_set():
            held.append(metric(admin_port, 'renkei_http_connections{'))
            sampling.wait(0.5)
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    latencies, failures = [], []
    for n in range(60):
        started = time.monotonic()
        status, _, _ = endpoint.request("POST", "/fhir/Patient", patient(10000 + n), {
            "Authorization": "Bearer token-a", "Content-Type": "application/fhir+json"})
        latencies.append(time.monotonic() - started)
        if status != 201:
            failures.append(status)
        time.sleep(0.1)
    sampling.set()
    sampler.join()
    stop.set()
    for t in threads:
        t.join(timeout=10)
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    print("floods: %d attacker connections opened, %d-%d held during the run (median %d); legitimate "
          "p50 %.0f ms, p99 %.0f ms, failures %s" % (
              counts["opened"], min(held), max(held), sorted(held)[len(held) // 2],
              latencies[len(latencies) // 2] * 1000, p99 * 1000, failures))
    assert sorted(held)[len(held) // 2] >= 150, "the attack did not hold its connections"
    assert not failures, "legitimate requests failed beside the attackers: %s" % failures
    assert p99 < 1.0, "legitimate p99 %.2f s beside the attackers" % p99
    e2e.wait_until(lambda: metric(admin_port, 'renkei_http_connections{') <= 2, 30,
                   "the server to drop the attackers' connections")
    status, _, _ = endpoint.request("GET", "/fhir/metadata")
    assert status == 200, status
    print("floods: back to normal once the attackers left")


def check_smuggling(endpoint):
    hidden = b"GET /fhir/metadata HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    too_big = (b"POST /fhir/Patient HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer token-a\r\n"
               b"Content-Type: application/fhir+json\r\nContent-Length: 2000000\r\n\r\n") + hidden
    out, closed = endpoint.exchange(too_big)
    assert out.startswith(b"HTTP/1.1 413"), out[:80]
    assert out.count(b"HTTP/1.1 ") == 1 and closed, "after 413 the body was read as a request"
    no_token = (b"POST /fhir/Patient HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n\r\n" % len(hidden)) + hidden
    out, closed = endpoint.exchange(no_token)
    assert out.startswith(b"HTTP/1.1 401"), out[:80]
    assert out.count(b"HTTP/1.1 ") == 1 and closed, "after 401 the body was read as a request"
    print("smuggling: 413 and 401 close the connection; the hidden request is never served")


def check_headers(endpoint, work):
    two = (b"GET /fhir/Patient HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer token-b\r\n"
           b"Authorization: Bearer token-a\r\n\r\n")
    out, _ = endpoint.exchange(two)
    assert out.startswith(b"HTTP/1.1 400"), out[:80]
    bare = b"GET /fhir/metadata HTTP/1.1\nHost: 127.0.0.1\nAuthorization: Bearer token-a\n\n"
    out, _ = endpoint.exchange(bare)
    assert out.startswith(b"HTTP/1.1 400"), out[:80]
    mixed = b"GET /fhir/metadata HTTP/1.1\r\nHost: 127.0.0.1\nX-Other: 1\r\n\r\n"
    out, _ = endpoint.exchange(mixed)
    assert out.startswith(b"HTTP/1.1 400"), out[:80]

    def status_with(token):
        return endpoint.request("POST", "/fhir/Patient", patient(int(time.time() * 1000) % 900000),
                                {"Authorization": "Bearer " + token, "Content-Type": "application/fhir+json"})[0]
    good = jwt(work, "jwt-client")
    assert status_with(good) == 201
    assert status_with(good + ".extra") == 401, "a fourth segment"
    assert status_with(jwt(work, "jwt-client", nbf=120, exp=240)) == 401, "nbf in the future"
    assert status_with(jwt(work, "jwt-client", iat=120, exp=240)) == 401, "iat in the future"
    assert status_with(jwt(work, "jwt-client", exp=-60)) == 401, "expired"

    status, fields, _ = endpoint.request("POST", "/fhir/Patient", patient(424242), {
        "Authorization": "Bearer token-a", "Content-Type": "application/fhir+json"})
    assert status == 201
    # Host is ignored for absolute URLs: send a hostile one.
    raw = (b"POST /fhir/Patient HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n"
           b"Authorization: Bearer token-a\r\nContent-Type: application/fhir+json\r\nContent-Length: %d\r\n\r\n")
    body = patient(434343)
    out, _ = endpoint.exchange(raw % len(body) + body)
    location = [line for line in out.split(b"\r\n") if line.lower().startswith(b"location:")]
    assert location and location[0].split(b":", 1)[1].strip().startswith(PUBLIC_URL.encode()), location
    assert b"evil.example" not in out
    print("headers: duplicate Authorization and bare LF are 400; JWT segments, nbf, iat checked; "
          "Location from public_url")


def check_duplicates(endpoint):
    body = patient(777777)
    headers = {"Content-Type": "application/fhir+json", "Prefer": "return=OperationOutcome"}
    a_status, a_fields, _ = endpoint.request("POST", "/fhir/Patient", body, dict(headers, Authorization="Bearer token-a"))
    b_status, b_fields, _ = endpoint.request("POST", "/fhir/Patient", body, dict(headers, Authorization="Bearer token-b"))
    again_status, again_fields, _ = endpoint.request("POST", "/fhir/Patient", body,
                                                     dict(headers, Authorization="Bearer token-a"))
    assert a_status == 201 and b_status == 201, (a_status, b_status)
    assert a_fields["x-renkei-message"] != b_fields["x-renkei-message"], "B got A's message"
    assert a_fields.get("location") != b_fields.get("location"), "B got A's Location"
    assert again_status == 200 and again_fields["x-renkei-message"] == a_fields["x-renkei-message"]
    key = {"Idempotency-Key": "same-key-1"}
    a = endpoint.request("POST", "/fhir/Patient", patient(1), dict(headers, Authorization="Bearer token-a", **key))
    b = endpoint.request("POST", "/fhir/Patient", patient(2), dict(headers, Authorization="Bearer token-b", **key))
    assert a[0] == 201 and b[0] == 201 and a[1]["x-renkei-message"] != b[1]["x-renkei-message"]
    print("duplicates: identical bytes and Idempotency-Keys from two organizations are two messages; "
          "a sender's resend is recognised")


def main():
    renkei, source = sys.argv[1], os.path.abspath(sys.argv[2])
    if shutil.which("openssl") is None:
        print("SKIP: openssl is needed for the test certificates")
        sys.exit(77)
    for address in ("127.0.0.2", "127.0.0.6"):
        try:
            socket.socket().bind((address, 0))
        except OSError:
            print("SKIP: this machine's loopback does not answer on %s" % address)
            sys.exit(77)
    work = tempfile.mkdtemp(prefix="renkei-hostile-")
    daemon = None
    try:
        make_keys(work)
        port, admin_port = e2e.free_port(), e2e.free_port()
        inbox, out_dir = os.path.join(work, "inbox"), os.path.join(work, "out")
        clients = [
            {"id": "hospital-a", "organization": "org-a", "token_sha256": hashlib.sha256(b"token-a").hexdigest(),
             "scopes": ["system/*.write", "system/*.read"]},
            {"id": "hospital-b", "organization": "org-b", "token_sha256": hashlib.sha256(b"token-b").hexdigest(),
             "scopes": ["system/*.write", "system/*.read"]},
            {"id": "jwt-client", "organization": "org-j", "jwt_public_key_file": os.path.join(work, "jwt.pub"),
             "scopes": ["system/*.write"]},
        ]
        config = {"data_dir": os.path.join(work, "data"), "admin": {"listen": "127.0.0.1:%d" % admin_port},
                  "log": {"level": "warn", "file": os.path.join(work, "renkei.log")},
                  "sources": {
                      "inbox": {"type": "folder", "path": inbox, "poll_ms": 50, "min_age_ms": 0},
                      "hospital": {"type": "fhir_http", "listen": "127.0.0.1:%d" % port, "public_url": PUBLIC_URL,
                                   "tls": {"cert_file": os.path.join(work, "server.crt"),
                                           "key_file": os.path.join(work, "server.key")},
                                   "max_request_bytes": 1048576, "threads": 4, "queue": 64,
                                   "header_timeout_ms": 10000, "request_timeout_ms": 5000,
                                   "idle_timeout_ms": 3000, "clients": clients}},
                  "sinks": {"out": {"type": "file_folder", "path": out_dir}},
                  "routes": [{"name": "inbox-out", "from": ["inbox"], "to": ["out"]}]}
        os.makedirs(config["data_dir"])
        with open(os.path.join(work, "renkei.json"), "w") as f:
            json.dump(config, f)
        daemon = e2e.start_daemon(renkei, os.path.join(work, "renkei.json"), os.path.join(work, "daemon.out"))
        endpoint = Endpoint(port, os.path.join(work, "server.crt"))
        e2e.wait_for_endpoint("https://127.0.0.1:%d/fhir/metadata" % port,
                              context=ssl.create_default_context(cafile=os.path.join(work, "server.crt")))
        check_inbox(work, inbox, out_dir)
        check_smuggling(endpoint)
        check_headers(endpoint, work)
        check_duplicates(endpoint)
        check_floods(endpoint, admin_port)
        assert daemon.poll() is None, "the daemon died"
        daemon.terminate()
        assert daemon.wait(timeout=30) == 0, "the daemon did not stop cleanly"
        with open(os.path.join(work, "renkei.log"), encoding="utf-8") as f:
            log = f.read()
        assert "花子" not in log and "H777777" not in log, "patient data in the log"
        print("OK")
    finally:
        e2e.kill_and_clean(daemon, work)


if __name__ == "__main__":
    main()
