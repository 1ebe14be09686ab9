#!/usr/bin/env bash
# The whole test suite, from a fresh clone on a fresh machine. README and .ci/run call exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

# Headless Chromium for the dashboard's end-to-end tests: Debian's package, driven by playwright-core (which
# downloads no browser of its own). Installed when missing and we may (root).
if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

# Azurite (Table storage emulator) for the storage contract tests and playwright-core for the browser tests,
# pinned in package-lock.json.
if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

results="$(mktemp -d)"
status=0
dotnet test BreachNotify.sln -c Release --nologo --logger "trx" --results-directory "$results" "$@" || status=$?

# The dashboard in a real browser against the handler built above (bin/Release), on a free loopback port.
e2e=0
node --test tests/e2e/dashboard.spec.mjs | tee "$results/e2e.tap" || e2e=$?
[ "$e2e" -eq 0 ] || status=$e2e

# One plain summary line over every test project (from the TRX files) and the browser tests (node's TAP summary).
python3 - "$results" <<'PY'
import glob, re, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
for f in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(f).getroot().find("t:ResultSummary/t:Counters", ns)
    passed += int(c.get("passed")); failed += int(c.get("failed")) + int(c.get("error")) + int(c.get("timeout"))
    skipped += int(c.get("notExecuted"))
print(f"dotnet: {passed} passed, {failed} failed, {skipped} skipped")
tap = open(sys.argv[1] + "/e2e.tap").read()
count = lambda k: int(m.group(1)) if (m := re.search(rf"^# {k} (\d+)$", tap, re.M)) else 0
e2e = (count("pass"), count("fail") + count("cancelled"), count("skipped"))
if not re.search(r"^# tests \d+$", tap, re.M): e2e = (e2e[0], e2e[1] + 1, e2e[2])  # the runner did not finish
print(f"e2e: {e2e[0]} passed, {e2e[1]} failed, {e2e[2]} skipped")
print(f"total: {passed + e2e[0]} passed, {failed + e2e[1]} failed, {skipped + e2e[2]} skipped")
PY
rm -rf "$results"
exit $status
