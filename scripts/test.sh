#!/usr/bin/env bash
# The whole test suite, from a fresh clone on a fresh machine. README and .ci/run call exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

# Headless Chromium for the dashboard's end-to-end tests: Debian's package, driven by playwright-core (which
# downloads no browser of its own); curl for the walk-through. Installed when missing and we may (root).
missing=()
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
command -v curl >/dev/null || missing+=(curl)
if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
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

# README's walk-through (scripts/walkthrough.sh) against the app built above (bin/Release), started standalone on a free
# loopback port in a fresh temporary folder holding a copy of local.settings.sample.json: the settings and the key the
# quick start gives a newcomer; the database and the outbox in that folder.
walkthrough() {
  local app="functions/BreachNotify.FunctionApp/bin/Release/net10.0/BreachNotify.FunctionApp.dll" dir port pid rc=0
  if [ ! -f "$app" ]; then echo "walkthrough: $app is missing (the build above failed)"; return 1; fi
  app="$PWD/$app"
  dir="$(mktemp -d)"
  cp local.settings.sample.json "$dir/local.settings.json"
  port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  (cd "$dir" && exec env ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
    Storage__Sqlite__Path="$dir/data/breachnotify.db" Email__Outbox__Directory="$dir/outbox" \
    dotnet "$app" --urls "http://127.0.0.1:$port" >"$dir/app.log" 2>&1) &
  pid=$!
  for _ in $(seq 1 120); do
    if curl -sf "http://127.0.0.1:$port/api/health" >/dev/null; then break; fi
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 0.5
  done
  if curl -sf "http://127.0.0.1:$port/api/health" >/dev/null; then
    BASE="http://127.0.0.1:$port" KEY=local-dpo-key-change-me OUTBOX="$dir/outbox" ./scripts/walkthrough.sh || rc=$?
  else
    echo "walkthrough: the app did not answer /api/health within 60 s"; rc=1
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if [ "$rc" -ne 0 ]; then echo "--- the app's log (last 60 lines)"; tail -n 60 "$dir/app.log"; fi
  rm -rf "$dir"
  return "$rc"
}
walk=0
walkthrough || walk=$?
echo "$walk" > "$results/walkthrough.rc"
[ "$walk" -eq 0 ] || status=$walk

# One plain summary line over every test project (from the TRX files), the browser tests (node's TAP summary) and the
# walk-through.
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
walk = open(sys.argv[1] + "/walkthrough.rc").read().strip() == "0"
print(f"walkthrough: {'passed' if walk else 'failed'}")
print(f"total: {passed + e2e[0] + walk} passed, {failed + e2e[1] + (not walk)} failed, {skipped + e2e[2]} skipped")
PY
rm -rf "$results"
exit $status
