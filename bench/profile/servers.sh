#!/usr/bin/env bash
# Profiles the servers of the server-only tables on one shape, one server at a time, with perf sampling the
# server's own CPU (the echo tool pins the server there and the client elsewhere; CpuPlacement.cs): where that
# CPU went, by process and binary (kernel, JIT-compiled .NET code, the runtime), and the hottest symbols.
# Writes bench/results/profile-servers-<shape>-<client>.md. Needs perf(1).
# Usage: bench/profile/servers.sh ["shape name"] [client: gorilla|System.Net|frame] [rounds]
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/profile/perf-report.sh
. bench/profile/commit-stamp.sh
shape="${1:-64 B round trips, 1 connection}"
client="${2:-gorilla}"
rounds="${3:-3}"
command -v perf >/dev/null || { echo "servers.sh needs perf (apt-get install linux-perf)" >&2; exit 2; }
slug=$(echo "$shape-$client" | tr -cs 'A-Za-z0-9' '-' | sed 's/-$//')
out="bench/results/profile-servers-$slug.md"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet build -c Release bench/WebSocketKit.EchoBench -v q -nologo >/dev/null
./bench/peers/build.sh >/dev/null
dll=bench/WebSocketKit.EchoBench/bin/Release/net10.0/WebSocketKit.EchoBench.dll
n=$(nproc)
# The server's CPUs as the echo tool chooses them (CpuPlacement.cs); perf samples only those.
cpus=$(dotnet "$dll" --placement)
[ -n "$cpus" ] || { echo "servers.sh: the echo tool does not pin servers on this machine, so their CPU cannot be sampled alone" >&2; exit 2; }
commit=$(commit_stamp)
{
  echo "# Server profiles: $shape, $client client"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $n cores,"
  echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at the start. Each server alone: the echo tool with"
  echo "\`--servers-only --only \"$shape\" --clients $client --rounds $rounds --servers <server>\`, the server pinned to CPU $cpus"
  echo "and the client to the others; \`perf record -C $cpus\` samples that CPU for the whole run (the server's start-up and"
  echo "warm-up included). The servers run with the runtime's perf map (DOTNET_PerfMapEnabled=1, W^X off) so JIT-compiled code has names."
  echo
} > "$out"
for server in ours System.Net gorilla "node ws"; do
  DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 perf record -q -C "$cpus" -F 999 -g -o "$work/perf.data" -- \
    dotnet "$dll" --servers-only --only "$shape" --clients "$client" --rounds "$rounds" --servers "$server" \
    --rss none --compressed-conns 0 --md "$work/run.md" --html "$work/run.html" >/dev/null 2>"$work/err" || {
      echo "## $server: failed: $(tail -n 3 "$work/err")" >> "$out"; continue; }
  {
    echo "## $server"
    echo
    grep -E "^\| $shape \|" "$work/run.md" | sed 's/^/    /'
    echo
    perf_block "$work/perf.data" comm,dso 10 . "Samples on the server's CPU by process and binary:"
    perf_block "$work/perf.data" dso,sym 25 . "Hottest symbols (kernel and user):"
  } >> "$out"
done
cat "$out"
