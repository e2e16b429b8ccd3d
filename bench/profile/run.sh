#!/usr/bin/env bash
# Profiles one echo shape for ours and for System.Net.WebSockets with dotnet-trace (sampled thread
# time, the pinned local tool), and writes where each stack's threads spent their time to
# bench/results/profile-<shape>.md. Where perf(1) is installed it also samples CPU time (kernel included,
# with the runtime's perf map for JIT-compiled code) and adds where the CPU went: per binary, and
# the hottest JIT-compiled methods. Usage: bench/profile/run.sh ["shape name"] [rounds]
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/profile/perf-report.sh
. bench/profile/commit-stamp.sh
shape="${1:-64 B round trips}"
rounds="${2:-10}"
out="bench/results/profile-$(echo "$shape" | tr -cs 'A-Za-z0-9' '-' | sed 's/-$//').md"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet tool restore >/dev/null
dotnet build -c Release bench/WebSocketKit.EchoBench -v q -nologo >/dev/null
dll=bench/WebSocketKit.EchoBench/bin/Release/net10.0/WebSocketKit.EchoBench.dll
{
  echo "# Profile: $shape"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), commit $(commit_stamp), $(nproc) cores, dotnet-trace $(dotnet tool list --local | awk '/dotnet-trace/ {print $2}'), profile dotnet-sampled-thread-time,"
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
  if command -v perf >/dev/null && perf record -q -o "$work/probe.data" true 2>/dev/null; then
    DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 perf record -q -F 499 -o "$work/perf.data" -- \
      dotnet "$dll" --only "$shape" --rounds "$rounds" --no-peers --no-compression --pair "$pair" \
      --md "$work/run.md" --html "$work/run.html" >/dev/null 2>&1
    {
      perf_block "$work/perf.data" dso 8 . "CPU samples (perf, kernel included) by binary; [JIT] is JIT-compiled .NET code:"
      perf_block "$work/perf.data" dso,sym 10 '\[JIT\]' "Hottest JIT-compiled methods:"
    } >> "$out"
  fi
done
cat "$out"
