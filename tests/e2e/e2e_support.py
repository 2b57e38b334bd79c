"""Shared pieces of the end-to-end tests: a recording FHIR receiver, input generation, and
starting/killing the real renkei daemon with a generated config."""
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MUNICIPALITIES = [("新宿区", True), ("中野区", False), ("世田谷区", False), ("八王子市", False)]


class Receiver:
    """An HTTP server that records (idempotency key, patient identifier) per request, and each
    request's body as parsed JSON (None when it is not JSON) in `bodies`."""

    def __init__(self, delay=0.0, fail_every=0):
        self.lock = threading.Lock()
        self.requests = []  # (key, patient identifier)
        self.bodies = []  # parsed request bodies, in the order of `requests`
        self.delay = delay
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                key = self.headers.get("Idempotency-Key", "")
                patient = ""
                bundle = None
                try:
                    bundle = json.loads(body)
                    for e in bundle.get("entry", []):
                        r = e.get("resource", {})
                        if r.get("resourceType") == "Patient":
                            patient = r["identifier"][0]["value"]
                except (ValueError, KeyError, IndexError):
                    pass
                if receiver.delay:
                    time.sleep(receiver.delay)
                with receiver.lock:
                    receiver.requests.append((key, patient))
                    receiver.bodies.append(bundle)
                out = b'{"resourceType":"Bundle","type":"transaction-response"}'
                self.send_response(200)
                self.send_header("Content-Type", "application/fhir+json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def log_message(self, *args):
                pass

        class QuietServer(ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                pass  # a killed daemon resets its connections: expected here

        self.server = QuietServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def snapshot(self):
        with self.lock:
            return list(self.requests)

    def body_snapshot(self):
        with self.lock:
            return list(self.bodies)

    def body_pairs(self):
        """(idempotency key, parsed body) of every request so far."""
        with self.lock:
            return [(key, body) for (key, _), body in zip(self.requests, self.bodies)]

    def close(self):
        self.server.shutdown()


def patient_json(n):
    city, _ = MUNICIPALITIES[n % len(MUNICIPALITIES)]
    return json.dumps({
        "resourceType": "Patient",
        "id": "p%d" % n,
        "identifier": [{"system": "urn:oid:1.2.392.100495.20.3.51.11312345678", "value": "%08d" % n}],
        "name": [{"family": "連携", "given": ["太郎"]}],
        "gender": "male",
        "birthDate": "1940-01-01",
        "address": [{"city": city, "state": "東京都"}],
    }, ensure_ascii=False)


def expected_in_shinjuku(n):
    return MUNICIPALITIES[n % len(MUNICIPALITIES)][1]


def drop_file(inbox, n):
    """Writes input n as a hidden temporary, then renames it into the inbox (complete at once)."""
    tmp = os.path.join(inbox, ".%d.tmp" % n)
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(patient_json(n))
    os.rename(tmp, os.path.join(inbox, "patient-%05d.json" % n))


def write_config(path, *, data_dir, inbox, receiver_port, folder_out, store=None, instance="e2e",
                 lease_ms=30000, workers=2):
    config = {
        "instance_name": instance,
        "data_dir": data_dir,
        "store": store or {"kind": "sqlite"},
        "admin": {"listen": "127.0.0.1:0"},
        "log": {"level": "warn", "file": os.path.join(data_dir, instance + ".log")},
        "delivery": {"workers": workers, "batch": 64, "lease_ms": lease_ms, "poll_ms": 20,
                     "retry": {"initial_ms": 100, "max_ms": 2000}},
        "sources": {"inbox": {"type": "folder", "path": inbox, "poll_ms": 50, "min_age_ms": 0,
                              "batch": 500}},
        "sinks": {
            "hospital": {"type": "fhir_rest", "base_url": "http://127.0.0.1:%d/fhir" % receiver_port,
                         "timeout_ms": 5000},
            "shinjuku-office": {"type": "file_folder", "path": folder_out},
        },
        "routes": [
            {"name": "all-to-hospital", "to": ["hospital"]},
            {"name": "shinjuku", "municipalities": ["新宿区"], "to": ["shinjuku-office"]},
        ],
    }
    os.makedirs(data_dir, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(config, f, ensure_ascii=False)


def start_daemon(renkei, config, log_path):
    log = open(log_path, "ab")
    return subprocess.Popen([renkei, "serve", "--config", config], stdout=log, stderr=log)


def kill9(proc):
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def import_directory(renkei, base, csv_text, token, work):
    """Turns a ward's directory spreadsheet into a transaction (`renkei directory csv`) and posts it
    to the FHIR endpoint at `base` with the keeper's bearer `token`."""
    sheet_path = os.path.join(work, "directory.csv")
    with open(sheet_path, "w", encoding="utf-8") as f:
        f.write(csv_text)
    made = subprocess.run([renkei, "directory", "csv", sheet_path], capture_output=True, cwd=work)
    assert made.returncode == 0, made.stderr.decode()
    request = urllib.request.Request(base, data=made.stdout, method="POST",
                                     headers={"Content-Type": "application/fhir+json",
                                              "Authorization": "Bearer " + token})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status in (200, 201), response.status


def wait_until(predicate, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError("timed out after %ds waiting for %s" % (timeout, what))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_for_endpoint(metadata_url, timeout=60, context=None):
    """Waits until the FHIR endpoint answers GET [base]/metadata."""
    def up():
        try:
            urllib.request.urlopen(metadata_url, context=context, timeout=2)
            return True
        except OSError:
            return False
    wait_until(up, timeout, "the endpoint to listen")


def check_exactly_once_in_effect(requests, expected_patients):
    """Every patient reached the receiver, and all requests for one patient carry one key."""
    keys_by_patient = {}
    for key, patient in requests:
        keys_by_patient.setdefault(patient, set()).add(key)
    missing = expected_patients - set(keys_by_patient)
    assert not missing, "%d inputs never delivered, e.g. %s" % (len(missing), sorted(missing)[:5])
    several = {p: k for p, k in keys_by_patient.items() if len(k) > 1}
    assert not several, "inputs delivered under different keys: %s" % list(several.items())[:3]
    return len(requests) - len(keys_by_patient)


def visible_files(folder):
    """Files a consumer of the folder would read (hidden temporaries excluded)."""
    return [f for f in os.listdir(folder) if not f.startswith(".")]


def random_pause(rng, low, high):
    time.sleep(rng.uniform(low, high))


def tear_down(daemons, receiver, work):
    """Stops the daemons still running and the receiver; removes the work folder unless
    RENKEI_KEEP_WORK is set."""
    for d in daemons:
        if d.poll() is None:
            d.terminate()
            d.wait()
    receiver.close()
    if os.environ.get("RENKEI_KEEP_WORK"):
        print("work folder kept:", work)
    else:
        shutil.rmtree(work, ignore_errors=True)


def kill_and_clean(daemon, work):
    """For a test's finally: kills the daemon if it still runs, removes the work folder unless
    RENKEI_KEEP_WORK is set."""
    if daemon and daemon.poll() is None:
        daemon.kill()
        daemon.wait()
    if os.environ.get("RENKEI_KEEP_WORK"):
        print("work folder kept:", work)
    else:
        shutil.rmtree(work, ignore_errors=True)
