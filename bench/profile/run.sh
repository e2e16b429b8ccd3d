#!/usr/bin/env bash
# Profiles one echo shape for ours and for System.Net.WebSockets with dotnet-trace (sampled thread
# time, the pinned local tool), and writes where each stack's threads spent their time to
# bench/results/profile.md. Usage: bench/profile/run.sh ["shape name"] [rounds]
set -euo pipefail
cd "$(dirname "$0")/../.."
shape="${1:-64 B round trips}"
rounds="${2:-10}"
out=bench/results/profile.md
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet tool restore >/dev/null
dotnet build -c Release bench/WebSocketKit.EchoBench -v q -nologo >/dev/null
dll=bench/WebSocketKit.EchoBench/bin/Release/net10.0/WebSocketKit.EchoBench.dll
{
  echo "# Profile: $shape"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, dotnet-trace $(dotnet tool list --local | awk '/dotnet-trace/ {print $2}'), profile dotnet-sampled-thread-time,"
  echo "the echo tool with \`--only \"$shape\" --rounds $rounds --pair <pair>\` (both ends in one process)."
  echo
} > "$out"
for pair in ours System.Net; do
  trace="$work/${pair//./}.nettrace"
  dotnet dotnet-trace collect -o "$trace" --profile dotnet-sampled-thread-time -- \
    dotnet "$dll" --only "$shape" --rounds "$rounds" --no-peers --no-compression --pair "$pair" \
    --md "$work/run.md" --html "$work/run.html" >/dev/null
  dotnet dotnet-trace convert "$trace" --format speedscope -o "${trace%.nettrace}.json" >/dev/null
  python3 bench/profile/summarize.py "${trace%.nettrace}.speedscope.json" "$pair" >> "$out"
  grep -E "^\| $shape \|" "$work/run.md" | head -1 | sed 's/^/Run figures: /' >> "$out" || true
  echo >> "$out"
done
cat "$out"
