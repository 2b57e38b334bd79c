#!/usr/bin/env bash
# The renkei binary as users run it: outputs and exit codes of `fhirpath` and `validate` on the
# samples. Usage: cli_test.sh RENKEI_BINARY SOURCE_DIR
set -u
renkei=$1
samples=$2/samples/fhir
failures=0

check() {  # name expected_exit expected_stdout_substring command...
  local name=$1 want_exit=$2 want_out=$3
  shift 3
  local out err code
  out=$("$@" 2>/tmp/renkei-cli-err.$$)
  code=$?
  err=$(cat /tmp/renkei-cli-err.$$)
  if [ "$code" != "$want_exit" ] || [[ "$out$err" != *"$want_out"* ]]; then
    echo "FAIL $name: exit $code (want $want_exit), output: $out $err"
    failures=$((failures + 1))
  else
    echo "ok   $name"
  fi
}

patient=$samples/Patient-renkei-example.json
check "fhirpath prints typed JSON" 0 '[{"type":"string","value":"連携"},{"type":"string","value":"レンケイ"}]' \
  "$renkei" fhirpath "Patient.name.where(use='official').family" "$patient"
check "fhirpath quantity and date" 0 '[{"type":"Quantity","value":{"value":3,"unit":"mg"}},{"type":"date","value":"1942-03-09"}]' \
  "$renkei" fhirpath "3 'mg' | birthDate" "$patient"
check "fhirpath reads XML" 0 '"type":"boolean","value":true' \
  "$renkei" fhirpath "Organization.identifier.exists()" "$samples/Organization-visiting-nurse-station.xml"
check "fhirpath reads stdin" 0 '[{"type":"integer","value":2}]' \
  sh -c "'$renkei' fhirpath 'name.count()' - < '$patient'"
check "fhirpath evaluation error exits 1" 1 'single(): the input has 2 items (at 1:6)' \
  "$renkei" fhirpath "name.single()" "$patient"
check "fhirpath syntax error exits 2" 2 'syntax error at 1:6' \
  "$renkei" fhirpath "name.(" "$patient"
check "fhirpath unreadable input exits 2" 2 'cannot open' \
  "$renkei" fhirpath "name" "$samples/no-such-file.json"
check "fhirpath variables" 0 '[{"type":"boolean","value":true}]' \
  "$renkei" fhirpath --var ward=13104 "%ward = '13104'" "$patient"
check "fhirpath strict mode" 2 "'given1' is not an element of HumanName" \
  "$renkei" fhirpath --strict "name.given1" "$patient"
check "validate a valid sample" 0 '' "$renkei" validate "$patient"
check "validate reports invariants" 1 'renkei-pat-1' \
  sh -c "sed 's/1942-03-09/2999-03-09/' '$patient' | '$renkei' validate -"

rm -f /tmp/renkei-cli-err.$$
[ "$failures" = 0 ] || { echo "$failures CLI check(s) failed"; exit 1; }
