#!/usr/bin/env bash
# Validates CycloneDX 1.5 JSON files against the official schema.
#   tests/sbom/validate_cyclonedx.sh BOM.json...
# The schema is not packaged in Debian; it ships inside the CycloneDX
# JavaScript library on npm (res/schema/), so it is fetched once with
# `npm pack` (a pinned version) into $IOTSSF_NPM_CACHE or build/npm-cache and
# reused from there without network. Validation uses Debian's
# python3-jsonschema (4.10) with the schema's $refs to the SPDX license list
# and JSF resolved from the same folder, offline.
# Exit: 0 valid, 1 invalid (the errors are printed), 77 cannot validate here
# (no cache and no npm or network, or no python3-jsonschema): tests skip.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 BOM.json..." >&2; exit 2; }
lib_version=10.3.0
here=$(cd "$(dirname "$0")/../.." && pwd)
cache=${IOTSSF_NPM_CACHE:-$here/build/npm-cache}
schemas=$cache/cyclonedx-library-$lib_version
python=/usr/bin/python3
skip() { echo "validate_cyclonedx: skipped: $*" >&2; exit 77; }

"$python" -c 'import jsonschema' 2>/dev/null || skip "$python has no jsonschema (apt install python3-jsonschema)"
mkdir -p "$cache"
# Tests run in parallel and may both want the schema: one fetch at a time.
exec 9>"$cache/.lock"
flock 9
if [ ! -s "$schemas/bom-1.5.SNAPSHOT.schema.json" ]; then
    command -v npm >/dev/null || skip "npm is not installed and $schemas holds no schema"
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    (cd "$work" && timeout 120 npm pack --silent "@cyclonedx/cyclonedx-library@$lib_version" \
        >/dev/null 2>"$work/npm.log") ||
        skip "npm pack @cyclonedx/cyclonedx-library@$lib_version failed (offline?): $(tail -n 1 "$work/npm.log")"
    tar -xzf "$work"/cyclonedx-cyclonedx-library-"$lib_version".tgz -C "$work" \
        package/res/schema/bom-1.5.SNAPSHOT.schema.json \
        package/res/schema/spdx.SNAPSHOT.schema.json \
        package/res/schema/jsf-0.82.SNAPSHOT.schema.json
    mkdir -p "$schemas.tmp"
    cp "$work"/package/res/schema/*.json "$schemas.tmp/"
    rm -rf "$schemas"
    mv "$schemas.tmp" "$schemas"
fi
flock -u 9

"$python" - "$schemas" "$@" <<'PY'
import json, os, sys
import jsonschema

folder, boms = sys.argv[1], sys.argv[2:]
def load(name):
    with open(os.path.join(folder, name), encoding="utf-8") as f:
        return json.load(f)
bom_schema = load("bom-1.5.SNAPSHOT.schema.json")
store = {}
base = bom_schema["$id"].rsplit("/", 1)[0] + "/"
for name in ("spdx.SNAPSHOT.schema.json", "jsf-0.82.SNAPSHOT.schema.json"):
    doc = load(name)
    # Found by the relative $ref of the BOM schema, and by the document's own $id.
    store[base + name] = doc
    if "$id" in doc:
        store[doc["$id"]] = doc
resolver = jsonschema.RefResolver(base_uri=bom_schema["$id"], referrer=bom_schema, store=store)
validator = jsonschema.Draft7Validator(bom_schema, resolver=resolver,
                                       format_checker=jsonschema.draft7_format_checker)
bad = 0
for path in boms:
    with open(path, encoding="utf-8") as f:
        bom = json.load(f)
    errors = sorted(validator.iter_errors(bom), key=lambda e: list(e.absolute_path))
    for e in errors[:20]:
        where = "/".join(str(p) for p in e.absolute_path)
        print(f"{path}: /{where}: {e.message[:300]}", file=sys.stderr)
    if errors:
        bad += 1
    else:
        print(f"{path}: valid CycloneDX 1.5")
sys.exit(1 if bad else 0)
PY
