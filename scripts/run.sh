#!/usr/bin/env bash
# Builds Renkei (Release) and runs its main job on the sample data: every sample is validated
# against R4 and Renkei's profiles, and converted to the other FHIR format under
# build-release/samples-out/. Installs its own Debian packages and definition files first.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/install-deps.sh"
cmake -S "$here" -B "$here/build-release" -DCMAKE_BUILD_TYPE=Release -DRENKEI_BUILD_TESTS=OFF \
  -DRENKEI_BUILD_BENCH=OFF >/dev/null
cmake --build "$here/build-release" --target renkei -j"$(nproc)"
renkei=$here/build-release/gateway/renkei
out=$here/build-release/samples-out
mkdir -p "$out"

echo
echo "== renkei validate: the samples (R4 + Renkei profiles)"
"$renkei" validate "$here"/samples/fhir/*.json "$here"/samples/fhir/*.xml

echo
echo "== renkei convert: JSON <-> XML into $out"
for f in "$here"/samples/fhir/*.json "$here"/samples/fhir/*.xml; do
  name=$(basename "$f")
  case "$name" in
    *.json) target=xml ;;
    *) target=json ;;
  esac
  "$renkei" convert --to "$target" --pretty "$f" > "$out/${name%.*}.$target"
  echo "$name -> ${name%.*}.$target"
done

echo
echo "== renkei validate --format json: a sheet with mistakes, as an OperationOutcome"
set +e
"$renkei" validate --format json "$here/samples/fhir/invalid/Patient-with-errors.json"
status=$?
set -e
echo "(exit status $status: 1 means the input is invalid, as expected for this sample)"

echo
echo "== renkei fhirpath: a routing rule and a lookup on the discharge notice"
bundle=$here/samples/fhir/Bundle-discharge-notice.json
"$renkei" fhirpath "entry.resource.ofType(Encounter).where(class.code = 'IMP' and status = 'finished').exists()" "$bundle"
"$renkei" fhirpath "entry.resource.ofType(Encounter).subject.resolve().name.where(extension.value = 'IDE').text" "$bundle"
