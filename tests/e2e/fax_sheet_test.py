#!/usr/bin/env python3
"""The fax_sheet sink through the real daemon: a discharge notice dropped in a watched folder is
routed to a fax-out folder as <key>.pdf, <key>.tif and, last, <key>.json (the ticket a fax server
waits for); the ticket names no patient, the PDF shows the patient's name masked (連● 花●) and
never in full, and the QR code on the sheet decodes to the reply token and form id.

usage: fax_sheet_test.py RENKEI_BINARY SOURCE_DIR"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_support as e2e  # noqa: E402


def main():
    renkei, source = sys.argv[1], os.path.abspath(sys.argv[2])
    work = tempfile.mkdtemp(prefix="renkei-fax-")
    daemon = None
    try:
        config = {"data_dir": "data", "log": {"level": "warn", "file": "renkei.log"},
                  "delivery": {"poll_ms": 20},
                  "sources": {"inbox": {"type": "folder", "path": "inbox", "sender": "hospital-a",
                                        "poll_ms": 50, "min_age_ms": 0}},
                  "sinks": {"fax": {"type": "fax_sheet", "path": "fax-out",
                                    "sender_name": "新宿区在宅医療・介護連携支援センター",
                                    "sender_fax": "03-5273-0000"}},
                  "routes": [{"name": "discharges-by-fax", "events": ["discharge"], "to": ["fax"]}]}
        config_path = os.path.join(work, "renkei.json")
        with open(config_path, "w") as f:
            json.dump(config, f, ensure_ascii=False)
        inbox, out = os.path.join(work, "inbox"), os.path.join(work, "fax-out")
        os.makedirs(inbox)
        daemon = subprocess.Popen([renkei, "serve", "--config", config_path], cwd=work)
        shutil.copy(os.path.join(source, "samples", "fhir", "Bundle-discharge-notice.json"),
                    os.path.join(inbox, ".d.json"))
        os.rename(os.path.join(inbox, ".d.json"), os.path.join(inbox, "d.json"))
        e2e.wait_until(lambda: os.path.isdir(out) and any(n.endswith(".json") for n in e2e.visible_files(out)),
                       60, "the fax ticket")
        names = sorted(e2e.visible_files(out))
        key = [n for n in names if n.endswith(".json")][0][:-len(".json")]
        assert names == [key + ".json", key + ".pdf", key + ".tif"], names
        with open(os.path.join(out, key + ".json"), encoding="utf-8") as f:
            ticket = json.load(f)
        assert ticket["form"] == key and ticket["reply_token"] == key and ticket["pages"] == 2, ticket
        assert "花子" not in json.dumps(ticket, ensure_ascii=False)
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", os.path.join(out, key + ".pdf"), "-"],
                              capture_output=True, text=True, check=True).stdout
        assert "FAX送付状" in text and "03-5273-0000" in text, text
        assert "連● 花●" in text and "連携 花子" not in text and "花子" not in text, text
        subprocess.run(["pdftoppm", "-r", "150", "-gray", "-png", "-f", "2", "-l", "2",
                        os.path.join(out, key + ".pdf"), os.path.join(work, "page")], check=True)
        code = subprocess.run(["zbarimg", "--quiet", "--raw", os.path.join(work, "page-2.png")],
                              capture_output=True, text=True).stdout.strip()
        assert code == "renkei:%s:%s" % (key, key), code
        with open(os.path.join(out, key + ".tif"), "rb") as f:
            assert f.read(4) in (b"II*\x00", b"MM\x00*"), "a TIFF"

        daemon.terminate()
        assert daemon.wait(timeout=60) == 0
        print("ok: the discharge became a fax sheet (PDF, TIFF G4, ticket last) with the name masked and a "
              "QR code carrying its reply token")
    finally:
        if daemon and daemon.poll() is None:
            daemon.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
