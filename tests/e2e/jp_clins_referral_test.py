#!/usr/bin/env python3
"""A JP-CLINS referral letter (診療情報提供書) through the real daemon: the daemon loads JP Core and
JP-CLINS from ../shared/testdata/jp-fhir-packages, a hospital POSTs samples/fhir/Bundle-jp-clins-
referral.json (built to the package's JP_Bundle_eReferral profile; the package carries no example
Bundle) to [base]/Bundle: 201, routed and delivered to the recipient's folder. A broken copy gets 422
with the FHIRPath location of every problem and is not delivered.

usage: jp_clins_referral_test.py RENKEI_BINARY SOURCE_DIR"""
import copy
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


def post(url, body, token="token-a"):
    request = urllib.request.Request(url, data=json.dumps(body, ensure_ascii=False).encode(), method="POST",
                                     headers={"Content-Type": "application/fhir+json",
                                              "Authorization": "Bearer " + token})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def main():
    renkei, source = sys.argv[1], os.path.abspath(sys.argv[2])
    packages = os.path.join(os.path.dirname(source), "shared", "testdata", "jp-fhir-packages")
    core = os.path.join(packages, "jp-core.r4-1.1.2-url.tgz")
    clins = os.path.join(packages, "jp-clins.r4-1.5.2-snap.tgz")
    if not (os.path.exists(core) and os.path.exists(clins)):
        print("SKIP: ../shared/testdata/jp-fhir-packages is not beside the checkout")
        sys.exit(77)
    with open(os.path.join(source, "samples", "fhir", "Bundle-jp-clins-referral.json"), encoding="utf-8") as f:
        referral = json.load(f)
    work = tempfile.mkdtemp(prefix="renkei-clins-")
    daemon = None
    try:
        port = e2e.free_port()
        config = {"data_dir": "data", "log": {"level": "warn", "file": "renkei.log"},
                  "validation": {"packages": [core, clins]},
                  "sources": {"hospital": {"type": "fhir_http", "listen": "127.0.0.1:%d" % port,
                                           "plain_http": True,
                                           "clients": [{"id": "hospital", "organization": "shinjuku-hospital",
                                                        "token_sha256": hashlib.sha256(b"token-a").hexdigest(),
                                                        "scopes": ["system/*.write", "system/*.read"]}]}},
                  "sinks": {"home-clinic": {"type": "file_folder", "path": "out"}},
                  "routes": [{"name": "referrals", "to": ["home-clinic"],
                              "condition": "entry.resource.ofType(Composition).type.coding.code = '57133-1'"}]}
        with open(os.path.join(work, "renkei.json"), "w") as f:
            json.dump(config, f)
        daemon = subprocess.Popen([renkei, "serve", "--config", os.path.join(work, "renkei.json")])
        base = "http://127.0.0.1:%d/fhir" % port
        e2e.wait_for_endpoint(base + "/metadata")

        status, body = post(base + "/Bundle", referral)
        assert status == 201, (status, body)
        out = os.path.join(work, "out")
        e2e.wait_until(lambda: len(e2e.visible_files(out)) == 1, 30, "the referral to be delivered")
        with open(os.path.join(out, e2e.visible_files(out)[0]), encoding="utf-8") as f:
            delivered = f.read()
        assert "診療情報提供書" in delivered and "57133-1" in delivered, delivered[:300]

        broken = copy.deepcopy(referral)
        broken["entry"][0]["resource"]["status"] = "preliminary"
        del broken["entry"][1]["resource"]["birthDate"]
        broken["identifier"]["value"] += "-broken"
        status, outcome = post(base + "/Bundle", broken)
        assert status == 422, (status, outcome)
        locations = [x for issue in outcome["issue"] for x in issue.get("expression", [])]
        assert "Bundle.entry[0].resource.status" in locations, locations
        assert any(x.startswith("Bundle.entry[1].resource") for x in locations), locations
        assert len(e2e.visible_files(out)) == 1, "a failed input has no deliveries"

        daemon.terminate()
        assert daemon.wait(timeout=60) == 0
        print("ok: referral accepted and delivered; broken copy 422 at %d locations" % len(locations))
    finally:
        if daemon and daemon.poll() is None:
            daemon.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
