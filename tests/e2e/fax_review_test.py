#!/usr/bin/env python3
"""The fax review page over HTTP, through the real daemon.

A 入退院時情報連携シート faxed to care office A is kept for review (names prove nothing). On the
review page (the fax_review source):
- without a session every page sends to the log-in; five wrong passwords lock the account, the
  right one then too;
- the session cookie is HttpOnly, Secure and SameSite=Strict;
- office B's reviewer does not see the fax in the queue and gets 403 for its page and its image;
- a POST without the session's CSRF token, or from another origin, is refused;
- office A's reviewer sees the page image and the fields, corrects the values and confirms: the
  sheet's Bundle reaches the desk only then, with the reviewer as the Provenance's verifier; the
  fax is SUBMITTED and every view and decision is in the audit trail;
- a second fax rejected with a reason is not delivered and is REJECTED;
- a third masks the patient's name: office A's reviewer is offered office A's record of her (office
  B's record of the same person is never shown, and refused when posted); the chosen record becomes
  the delivered sheet's patient, and the choice is audited (IDENTIFY);
- a fourth is a form the fax folder does not know: kept as an unknown form, it is read again as
  the form the reviewer names (REREAD), and its fields appear to be confirmed.

usage: fax_review_test.py RENKEI_BINARY SOURCE_DIR"""
import base64
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_support as e2e  # noqa: E402
from care_team_test import files_under  # noqa: E402
from fax_forms_test import drop, sample  # noqa: E402

PASSWORD = "correct horse battery"


class Browser:
    """One reviewer's HTTP client with its cookie."""

    def __init__(self, port):
        self.port, self.cookie = port, None

    def request(self, method, path, form=None, origin=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {}
        if self.cookie:
            headers["Cookie"] = self.cookie
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if origin:
            headers["Origin"] = origin
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        set_cookie = response.getheader("Set-Cookie")
        if set_cookie:
            self.cookie = set_cookie.split(";")[0]
        conn.close()
        return response.status, dict(response.getheaders()), data

    def login(self, user, password):
        return self.request("POST", "/login", {"user": user, "password": password})


def hashed(renkei, password):
    out = subprocess.run([renkei, "password"], input=password + "\n", capture_output=True, text=True, check=True)
    return out.stdout.strip()


TEST_FORMS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "forms")
OFFICE_A = "urn:oid:1.2.392.100495.20.3.51.11312340001"
OFFICE_B = "urn:oid:1.2.392.100495.20.3.51.11312340002"


def known_patient(system, value):
    """A care office's record of 連携 花子 (born 1942-03-09) under its own number."""
    return json.dumps({"resourceType": "Patient", "identifier": [{"system": system, "value": value}],
                       "name": [{"family": "連携", "given": ["花子"]}, {"family": "レンケイ", "given": ["ハナコ"]}],
                       "gender": "female", "birthDate": "1942-03-09",
                       "address": [{"city": "北区", "state": "東京都"}]}, ensure_ascii=False).encode()


