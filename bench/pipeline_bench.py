#!/usr/bin/env python3
"""Pipeline benchmark: FHIR files dropped into a watched folder → durable intake → validate →
route → deliver to a local HTTP receiver, on SQLite or PostgreSQL, with the real daemon.

Phases, in one run:
  fsync  the disk's own rate of small write+fdatasync (what one commit costs at best)
  burst  N files dropped at once: sustained throughput from first drop to last delivery
  paced  N files dropped at a fixed rate: p50/p99 latency from drop to receipt
The daemon's RSS is sampled throughout (flat memory over many messages).

usage: pipeline_bench.py RENKEI_BINARY --store sqlite|postgres [--n N] [--rate R] [--pg-url URL]
prints one JSON line per phase."""
import argparse
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import re
import socket
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    def __init__(self):
        self.lock = threading.Lock()
        self.arrivals = {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                key = self.headers.get("Idempotency-Key", "")
                t = time.time()
                with receiver.lock:
                    receiver.arrivals.setdefault(key, t)
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        class Quiet(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, *args):
                pass

        self.server = Quiet(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def count(self):
        with self.lock:
            return len(self.arrivals)


def patient(n, tag):
    return json.dumps({
        "resourceType": "Patient", "id": "b%d" % n,
        "identifier": [{"system": "urn:oid:1.2.392.100495.20.3.51.11312345678", "value": "%s%08d" % (tag, n)}],
        "name": [{"family": "連携", "given": ["太郎"]}], "gender": "male", "birthDate": "1940-01-01",
        "address": [{"city": "新宿区", "state": "東京都"}]}, ensure_ascii=False).encode()


def delivery_key(source, data, destination):
    content = hashlib.sha256(data).hexdigest()
    return "rk-" + hashlib.sha256(("%s\n%s\n%s" % (source, content, destination)).encode()).hexdigest()[:32]


def fsync_rate(folder, seconds=2.0):
    path = os.path.join(folder, "fsync-probe")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    block = b"x" * 4096
    n, start = 0, time.time()
    while time.time() - start < seconds:
        os.pwrite(fd, block, (n % 256) * 4096)
        os.fdatasync(fd)
        n += 1
    os.close(fd)
    os.unlink(path)
    return n / (time.time() - start)


def rss_kb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100.0 * len(values)))] if values else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("renkei")
    ap.add_argument("--store", default="sqlite")
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--rate", type=int, default=2000)
    ap.add_argument("--pg-url", default=os.environ.get("RENKEI_TEST_PG_URL", ""))
    ap.add_argument("--phases", default="fsync,burst,paced")
    ap.add_argument("--soak", type=int, default=0,
                    help="also feed this many messages in rounds of 10,000, sampling RSS per round")
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="renkei-bench-", dir=os.environ.get("BENCH_TMP", "/var/tmp"))
    inbox, staging = os.path.join(work, "inbox"), os.path.join(work, "staging")
    os.makedirs(inbox)
    os.makedirs(staging)
    receiver = Receiver()
    store = {"kind": "sqlite"}
    if args.store == "postgres":
        if not args.pg_url:
            sys.exit("bench: --store postgres needs --pg-url or $RENKEI_TEST_PG_URL")
        name = "renkei_bench_%d" % int(time.time())
        base = " ".join(p for p in args.pg_url.split() if not p.startswith("dbname="))
        subprocess.run(["psql", base + " dbname=postgres", "-q", "-c", "CREATE DATABASE " + name], check=True)
        store = {"kind": "postgres", "url": base + " dbname=" + name}
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    admin_port = probe.getsockname()[1]
    probe.close()

    def commits():
        text = urllib.request.urlopen("http://127.0.0.1:%d/metrics" % admin_port, timeout=5).read().decode()
        return int(re.search(r"^renkei_store_commits_total (\d+)$", text, re.M).group(1))

    config = {
        "instance_name": "bench", "data_dir": os.path.join(work, "data"), "store": store,
        "admin": {"listen": "127.0.0.1:%d" % admin_port},
        "log": {"level": "error"},
        "delivery": {"workers": 4, "batch": 256, "poll_ms": 20},
        "sources": {"inbox": {"type": "folder", "path": inbox, "poll_ms": 20, "min_age_ms": 0, "batch": 1000}},
        "sinks": {"receiver": {"type": "fhir_rest", "base_url": "http://127.0.0.1:%d/fhir" % receiver.port}},
        "routes": [{"name": "all", "to": ["receiver"]}],
    }
    with open(os.path.join(work, "renkei.json"), "w") as f:
        json.dump(config, f)
    daemon = subprocess.Popen([args.renkei, "serve", "--config", os.path.join(work, "renkei.json")],
                              stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "daemon.err"), "w"))
    rss = []
    sampling = True

    def sample():
        while sampling:
            rss.append(rss_kb(daemon.pid))
            time.sleep(0.5)
    threading.Thread(target=sample, daemon=True).start()
    time.sleep(1.5)
    rss_started = rss_kb(daemon.pid)
    results = []
    try:
        if "fsync" in args.phases:
            results.append({"phase": "fsync", "store": args.store, "fsync_per_s": round(fsync_rate(work))})
        for phase, tag in (("burst", "B"), ("paced", "P")):
            if phase not in args.phases:
                continue
            keys, drops = [], {}
            for i in range(args.n):
                data = patient(i, tag)
                with open(os.path.join(staging, "%s%08d.json" % (tag, i)), "wb") as f:
                    f.write(data)
                keys.append(delivery_key("inbox", data, "receiver"))
            base_count = receiver.count()
            base_commits = commits()
            start = time.time()
            for i in range(args.n):
                if phase == "paced":
                    due = start + i / float(args.rate)
                    delay = due - time.time()
                    if delay > 0:
                        time.sleep(delay)
                name = "%s%08d.json" % (tag, i)
                drops[keys[i]] = time.time()
                os.rename(os.path.join(staging, name), os.path.join(inbox, name))
            deadline = time.time() + 3600
            while receiver.count() < base_count + args.n and time.time() < deadline:
                time.sleep(0.05)
            with receiver.lock:
                arrivals = {k: receiver.arrivals[k] for k in keys if k in receiver.arrivals}
            last = max(arrivals.values())
            latencies = [(arrivals[k] - drops[k]) * 1000 for k in arrivals]
            phase_commits = commits() - base_commits
            results.append({
                "phase": phase, "store": args.store, "messages": args.n,
                "delivered": len(arrivals),
                "offered_per_s": args.rate if phase == "paced" else None,
                "throughput_per_s": round(len(arrivals) / (last - start)),
                "commits": phase_commits, "commits_per_s": round(phase_commits / (last - start)),
                "messages_per_commit": round(len(arrivals) / max(1, phase_commits), 1),
                "p50_ms": round(percentile(latencies, 50), 1), "p99_ms": round(percentile(latencies, 99), 1),
                "rss_mb_max": round(max(rss) / 1024, 1)})
        if args.soak:
            round_size, fed, curve = 10000, 0, []
            soak_start = time.time()
            while fed < args.soak:
                base_count = receiver.count()
                for i in range(round_size):
                    data = patient(fed + i, "S")
                    name = "S%08d.json" % (fed + i)
                    with open(os.path.join(staging, name), "wb") as f:
                        f.write(data)
                    os.rename(os.path.join(staging, name), os.path.join(inbox, name))
                while receiver.count() < base_count + round_size:
                    time.sleep(0.05)
                fed += round_size
                # done/ holds every input; an operator archives it, so does the soak.
                shutil.rmtree(os.path.join(inbox, "done"), ignore_errors=True)
                if fed % 100000 == 0 or fed >= args.soak:
                    curve.append((fed, round(rss_kb(daemon.pid) / 1024, 1)))
            results.append({"phase": "soak", "store": args.store, "messages": fed,
                            "throughput_per_s": round(fed / (time.time() - soak_start)),
                            "rss_mb_by_messages": curve})
        results.append({"phase": "memory", "store": args.store,
                        "rss_mb_started": round(rss_started / 1024, 1),
                        "rss_mb_last": round(rss[-1] / 1024, 1), "rss_mb_max": round(max(rss) / 1024, 1),
                        "samples": len(rss)})
    finally:
        sampling = False
        daemon.send_signal(signal.SIGTERM)
        daemon.wait()
        shutil.rmtree(work, ignore_errors=True)
    for r in results:
        print(json.dumps(r))


if __name__ == "__main__":
    main()
