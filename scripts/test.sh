#!/usr/bin/env bash
# Builds Renkei with its tests and runs the whole suite under ctest. Installs its own Debian
# packages and definition files first, and starts a throwaway PostgreSQL cluster (stopped on exit)
# so the store conformance suite and the multi-instance test run on PostgreSQL too. Conformance
# suites from ../shared/ run when it is beside the checkout (set RENKEI_SHARED_DIR otherwise) and
# are skipped with a message when absent.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/install-deps.sh" --test
cmake -S "$here" -B "$here/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRENKEI_BUILD_TESTS=ON >/dev/null
cmake --build "$here/build" -j"$(nproc)"

pg_dir=$(mktemp -d /tmp/renkei-pg.XXXXXX)
trap '"$here/tests/support/pg_cluster.sh" stop "$pg_dir"' EXIT
RENKEI_TEST_PG_URL=$("$here/tests/support/pg_cluster.sh" start "$pg_dir")
export RENKEI_TEST_PG_URL
echo "test: PostgreSQL for the store tests at ${RENKEI_TEST_PG_URL%% user=*}"

cd "$here/build"
ctest --output-on-failure -j"$(nproc)" "$@"
