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

dotnet test BreachNotify.sln -c Release --nologo "$@"

# The dashboard in a real browser against the handler built above (bin/Release), on a free loopback port.
node --test tests/e2e/dashboard.spec.mjs
