#!/usr/bin/env bash
# The whole test suite, from a fresh clone on a fresh machine. README and .ci/run call exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

# Azurite (Table storage emulator) for the storage contract tests, pinned in package-lock.json.
if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

results="$(mktemp -d)"
status=0
dotnet test BreachNotify.sln -c Release --nologo --logger "trx" --results-directory "$results" "$@" || status=$?

# One plain summary line over every test project (from the TRX files).
python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
for f in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(f).getroot().find("t:ResultSummary/t:Counters", ns)
    passed += int(c.get("passed")); failed += int(c.get("failed")) + int(c.get("error")) + int(c.get("timeout"))
    skipped += int(c.get("notExecuted"))
print(f"dotnet: {passed} passed, {failed} failed, {skipped} skipped")
PY
rm -rf "$results"
exit $status
