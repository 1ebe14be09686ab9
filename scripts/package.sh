#!/usr/bin/env bash
# Builds the zip the Azure Functions host runs (Flex Consumption, runtime "custom"):
#   host.json                      from functions/host.json (customHandler.description points at the handler)
#   <Function>/function.json       every function folder under functions/
#   handler/BreachNotify.FunctionApp   self-contained linux-x64 executable (+ its files), executable bit kept
# Usage: scripts/package.sh [output.zip]            (default: artifacts/breachnotify.zip)
#        PUBLISH_DIR=dir scripts/package.sh out.zip  (package an existing linux-x64 publish instead of publishing)
# Deploy: az functionapp deployment source config-zip -g <rg> -n <app> --src <output.zip>   (README "Deploy to Azure")
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/artifacts/breachnotify.zip}"
mkdir -p "$(dirname "$out")"
out="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT

if [ -n "${PUBLISH_DIR:-}" ]; then
  mkdir -p "$stage/handler"
  cp -a "$PUBLISH_DIR/." "$stage/handler/"
else
  # Self-contained: the Flex "custom" runtime promises no .NET runtime in the image (docs/deploy.md).
  # ReadyToRun off keeps the publish quick; the start-up difference is small for this app.
  dotnet publish "$root/functions/BreachNotify.FunctionApp/BreachNotify.FunctionApp.csproj" \
    -c Release -r linux-x64 --self-contained true \
    -p:PublishReadyToRun=false -p:DebugType=None -p:DebugSymbols=false \
    -o "$stage/handler" --nologo -v quiet
fi

cp "$root/functions/host.json" "$stage/host.json"
for f in "$root"/functions/*/function.json; do
  name="$(basename "$(dirname "$f")")"
  mkdir -p "$stage/$name"
  cp "$f" "$stage/$name/function.json"
done

# Python's zipfile (always present, unlike zip(1)) with Unix modes in external_attr so the executable bit
# survives; entries sorted and dated 1980-01-01 so the same input gives the same zip.
python3 - "$stage" "$out" <<'PY'
import json, os, stat, sys, zipfile
stage, out = sys.argv[1], sys.argv[2]
host = json.load(open(os.path.join(stage, "host.json")))
exe = host["customHandler"]["description"]["defaultExecutablePath"]
exe_path = os.path.join(stage, exe)
if not os.path.isfile(exe_path):
    sys.exit(f"package: host.json's defaultExecutablePath '{exe}' is not in the package")
os.chmod(exe_path, os.stat(exe_path).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
files = []
for d, _, names in os.walk(stage):
    for n in names:
        files.append(os.path.relpath(os.path.join(d, n), stage).replace(os.sep, "/"))
tmp = out + ".tmp"
with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
    for rel in sorted(files):
        full = os.path.join(stage, rel)
        info = zipfile.ZipInfo(rel, date_time=(1980, 1, 1, 0, 0, 0))
        info.create_system = 3  # Unix: external_attr carries the mode
        info.external_attr = (stat.S_IFREG | stat.S_IMODE(os.stat(full).st_mode)) << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        with open(full, "rb") as f:
            z.writestr(info, f.read())
os.replace(tmp, out)
print(f"package: {out} ({len(files)} files, {os.path.getsize(out) // 1024} KiB)")
PY
