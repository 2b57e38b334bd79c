"""A minimal HL7 v2 sender for the MLLP tests and the benchmark: builds ADT messages in
ISO-2022-JP (as SS-MIX2 writes them), frames them, and reads each acknowledgement."""
import socket

VT, FS, CR = b"\x0b", b"\x1c", b"\r"


def adt(control_id, patient_id, event="A01", family="山田", given="太郎", kana_family="ヤマダ",
        kana_given="タロウ", address="東京都北区王子本町1-2-3", postal="114-8508",
        admitted="202411201030", discharged="", facility="1312345678", birth="19400401", sex="M"):
    """An ADT^A01 (admission), ^A03 (discharge) or ^A08 (update) message as bytes."""
    structure = {"A01": "ADT_A01", "A03": "ADT_A03", "A08": "ADT_A01"}.get(event, "ADT_A01")
    pv1 = ["PV1", "0001", "I", "5W^501^2^^^N"] + [""] * 42
    pv1[44], pv1[45] = admitted, discharged
    segments = [
        "MSH|^~\\&|HIS|%s|RENKEI|GW|20241122093000||ADT^%s^%s|%s|P|2.5||||||~ISO IR87||ISO 2022-1994"
        % (facility, event, structure, control_id),
        "EVN||202411201030",
        "PID|0001||%s^^^^PI||%s^%s^^^^^L^I~%s^%s^^^^^L^P||%s|%s|||%s^^^^%s^JPN^H||03-3908-1111"
        % (patient_id, family, given, kana_family, kana_given, birth, sex, address, postal),
        "|".join(pv1).rstrip("|"),
    ]
    return ("\r".join(segments) + "\r").encode("iso2022_jp")


def frame(payload):
    return VT + payload + FS + CR


class Sender:
    """One MLLP connection; send() returns the parsed ACK (MSA-1, MSA-2, text) or raises OSError."""

    def __init__(self, port, host="127.0.0.1", timeout=10.0, tls=None):
        """`tls`: an ssl.SSLContext to speak TLS with, or None."""
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if tls is not None:
            self.sock = tls.wrap_socket(self.sock, server_hostname=host)
        self.buffer = b""

    def send_raw(self, data):
        self.sock.sendall(data)

    def read_ack(self):
        while FS + CR not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed without an ACK")
            self.buffer += chunk
        end = self.buffer.index(FS + CR)
        start = self.buffer.index(VT)
        payload, self.buffer = self.buffer[start + 1:end], self.buffer[end + 2:]
        return parse_ack(payload)

    def send(self, payload):
        self.send_raw(frame(payload))
        return self.read_ack()

    def close(self):
        self.sock.close()


def parse_ack(payload):
    """(MSA-1, MSA-2, MSA-3) of an ACK's bytes."""
    for segment in payload.decode("ascii", "replace").split("\r"):
        fields = segment.split("|")
        if fields[0] == "MSA":
            fields += [""] * 4
            return fields[1], fields[2], fields[3]
    raise ValueError("no MSA segment in the ACK")
