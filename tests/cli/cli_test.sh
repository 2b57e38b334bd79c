#!/usr/bin/env bash
# The renkei binary as users run it: outputs and exit codes of `fhirpath` and `validate` on the
# samples, `--help` of every command, each `validate` option flag on a crafted input, and, when
# ../shared is present, official validator cases run with their manifest options.
# Usage: cli_test.sh RENKEI_BINARY SOURCE_DIR
set -u
renkei=$1
src=$2
samples=$src/samples/fhir
work=$(mktemp -d /tmp/renkei-cli.XXXXXX)
trap 'rm -rf "$work"' EXIT
failures=0

check() {  # name expected_exit expected_stdout_substring command...
  local name=$1 want_exit=$2 want_out=$3
  shift 3
  local out err code
  out=$("$@" 2>"$work/stderr")
  code=$?
  err=$(cat "$work/stderr")
  if [ "$code" != "$want_exit" ] || [[ "$out$err" != *"$want_out"* ]]; then
    echo "FAIL $name: exit $code (want $want_exit), output: $out $err"
    failures=$((failures + 1))
  else
    echo "ok   $name"
  fi
}

check_help() {  # name expected_usage_line_on_stdout command...
  local name=$1 want_out=$2
  shift 2
  local out code
  out=$("$@" 2>"$work/stderr")
  code=$?
  if [ "$code" != 0 ] || [[ "$out" != *"$want_out"* ]] || [ -s "$work/stderr" ]; then
    echo "FAIL $name: exit $code (want 0), stdout: $out, stderr: $(cat "$work/stderr")"
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

# --help and -h: every command prints its usage on stdout and exits 0, starting nothing.
check_help "renkei --help" "usage: renkei COMMAND" "$renkei" --help
check_help "renkei -h" "usage: renkei COMMAND" "$renkei" -h
check_help "renkei help" "usage: renkei COMMAND" "$renkei" help
check_help "renkei help validate" "usage: renkei validate" "$renkei" help validate
for command in validate convert fhirpath definitions check-config serve outbox token audit; do
  check_help "$command --help" "usage: renkei $command" "$renkei" "$command" --help
  check_help "$command -h" "usage: renkei $command" "$renkei" "$command" -h
done
check_help "serve --help starts nothing" "usage: renkei serve" \
  timeout 10 "$renkei" serve --config "$work/no-such-config.json" --help
for command in intake version; do
  check_help "$command --help" "usage: renkei $command" "$renkei" "$command" --help
done
check_help "renkei --version" "renkei 0.1.0" "$renkei" --version
check "intake without an action is a usage error" 2 "usage: renkei intake" \
  "$renkei" intake --config "$work/no-such-config.json"
check_help "validate --help lists the validator options" "--lenient-contained" "$renkei" validate --help
check "an unknown option is a usage error" 2 "usage: renkei validate" \
  "$renkei" validate --no-such-option "$patient"
check "a flag takes no value" 2 "--allow-comments takes no value" \
  "$renkei" validate --allow-comments=yes "$patient"
check "outbox --limit must be a number" 2 "--limit needs a whole number" \
  "$renkei" outbox --config "$work/no-such-config.json" --limit ten list

# Each validator option flag changes the verdict where it should.
cat > "$work/comments.json" <<'JSON'
{
  // a JSON5-style comment, as the json5 validator cases have
  "resourceType": "Patient", /* another */
  "active": true
}
JSON
check "comments are refused by default" 2 "comments.json: unreadable" "$renkei" validate "$work/comments.json"
check "--allow-comments accepts them" 0 "comments.json: valid" \
  "$renkei" validate --allow-comments "$work/comments.json"

printf '{"resourceType": "Patient", "photo": [{"url": "http://example.org/photo.jpg"}]}' > "$work/example-url.json"
check "example URLs are refused by default" 1 "Example URLs are not allowed" \
  "$renkei" validate "$work/example-url.json"
check "--allow-example-urls accepts them" 0 "example-url.json: valid" \
  "$renkei" validate --allow-example-urls "$work/example-url.json"

printf '{"resourceType": "Patient", "contained": [{"resourceType": "Organization", "id": "o1", "name": "x"}]}' \
  > "$work/contained.json"
check "an unreferenced contained resource is an error" 1 "dom-3" "$renkei" validate "$work/contained.json"
check "--lenient-contained accepts it" 0 "contained.json: valid" \
  "$renkei" validate --lenient-contained "$work/contained.json"

printf '{"resourceType": "Patient", "name": [{"text": "<script>alert(1)</script>"}]}' > "$work/script.json"
check "active content passes without security checks" 0 "script.json: valid" \
  "$renkei" validate "$work/script.json"
check "--security-checks reports it" 1 "embedded HTML tags" \
  "$renkei" validate --security-checks "$work/script.json"

printf '{"resourceType": "Observation", "status": "final", "code": {"text": "x"}, "note": [{"text": "a <b>bold</b> word"}]}' \
  > "$work/markdown.json"
check "HTML in markdown passes by default" 0 "markdown.json: valid" "$renkei" validate "$work/markdown.json"
check "--no-html-in-markdown reports it" 1 "embedded HTML tags" \
  "$renkei" validate --no-html-in-markdown "$work/markdown.json"

printf '{"resourceType": "Patient", "extension": [{"url": "https://renkei.invalid/no-such-extension", "valueString": "x"}]}' \
  > "$work/extension.json"
check "an unknown extension is an error" 1 "no-such-extension" "$renkei" validate "$work/extension.json"
check "--allow-unknown-extensions makes it a warning" 0 "extension.json: valid" \
  "$renkei" validate --allow-unknown-extensions "$work/extension.json"

# Official validator cases with manifest options, run as a user would: the manifest fields map to
# flags as tests/conformance/validator_agreement_test.cpp maps them to ValidationOptions.
shared=${RENKEI_SHARED_DIR:-$src/../shared}
cases=$shared/testdata/fhir-test-cases-r4/validator
if [ ! -f "$cases/manifest.json" ]; then
  echo "skip manifest cases: no $cases/manifest.json (put ../shared beside the checkout or set RENKEI_SHARED_DIR)"
else
  python3 - "$cases" > "$work/cases.tsv" <<'PY' || { echo "FAIL reading the manifest"; failures=$((failures + 1)); }
import json, os, sys
folder = sys.argv[1]
wanted = ["dr-example-org", "dr-example-org-2", "contained-resource-bad-id",
          "contained-resource-bad-id-ignore", "json-comments-1-yes", "json-comments-2-yes",
          "pat-security-good3", "pat-security-bad-string", "pat-security-bad-string1",
          "bad-markdown-no-html"]
manifest = json.load(open(os.path.join(folder, "manifest.json")))
by_name = {t["name"]: t for t in manifest["test-cases"]}
for name in wanted:
    t = by_name[name]
    flags = []
    if t.get("allow-comments") is True: flags.append("--allow-comments")
    if t.get("security-checks") is True: flags.append("--security-checks")
    if t.get("noHtmlInMarkdown") is True: flags.append("--no-html-in-markdown")
    if t.get("examples") is True: flags.append("--allow-example-urls")
    if t.get("validateContains") == "IGNORE": flags.append("--lenient-contained")
    if "errorCount" in t:
        errors = t["errorCount"]
    else:
        outcome = json.load(open(os.path.join(folder, "outcomes", t["java"])))
        errors = sum(1 for i in outcome.get("issue", []) if i["severity"] in ("error", "fatal"))
    print("\t".join([name, t["file"], "0" if errors == 0 else "1", " ".join(flags)]))
PY
  while IFS=$'\t' read -r name file want flags; do
    check "manifest case $name ${flags:-(no options)}" "$want" "" \
      "$renkei" validate $flags "$cases/$file"
  done < "$work/cases.tsv"
fi

# renkei map picks an HL7 v2 mapping by the message type and takes mapping parameters.
printf 'MSH|^~\\&|HIS|SEND|GW|RCV|20241122093000||ADT^A08^ADT_A01|M1|P|2.5||||||UNICODE UTF-8\rPID|0001||0000123456^^^^PI||Yamada^Taro^^^^^L^I||19400401|M\r' \
  > "$work/adt.hl7"
check "a v2 message without an institution code is refused with the field named" 1 "MSH-4.1" \
  "$renkei" map --check "$work/adt.hl7"
check "--param institution= gives it" 0 "mapping ssmix2-adt-a08, 1 records from 1 rows, 0 row issues, all valid" \
  "$renkei" map --check --param institution=1312345678 "$work/adt.hl7"
check "a malformed --param is a usage error" 2 "KEY=VALUE" "$renkei" map --param institution "$work/adt.hl7"

[ "$failures" = 0 ] || { echo "$failures CLI check(s) failed"; exit 1; }
