#!/usr/bin/env bash
# Builds Renkei with its tests and runs the whole suite under ctest. Installs its own Debian
# packages and definition files first. Conformance suites from ../shared/ run when it is beside
# the checkout (set RENKEI_SHARED_DIR otherwise) and are skipped with a message when absent.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/install-deps.sh" --test
cmake -S "$here" -B "$here/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRENKEI_BUILD_TESTS=ON >/dev/null
cmake --build "$here/build" -j"$(nproc)"
cd "$here/build"
ctest --output-on-failure -j"$(nproc)" "$@"
