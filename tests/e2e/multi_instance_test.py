#!/usr/bin/env python3
"""Multi-instance test: two daemons share one PostgreSQL store. They split the delivery work
with no double delivery while both run; then one is killed with SIGKILL mid-delivery and the
other finishes its leased work once the leases expire.

usage: multi_instance_test.py RENKEI_BINARY [N]   (needs $RENKEI_TEST_PG_URL; scripts/test.sh
starts a throwaway cluster and sets it)"""
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_support as e2e  # noqa: E402


def delivered_by(port):
    try:
        text = urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=2).read().decode()
    except OSError:
        return 0
    return sum(int(v) for v in re.findall(
        r'renkei_deliveries_total\{destination="hospital",outcome="delivered"\} (\d+)', text))


def fresh_database(url):
    name = "renkei_multi_%d_%d" % (os.getpid(), int(time.time()))
    base = re.sub(r"\s*dbname=\S+", "", url).strip()
    psql = ["psql", base + " dbname=postgres", "-v", "ON_ERROR_STOP=1", "-q", "-c"]
    subprocess.run(psql + ["CREATE DATABASE %s" % name], check=True)
    return base + " dbname=" + name


def main():
    url = os.environ.get("RENKEI_TEST_PG_URL")
    if not url:
        print("SKIP: RENKEI_TEST_PG_URL is not set; scripts/test.sh starts a PostgreSQL cluster for this test")
        sys.exit(77)
    renkei = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    store = {"kind": "postgres", "url": fresh_database(url)}
    work = tempfile.mkdtemp(prefix="renkei-multi-")
    receiver = e2e.Receiver(delay=0.004)
    daemons, ports = {}, {}
    try:
        for name in ("a", "b"):
            config = os.path.join(work, name + ".json")
            e2e.write_config(config, data_dir=os.path.join(work, name), inbox=os.path.join(work, name, "inbox"),
                             receiver_port=receiver.port, folder_out=os.path.join(work, "out"),
                             store=store, instance="instance-" + name, lease_ms=3000)
            ports[name] = e2e.free_port()
            text = open(config).read().replace('"127.0.0.1:0"', '"127.0.0.1:%d"' % ports[name])
            open(config, "w").write(text)
            daemons[name] = e2e.start_daemon(renkei, config, os.path.join(work, name + ".out"))
        inbox = os.path.join(work, "a", "inbox")
        e2e.wait_until(lambda: os.path.isdir(os.path.join(inbox, "processing")), 30, "instance a to start")
        for i in range(n):
            e2e.drop_file(inbox, i)
        everyone = {"%08d" % i for i in range(n)}
        e2e.wait_until(lambda: delivered_by(ports["b"]) > 0 and len(receiver.snapshot()) > n // 4, 60,
                       "both instances to deliver")
        both_alive = receiver.snapshot()
        keys = [k for k, _ in both_alive]
        assert len(keys) == len(set(keys)), "a delivery was repeated while both instances ran"
        b_share = delivered_by(ports["b"])
        e2e.wait_until(lambda: sum(len(f) for _, _, f in os.walk(os.path.join(inbox, "done"))) == n, 60,
                       "instance a to commit every input")
        e2e.kill9(daemons["a"])
        killed_at = len(receiver.snapshot())
        assert killed_at < n, "everything was delivered before the kill; raise N"
        e2e.wait_until(lambda: {p for _, p in receiver.snapshot()} >= everyone, 120,
                       "instance b to finish the work")
        repeats = e2e.check_exactly_once_in_effect(receiver.snapshot(), everyone)
        print("multi-instance test: %d inputs; b delivered %d while both ran with no repeat; a killed "
              "after %d deliveries; b finished the rest; %d repeats, all with the same key" %
              (n, b_share, killed_at, repeats))
    finally:
        e2e.tear_down(list(daemons.values()), receiver, work)


if __name__ == "__main__":
    main()