def start_with_a_fax_to_review(renkei, work):
    """The daemon with office A's fax folder and the review page; one sheet kept for review. Offices
    A and B have each sent their record of 連携 花子 (the patient registry knows both).
    Returns (daemon, port, config_path, fax_id, values, desk)."""
    port = e2e.free_port()
    for folder in ("fax-in", "records-a", "records-b"):
        os.makedirs(os.path.join(work, folder))
    password_hash = hashed(renkei, PASSWORD)
    accounts = [{"user": "sato", "name": "佐藤 花子", "organization": "care-office-a", "password_hash": password_hash},
                {"user": "tanaka", "name": "田中 一郎", "organization": "care-office-a", "password_hash": password_hash},
                {"user": "suzuki", "name": "鈴木 次郎", "organization": "care-office-b", "password_hash": password_hash}]
    config_path = os.path.join(work, "renkei.json")
    config = {"data_dir": "data", "log": {"level": "warn", "file": "renkei.log"},
              "delivery": {"poll_ms": 20},
              "sources": {"office-fax": {"type": "fax_forms", "path": "fax-in", "organization": "care-office-a",
                                         "poll_ms": 50, "min_age_ms": 0},
                          "review": {"type": "fax_review", "listen": "127.0.0.1:%d" % port, "plain_http": True,
                                     "accounts": accounts, "max_failures": 5, "forms": [TEST_FORMS]},
                          "records-a": {"type": "folder", "path": "records-a", "sender": "care-office-a",
                                        "poll_ms": 50, "min_age_ms": 0},
                          "records-b": {"type": "folder", "path": "records-b", "sender": "care-office-b",
                                        "poll_ms": 50, "min_age_ms": 0}},
              "patients": {"registry": True, "check_ms": 100},
              "sinks": {"desk": {"type": "file_folder", "path": "desk"}},
              "routes": [{"name": "faxes-to-the-desk", "from": ["office-fax", "review"], "to": ["desk"]}]}
    with open(config_path, "w") as f:
        json.dump(config, f, ensure_ascii=False)
    daemon = subprocess.Popen([renkei, "serve", "--config", config_path], cwd=work)
    fax_in = os.path.join(work, "fax-in")
    e2e.wait_until(lambda: os.path.isdir(os.path.join(fax_in, "failed")), 60, "the daemon started")
    drop(os.path.join(work, "records-a"), "patient-a.json", known_patient(OFFICE_A, "77"))
    drop(os.path.join(work, "records-b"), "patient-b.json", known_patient(OFFICE_B, "88"))
    e2e.wait_until(lambda: all(os.listdir(os.path.join(work, r, "done")) if os.path.isdir(os.path.join(work, r, "done"))
                               else False for r in ("records-a", "records-b")), 60, "the offices' records taken in")
    sheet, values = sample(renkei, None, "nyutaiin-renkei-sheet", 3, os.path.join(work, "samples"))
    # What the person types where the sample's random dates would not make one stay.
    values.update({"sheet_date": "令和6年11月20日", "admitted": "R06.11.01", "discharged": "令和6年11月20日",
                   "signature": "佐藤 花子"})
    drop(fax_in, "fax0001.tif", sheet)
    e2e.wait_until(lambda: len(queue(renkei, config_path, work)) == 1, 60, "the sheet kept for review")
    return daemon, port, config_path, queue(renkei, config_path, work)[0][0], values, os.path.join(work, "desk")


def drop_masked_fax(renkei, work, config_path, name):
    """A sheet that masks the name of 連携 花子 (her birth date and kana as office A knows them).
    Returns (fax_id, values): the values a person types."""
    before = len(queue(renkei, config_path, work))
    out = os.path.join(work, "samples-" + name)
    os.makedirs(out, exist_ok=True)
    subprocess.run([renkei, "form", "sample", "nyutaiin-renkei-sheet", "--seed", "9", "--out", out,
                    "--set", "family=●携", "--set", "given=●子", "--set", "kana_family=レンケイ",
                    "--set", "kana_given=ハナコ", "--set", "birth=昭和17年3月9日", "--set", "gender=女"],
                   check=True)
    with open(os.path.join(out, "nyutaiin-renkei-sheet-1.tif"), "rb") as f:
        sheet = f.read()
    with open(os.path.join(out, "nyutaiin-renkei-sheet-1.json"), encoding="utf-8") as f:
        values = json.load(f)["values"]
    values.update({"sheet_date": "令和6年11月20日", "admitted": "R06.11.01", "discharged": "令和6年11月20日",
                   "signature": "佐藤 花子"})
    drop(os.path.join(work, "fax-in"), name, sheet)
    e2e.wait_until(lambda: len(queue(renkei, config_path, work)) == before + 1, 60, "the masked sheet kept for review")
    return queue(renkei, config_path, work)[-1][0], values


def queue(renkei, config_path, work):
    listed = subprocess.run([renkei, "faxes", "--config", config_path, "list"], capture_output=True, text=True, cwd=work)
    return [line.split("\t") for line in listed.stdout.splitlines()[1:]]


def delivered(desk):
    """The one Bundle the desk received, as resource type → resources."""
    with open(os.path.join(desk, files_under(desk)[0]), encoding="utf-8") as f:
        bundle = json.load(f)
    resources = {}
    for entry in bundle["entry"]:
        resources.setdefault(entry["resource"]["resourceType"], []).append(entry["resource"])
    return resources


