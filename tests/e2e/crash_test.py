#!/usr/bin/env python3
"""Crash test: the real daemon takes N inputs from a watched folder while it is killed with
SIGKILL at random moments and restarted; in the end every input is delivered to every matching
destination, and any repeat the receiver sees carries the same idempotency key.

usage: crash_test.py RENKEI_BINARY [N] [KILLS]"""
import os
import random
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_support as e2e  # noqa: E402


def main():
    renkei = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    kills = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    rng = random.Random(int(os.environ.get("RENKEI_CRASH_SEED", str(int(time.time())))))
    work = tempfile.mkdtemp(prefix="renkei-crash-")
    inbox, out = os.path.join(work, "inbox"), os.path.join(work, "out")
    os.makedirs(inbox)
    receiver = e2e.Receiver()
    config = os.path.join(work, "renkei.json")
    e2e.write_config(config, data_dir=os.path.join(work, "data"), inbox=inbox,
                     receiver_port=receiver.port, folder_out=out)
    log = os.path.join(work, "daemon.out")
    daemon = e2e.start_daemon(renkei, config, log)
    started = time.time()
    try:
        written, killed = 0, 0
        kill_points = sorted(rng.sample(range(1, n), kills)) if kills else []
        for point in kill_points + [n]:
            while written < point:
                e2e.drop_file(inbox, written)
                written += 1
            if written < n or killed < kills:
                e2e.random_pause(rng, 0.05, 0.6)
                e2e.kill9(daemon)
                killed += 1
                daemon = e2e.start_daemon(renkei, config, log)
        shinjuku = {"%08d" % i for i in range(n) if e2e.expected_in_shinjuku(i)}
        everyone = {"%08d" % i for i in range(n)}

        def finished():
            got = {p for _, p in receiver.snapshot()}
            return (got >= everyone and len(e2e.visible_files(out)) >= len(shinjuku) and
                    not any(f.endswith(".json") for f in os.listdir(inbox)) and
                    not os.listdir(os.path.join(inbox, "processing")))
        e2e.wait_until(finished, 600, "every input to be delivered")
        repeats = e2e.check_exactly_once_in_effect(receiver.snapshot(), everyone)
        folder_files = e2e.visible_files(out)
        assert len(folder_files) == len(shinjuku), (len(folder_files), len(shinjuku))
        failed = os.listdir(os.path.join(inbox, "failed"))
        assert not failed, "inputs failed: %s" % failed[:5]
        done = sum(len(fs) for _, _, fs in os.walk(os.path.join(inbox, "done")))
        assert done == n, "done/ holds %d of %d inputs" % (done, n)
        daemon.terminate()
        assert daemon.wait(timeout=60) == 0, "SIGTERM must drain and exit 0"
        print("crash test: %d inputs, %d kills, delivered to %d + %d destinations in %.1fs; "
              "%d repeated deliveries, all with the same idempotency key" %
              (n, killed, len(everyone), len(shinjuku), time.time() - started, repeats))
    finally:
        e2e.tear_down([daemon], receiver, work)


if __name__ == "__main__":
    main()
