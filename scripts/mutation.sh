#!/usr/bin/env bash
# Mutation testing (dotnet-stryker, pinned in .config/dotnet-tools.json). Slow and CPU-heavy: run by hand, not in CI.
#   scripts/mutation.sh [risk|deadlines] [extra stryker options...]
# A --mutate/-m or --concurrency/-c among the extra options replaces the default below (Stryker adds up repeated
# patterns), e.g. scripts/mutation.sh risk --mutate '**/Risk/RiskEngine.cs' mutates only the engine, same tests.
# Prints Stryker's per-file table; the HTML and JSON reports land in StrykerOutput/ under the test project.
set -euo pipefail
cd "$(dirname "$0")/.."

target="${1:-risk}"
[ $# -gt 0 ] && shift
case "$target" in
  risk)
    tests=tests/BreachNotify.Domain.Tests
    project=BreachNotify.Domain.csproj
    mutate='**/Risk/**/*.cs'
    ;;
  deadlines)
    # The deadline calculator lives in the Domain and is tested by the Application tests.
    tests=tests/BreachNotify.Application.Tests
    project=BreachNotify.Domain.csproj
    mutate='**/Deadlines/**/*.cs'
    ;;
  *) echo "unknown target '$target' (known: risk, deadlines)" >&2; exit 2 ;;
esac

# One test runner by default: the machine is shared.
concurrency=1
for arg in "$@"; do
  case "$arg" in
    -m|--mutate|--mutate=*|-m=*) mutate= ;;
    -c|--concurrency|--concurrency=*|-c=*) concurrency= ;;
  esac
done

dotnet tool restore >/dev/null
cd "$tests"
# The suite runs once per mutant: the FsCheck properties run a fifth of their CI count (RiskProperty), so the
# score measured here is, if anything, below what the full suite would reach.
export RISK_PROPERTY_SCALE="${RISK_PROPERTY_SCALE:-0.2}"
# Release builds make the property tests, which run for nearly every mutant, about twice as fast.
dotnet dotnet-stryker --project "$project" ${mutate:+--mutate "$mutate"} ${concurrency:+--concurrency "$concurrency"} \
  --configuration Release \
  --reporter cleartext --reporter html --reporter json --reporter progress "$@"
