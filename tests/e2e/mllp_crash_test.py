#!/usr/bin/env python3
"""Crash test for the MLLP source: a sender that behaves as hospital systems do (waits for each
ACK; on a lost connection or a missing ACK it reconnects and resends the same message) sends
admissions while the daemon is killed with SIGKILL and restarted, twice. Every message the
sender saw acknowledged AA is delivered; every message is delivered under one key however often
it was resent (the resend of a committed message is answered AA without a second delivery).

usage: mllp_crash_test.py RENKEI_BINARY SOURCE_DIR"""
import json
import os
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_support as e2e  # noqa: E402
import mllp_client as mllp  # noqa: E402

MESSAGES = 400


class ResendingSender(threading.Thread):
    def __init__(self, port):
        super().__init__(daemon=True)
        self.port = port
        self.acked = 0
        self.resends = 0
        self.error = None

    def run(self):
        try:
            sender = None
            for n in range(MESSAGES):
                payload = mllp.adt("CRASH-%05d" % n, "C%05d" % n)
                while True:
                    try:
                        if sender is None:
                            sender = mllp.Sender(self.port, timeout=5)
                        code, control, _ = sender.send(payload)
                        assert (code, control) == ("AA", "CRASH-%05d" % n), (code, control)
                        self.acked += 1
                        break
                    except OSError:
                        if sender is not None:
                            sender.close()
                        sender = None
                        self.resends += 1
                        time.sleep(0.1)
        except Exception as e:  # reported by the main thread
            self.error = e


def main():
    renkei, source = sys.argv[1], os.path.abspath(sys.argv[2])
    work = tempfile.mkdtemp(prefix="renkei-mllp-crash-")
    daemon = None
    receiver = e2e.Receiver()
    try:
        port = e2e.free_port()
        config = {"data_dir": os.path.join(work, "data"), "mappings_dir": os.path.join(source, "mappings"),
                  "log": {"level": "warn", "file": os.path.join(work, "renkei.log")},
                  "delivery": {"workers": 2, "poll_ms": 20, "retry": {"initial_ms": 100, "max_ms": 1000}},
                  "sources": {"his": {"type": "mllp", "listen": "127.0.0.1:%d" % port,
                                      "senders": [{"organization": "hospital-a", "addresses": ["127.0.0.1"]}]}},
                  "sinks": {"hospital": {"type": "fhir_rest", "base_url": "http://127.0.0.1:%d/fhir" % receiver.port}},
                  "routes": [{"name": "all", "to": ["hospital"]}]}
        config_path = os.path.join(work, "renkei.json")
        with open(config_path, "w") as f:
            json.dump(config, f)
        log = os.path.join(work, "daemon.out")
        daemon = e2e.start_daemon(renkei, config_path, log)
        sender = ResendingSender(port)
        sender.start()
        for threshold in (MESSAGES // 5, MESSAGES // 2):
            e2e.wait_until(lambda: sender.acked >= threshold or sender.error, 120, "%d ACKs" % threshold)
            e2e.kill9(daemon)
            acked_before_restart = sender.acked
            time.sleep(0.5)  # the sender sees the connection die and keeps resending meanwhile
            daemon = e2e.start_daemon(renkei, config_path, log)
            assert acked_before_restart < MESSAGES, "all sent before the kill: send more"
        sender.join(timeout=300)
        assert sender.error is None, sender.error
        assert sender.acked == MESSAGES, sender.acked
        expected = {"C%05d" % n for n in range(MESSAGES)}
        e2e.wait_until(lambda: {p for _, p in receiver.snapshot()} >= expected, 120, "every admission delivered")
        repeats = e2e.check_exactly_once_in_effect(receiver.snapshot(), expected)
        daemon.terminate()
        assert daemon.wait(timeout=60) == 0
        print("OK: %d messages through 2 kills (%d resends), each delivered under one key (%d repeated deliveries)"
              % (MESSAGES, sender.resends, repeats))
    finally:
        receiver.close()
        e2e.kill_and_clean(daemon, work)


if __name__ == "__main__":
    main()
