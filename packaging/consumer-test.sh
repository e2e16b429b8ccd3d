#!/usr/bin/env bash
# The packed WebSocketKit packages as a user meets them: `make pack-libs` writes WebSocketKit and
# WebSocketKit.AspNetCore to artifacts/packages; packaging/consumer (outside the solution, none of the repository's
# MSBuild or NuGet settings) restores them BY VERSION from that folder feed into a private package folder
# (artifacts/consumer/nuget-packages, the two ids cleared first, so a stale package of the same version is never
# used), builds, and runs: a WebSocketKit server (Upgrader on a TcpListener) and one on Kestrel
# (WebSocketKit.AspNetCore), each echoing text, binary and permessage-deflate messages to a WebSocketKit client.
# Every step is bounded in time. Exits 0 only if every step passed and every echo matched.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
started=$(date +%s)
work=artifacts/consumer
feed=artifacts/packages
app=packaging/consumer
mkdir -p "$work"
# Only the consumer uses the private package folder (the repository's own pack and restore keep theirs).
packages="$PWD/$work/nuget-packages"
version=$(sed -n 's:.*<VersionPrefix>\(.*\)</VersionPrefix>.*:\1:p' Directory.Build.props)
[ -n "$version" ] || { echo "FAIL: consumer: no VersionPrefix in Directory.Build.props"; exit 1; }

step() { # step NAME SECONDS COMMAND...: runs COMMAND bounded, its output to a log shown only on failure
  local name=$1 seconds=$2; shift 2
  if ! timeout "$seconds" "$@" >"$work/$name.log" 2>&1; then
    cat "$work/$name.log"; echo "FAIL: consumer: $name (see $work/$name.log)"; exit 1
  fi
}

step pack 300 make --no-print-directory pack-libs
for id in WebSocketKit WebSocketKit.AspNetCore; do
  [ -f "$feed/$id.$version.nupkg" ] && [ -f "$feed/$id.$version.snupkg" ] \
    || { echo "FAIL: consumer: $feed/$id.$version.nupkg or .snupkg missing"; exit 1; }
  rm -rf "$packages/$(echo "$id" | tr '[:upper:]' '[:lower:]')"
done
rm -rf "$app/bin" "$app/obj"
step restore 180 env NUGET_PACKAGES="$packages" dotnet restore "$app/Consumer.csproj" -p:WebSocketKitVersion="$version"
step build 180 env NUGET_PACKAGES="$packages" dotnet build "$app/Consumer.csproj" -c Release --no-restore -p:WebSocketKitVersion="$version"

# The app runs the assemblies just packed: the same bytes as in the .nupkg in the feed.
for id in WebSocketKit WebSocketKit.AspNetCore; do
  packed=$(unzip -p "$feed/$id.$version.nupkg" "lib/net10.0/$id.dll" | sha256sum | cut -d' ' -f1)
  used=$(sha256sum "$app/bin/Release/net10.0/$id.dll" | cut -d' ' -f1)
  [ "$packed" = "$used" ] || { echo "FAIL: consumer: $id.dll in the app differs from the packed one"; exit 1; }
done

rc=0
NUGET_PACKAGES="$packages" timeout 60 dotnet "$app/bin/Release/net10.0/Consumer.dll" || rc=$?
elapsed=$(( $(date +%s) - started ))
if [ "$rc" -ne 0 ]; then echo "FAIL: consumer test (exit $rc) after ${elapsed}s"; exit 1; fi
echo "PASS: consumer test of the packed WebSocketKit $version packages in ${elapsed}s"
