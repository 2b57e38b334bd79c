#!/usr/bin/env python3
"""Starts the real daemon with the hospitals' endpoint over HTTPS (a certificate made for the
test) and drives it with fhir-kit-client (npm) through tests/e2e/fhir_client.mjs.

usage: fhir_client_test.py RENKEI_BINARY SOURCE_DIR"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import ssl

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_support as e2e  # noqa: E402


def main():
    renkei, source = sys.argv[1], sys.argv[2]
    client_js = os.path.abspath(os.path.join(source, ".deps/npm/node_modules/fhir-kit-client/dist/client.js"))
    if not os.path.exists(client_js) or not shutil.which("node"):
        print("SKIP: fhir-kit-client or node missing (scripts/install-deps.sh --test installs them)")
        sys.exit(77)
    work = tempfile.mkdtemp(prefix="renkei-fkc-")
    daemon = None
    try:
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem",
                        "-out", "cert.pem", "-days", "2", "-subj", "/CN=127.0.0.1",
                        "-addext", "subjectAltName=IP:127.0.0.1"], cwd=work, check=True, capture_output=True)
        port = e2e.free_port()
        clients = [{"id": name, "organization": org, "token_sha256": hashlib.sha256(tok.encode()).hexdigest(),
                    "scopes": ["system/*.write", "system/*.read"]}
                   for name, org, tok in (("hospital", "org-a", "token-a"), ("other", "org-b", "token-b"))]
        config = {"data_dir": "data", "log": {"level": "warn", "file": "renkei.log"},
                  "sources": {"hospital": {"type": "fhir_http", "listen": "127.0.0.1:%d" % port,
                                           "tls": {"cert_file": "cert.pem", "key_file": "key.pem"},
                                           "clients": clients}},
                  "sinks": {"archive": {"type": "file_folder", "path": "out"}},
                  "routes": [{"name": "all", "to": ["archive"]}]}
        with open(os.path.join(work, "renkei.json"), "w") as f:
            json.dump(config, f)
        daemon = subprocess.Popen([renkei, "serve", "--config", os.path.join(work, "renkei.json")])
        context = ssl.create_default_context(cafile=os.path.join(work, "cert.pem"))
        e2e.wait_for_endpoint("https://127.0.0.1:%d/fhir/metadata" % port, 30, context)
        env = dict(os.environ, NODE_EXTRA_CA_CERTS=os.path.join(work, "cert.pem"))
        result = subprocess.run(["node", os.path.join(os.path.dirname(os.path.abspath(__file__)), "fhir_client.mjs"),
                                 client_js, "https://127.0.0.1:%d/fhir" % port, "token-a", "token-b"], env=env)
        if result.returncode != 0:
            sys.exit(1)
        daemon.terminate()
        assert daemon.wait(timeout=60) == 0
    finally:
        if daemon and daemon.poll() is None:
            daemon.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
