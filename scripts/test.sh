#!/usr/bin/env bash
# The whole test suite, from a fresh clone on a fresh machine. README and .ci/run call exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

# Azurite (Table storage emulator) for the storage contract tests, pinned in package-lock.json.
if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

dotnet test BreachNotify.sln -c Release --nologo "$@"
