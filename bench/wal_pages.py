#!/usr/bin/env python3
"""Which b-trees a SQLite store's commits write: reads the frame headers of DB's write-ahead log
(DB-wal) from its current generation, names each frame's page with SQLite's dbstat, and prints
the pages written per commit by table and index. Run it on a copy of a store stopped with
kill -9 after a load (a clean stop checkpoints and empties the log).

usage: bench/wal_pages.py DB"""
import collections
import os
import shutil
import sqlite3
import struct
import sys
import tempfile


def main():
    source = sys.argv[1]
    work = tempfile.mkdtemp(prefix="renkei-wal-")
    try:
        for suffix in ("", "-wal"):
            shutil.copy(source + suffix, os.path.join(work, "db" + suffix))
        log = open(os.path.join(work, "db-wal"), "rb").read()
        _, _, page_size, _, salt1, salt2, _, _ = struct.unpack(">8I", log[:32])
        commits, current, offset = [], [], 32
        while offset + 24 + page_size <= len(log):
            page, committed, s1, s2 = struct.unpack(">4I", log[offset:offset + 16])
            if (s1, s2) != (salt1, salt2):
                break  # an earlier generation of the log: written over since
            current.append(page)
            if committed:
                commits.append(current)
                current = []
            offset += 24 + page_size
        owner = dict((page, name) for name, page in
                     sqlite3.connect(os.path.join(work, "db")).execute("SELECT name, pageno FROM dbstat"))
        frames = sum(len(c) for c in commits)
        print("%d commits in the log's current generation, %.1f pages each" % (len(commits), frames / max(1, len(commits))))
        pages = collections.Counter(owner.get(p, "(free)") for c in commits for p in c)
        for name, n in pages.most_common(20):
            print("%-42s %8d  %6.2f per commit" % (name, n, n / len(commits)))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
