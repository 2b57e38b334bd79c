#!/usr/bin/env bash
# Prints the disk's rate of 4 KB write + fdatasync (pipeline_bench.fsync_rate, 2 s, in /var/tmp):
# every bench script prints it beside its figures, so that runs on different days compare.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
probe=$(mktemp -d /var/tmp/renkei-fsync.XXXXXX)
trap 'rm -rf "$probe"' EXIT
python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); from pipeline_bench import fsync_rate; print("disk: %d fsync/s (4 KB write + fdatasync) in the same run" % round(fsync_rate(sys.argv[2])))' "$here" "$probe"