def main():
    renkei, source = sys.argv[1], os.path.abspath(sys.argv[2])
    work = tempfile.mkdtemp(prefix="renkei-fax-review-")
    daemon = None
    try:
        daemon, port, config_path, fax_id, values, desk = start_with_a_fax_to_review(renkei, work)

        anonymous = Browser(port)
        status, headers, _ = anonymous.request("GET", "/faxes/" + fax_id)
        assert status == 303 and headers["Location"] == "/login", (status, headers)

        tanaka = Browser(port)
        for _ in range(5):
            assert tanaka.login("tanaka", "wrong password")[0] == 401
        assert tanaka.login("tanaka", PASSWORD)[0] == 429, "locked after five failures, right password or not"

        sato = Browser(port)
        status, headers, _ = sato.login("sato", PASSWORD)
        assert status == 303, status
        flags = headers["Set-Cookie"]
        assert "HttpOnly" in flags and "Secure" in flags and "SameSite=Strict" in flags, flags
        status, _, page = sato.request("GET", "/faxes")
        assert status == 200 and ('href="/faxes/%s"' % fax_id) in page.decode(), page[:500]

        suzuki = Browser(port)
        assert suzuki.login("suzuki", PASSWORD)[0] == 303
        status, _, page = suzuki.request("GET", "/faxes")
        assert status == 200 and ('/faxes/%s"' % fax_id) not in page.decode()
        assert suzuki.request("GET", "/faxes/" + fax_id)[0] == 403
        assert suzuki.request("GET", "/faxes/%s/pages/1.png" % fax_id)[0] == 403

        status, headers, page = sato.request("GET", "/faxes/" + fax_id)
        assert status == 200, status
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        html = page.decode()
        csrf = re.search(r'name="csrf" value="([^"]+)"', html).group(1)
        version = re.search(r'name="version" value="([^"]+)"', html).group(1)
        assert "要確認" in html
        status, headers, png = sato.request("GET", "/faxes/%s/pages/1.png" % fax_id)
        assert status == 200 and headers["Content-Type"] == "image/png" and png[:4] == b"\x89PNG"

        form = {"csrf": csrf, "version": version, "action": "confirm"}
        for name, value in values.items():
            form["f.1." + name] = value
        assert sato.request("POST", "/faxes/" + fax_id, dict(form, csrf="forged"))[0] == 403
        assert sato.request("POST", "/faxes/" + fax_id, form, origin="https://evil.example")[0] == 403
        assert files_under(desk) == [], "nothing delivered before a person confirmed"
        status, headers, _ = sato.request("POST", "/faxes/" + fax_id, form)
        assert status == 303 and headers["Location"] == "/faxes?sent=" + fax_id, (status, headers)

        e2e.wait_until(lambda: len(files_under(desk)) == 1, 60, "the confirmed sheet delivered")
        resources = delivered(desk)
        patient = resources["Patient"][0]
        assert patient["name"][0]["family"] == values["family"], patient["name"]
        agents = resources["Provenance"][0]["agent"]
        assert [a["type"]["coding"][0]["code"] for a in agents] == ["assembler", "verifier"], agents
        assert agents[1]["who"]["display"] == "佐藤 花子", agents
        reading = json.loads(base64.b64decode(resources["DocumentReference"][0]["content"][1]["attachment"]["data"]))
        confirmed = [f for f in reading["pages"][0]["fields"] if f.get("confirmed_by") == "佐藤 花子"]
        assert confirmed and all(f["status"] == "accepted" for f in reading["pages"][0]["fields"])
        assert queue(renkei, config_path, work)[0][1] == "SUBMITTED"

        # A second fax, rejected with a reason: nothing delivered, the reason kept with the reading.
        second, _ = sample(renkei, None, "nyutaiin-renkei-sheet", 4, os.path.join(work, "samples2"))
        drop(os.path.join(work, "fax-in"), "fax0002.tif", second)
        e2e.wait_until(lambda: len(queue(renkei, config_path, work)) == 2, 60, "the second sheet kept for review")
        second_id = queue(renkei, config_path, work)[1][0]
        status, _, page = sato.request("GET", "/faxes/" + second_id)
        version = re.search(r'name="version" value="([^"]+)"', page.decode()).group(1)
        status, headers, _ = sato.request("POST", "/faxes/" + second_id, {"csrf": csrf, "version": version,
                                                                           "action": "reject",
                                                                           "reject_reason": "別の利用者の帳票"})
        assert status == 303 and headers["Location"] == "/faxes?rejected=" + second_id, (status, headers)
        assert queue(renkei, config_path, work)[1][1] == "REJECTED"
        assert len(files_under(desk)) == 1, "a rejected fax is not delivered"

        # A sheet that masks the name: office A's reviewer is offered office A's record of her, never
        # office B's; office B's record posted anyway is refused; office A's becomes the sheet's patient.
        masked_id, masked = drop_masked_fax(renkei, work, config_path, "fax0003.tif")
        status, _, page = sato.request("GET", "/faxes/" + masked_id)
        html = page.decode()
        assert status == 200 and "伏せ字" in html, status
        assert ('value="%s|77"' % OFFICE_A) in html, "office A's patient offered"
        assert OFFICE_B not in html, "office B's patient never shown to office A"
        version = re.search(r'name="version" value="([^"]+)"', html).group(1)
        form = {"csrf": csrf, "version": version, "action": "confirm", "p.1": OFFICE_B + "|88"}
        for name, value in masked.items():
            form["f.1." + name] = value
        assert sato.request("POST", "/faxes/" + masked_id, form)[0] == 422, "another office's record refused"
        status, _, page = sato.request("GET", "/faxes/" + masked_id)
        form["version"] = re.search(r'name="version" value="([^"]+)"', page.decode()).group(1)
        form["p.1"] = OFFICE_A + "|77"
        status, headers, _ = sato.request("POST", "/faxes/" + masked_id, form)
        assert status == 303, status
        e2e.wait_until(lambda: len(files_under(desk)) == 2, 60, "the identified sheet delivered")
        with open(os.path.join(desk, sorted(files_under(desk), key=lambda n: os.path.getmtime(os.path.join(desk, n)))[-1]),
                  encoding="utf-8") as f:
            identified = [e["resource"] for e in json.load(f)["entry"] if e["resource"]["resourceType"] == "Patient"][0]
        assert identified["identifier"][0] == {"system": OFFICE_A, "value": "77"}, identified["identifier"]
        assert identified["name"][0]["family"] == "連携", identified["name"]
        assert "identity-status" not in json.dumps(identified)

        # A sheet the fax folder's forms do not include: kept as an unknown form; the reviewer names
        # the form (the review page knows it) and the page is read again as that form.
        card, card_values = sample(renkei, TEST_FORMS, "test-insured-card", 5, os.path.join(work, "samples-card"))
        before = len(queue(renkei, config_path, work))
        drop(os.path.join(work, "fax-in"), "fax0004.tif", card)
        e2e.wait_until(lambda: len(queue(renkei, config_path, work)) == before + 1, 60, "the unknown sheet kept")
        card_id = queue(renkei, config_path, work)[-1][0]
        status, _, page = sato.request("GET", "/faxes/" + card_id)
        html = page.decode()
        assert status == 200 and "帳票を判別できませんでした" in html and 'value="test-insured-card"' in html, status
        version = re.search(r'name="version" value="([^"]+)"', html).group(1)
        status, headers, _ = sato.request("POST", "/faxes/" + card_id, {"csrf": csrf, "version": version,
                                                                         "action": "reread:1",
                                                                         "form.1": "test-insured-card"})
        assert status == 303 and headers["Location"] == "/faxes/" + card_id, (status, headers)
        status, _, page = sato.request("GET", "/faxes/" + card_id)
        html = page.decode()
        assert "帳票を判別できませんでした" not in html and "被保険者確認票" in html, html[:3000]
        read_again = {m.group(1): m.group(2) for m in re.finditer(r'name="f\.1\.([a-z_]+)" value="([^"]*)"', html)}
        exact = sum(read_again.get(name) == value for name, value in card_values.items())
        assert exact >= len(card_values) // 2, (read_again, card_values)
        assert queue(renkei, config_path, work)[-1][3] == "test-insured-card"

        audit = subprocess.run([renkei, "audit", "--config", config_path, "--limit", "50"], capture_output=True,
                               text=True, cwd=work)
        trail = audit.stdout
        assert all(word in trail for word in ("sato", "suzuki", "CONFIRM", "VIEW", "REJECT", "IDENTIFY", "REREAD")), \
            trail[:2000]

        daemon.terminate()
        assert daemon.wait(timeout=60) == 0
        print("ok: the review page locks after failed log-ins, keeps office B out (403), refuses forged and "
              "cross-origin posts, a confirmed sheet is delivered with its reviewer in the Provenance, a masked "
              "name is identified among office A's own patients only, and an unknown sheet is read as the form named")
    finally:
        e2e.kill_and_clean(daemon, work)


if __name__ == "__main__":
    main()
