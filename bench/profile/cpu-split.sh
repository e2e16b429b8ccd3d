#!/usr/bin/env bash
# Where a server's CPU per message goes, user space against kernel: our echo server and gorilla's, each pinned to
# the last CPU, driven in turn by gorilla's client on the others, round after round. Before the rounds, each server
# echoes enough traffic for .NET's tiered compilation to settle, so user time is steady-state code, not the JIT.
# The CPU comes from the server's /proc/PID/stat (utime, stime; clock ticks of 10 ms, so a run of 400k messages
# resolves 25 ns per message). BASELINE=COMMIT adds our echo server as built from that commit (in a temporary worktree);
# EPOLL=1 adds bench/WebSocketKit.EpollEcho (our Sans-IO core over a hand-written epoll loop, the experiment of issue 18).
# Prints a Markdown table: per server, the median over the rounds of msgs/s, user µs/msg and kernel µs/msg.
# Usage: bench/profile/cpu-split.sh [shape: conn100|conn1000|conn100_1k|conn1000_1k] [messages per connection] [rounds]
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/profile/commit-stamp.sh
shape="${1:-conn100}"
per="${2:-4000}"
rounds="${3:-5}"
case "$shape" in
  conn100|conn100_1k) conns=100 ;;
  conn1000|conn1000_1k) conns=1000 ;;
  *) echo "cpu-split.sh: shape is one of conn100, conn1000, conn100_1k, conn1000_1k" >&2; exit 2 ;;
esac
dotnet build -c Release bench/WebSocketKit.EchoBench -v q -nologo >/dev/null
./bench/peers/build.sh >/dev/null
gorilla=bench/peers/gorilla/gorilla-echo
[ -x "$gorilla" ] || { echo "cpu-split.sh: gorilla-echo is not built (bench/peers/build.sh)" >&2; exit 2; }
n=$(nproc); last=$((n - 1)); [ "$n" -ge 2 ] || { echo "cpu-split.sh: needs 2 CPUs" >&2; exit 2; }
tick=$(getconf CLK_TCK)
work=$(mktemp -d)
declare -A pid port
names=(ours gorilla)
start() {
  local name=$1; shift
  taskset -c "$last" "$@" > "$work/$name.out" 2>&1 &
  pid[$name]=$!
}
cleanup() {
  for p in "${pid[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -d "$work/base" ] && git worktree remove --force "$work/base"
  rm -rf "$work"
}
trap cleanup EXIT
start ours dotnet bench/WebSocketKit.EchoBench/bin/Release/net10.0/WebSocketKit.EchoServer.dll --port 0 --log-level Warning
baseline=""
if [ -n "${BASELINE:-}" ]; then
  baseline=$(git rev-parse --short=12 "$BASELINE")
  git worktree add -q --detach "$work/base" "$baseline"
  dotnet build -c Release "$work/base/impl/WebSocketKit.EchoServer" -v q -nologo -o "$work/base-out" >/dev/null
  start baseline dotnet "$work/base-out/WebSocketKit.EchoServer.dll" --port 0 --log-level Warning
  names=(ours baseline gorilla)
fi
if [ -n "${EPOLL:-}" ]; then
  # The issue-18 experiment: our Sans-IO core over a hand-written epoll loop (bench/WebSocketKit.EpollEcho).
  dotnet build -c Release bench/WebSocketKit.EpollEcho -v q -nologo >/dev/null
  start epoll dotnet bench/WebSocketKit.EpollEcho/bin/Release/net10.0/WebSocketKit.EpollEcho.dll
  names+=(epoll)
fi
start gorilla "$gorilla" --serve
for s in "${names[@]}"; do
  for _ in $(seq 100); do grep -q listening "$work/$s.out" 2>/dev/null && break; sleep 0.1; done
  port[$s]=$(grep -m1 listening "$work/$s.out" | sed 's/.*://')
done
drive() { taskset -c "0-$((last - 1))" "$gorilla" --target "ws://127.0.0.1:${port[$1]}/" "--$shape" "$2"; }
for _ in $(seq 8); do for s in "${names[@]}"; do drive "$s" $((per / 2)) >/dev/null; done; done
msgs=$((per * conns))
for r in $(seq "$rounds"); do
  for s in "${names[@]}"; do
    read -r u0 k0 < <(awk '{print $14, $15}' "/proc/${pid[$s]}/stat")
    out=$(drive "$s" "$per")
    read -r u1 k1 < <(awk '{print $14, $15}' "/proc/${pid[$s]}/stat")
    rate=$(echo "$out" | grep -o '"msgs_per_s":[0-9.]*' | cut -d: -f2)
    echo "$s $rate $(( (u1 - u0) * 1000000 / tick )) $(( (k1 - k0) * 1000000 / tick ))"
  done
done > "$work/rounds"
commit=$(commit_stamp)
echo "# Server CPU split: $shape, $per messages per connection, $rounds rounds"
echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit${baseline:+ (baseline: our echo server built from $baseline)}, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $n cores; servers on CPU $last, gorilla's client on the others."
echo
echo "| server | msgs/s | user µs/msg | kernel µs/msg | per round: user / kernel µs/msg |"
echo "|---|---:|---:|---:|---|"
for s in "${names[@]}"; do
  awk -v s="$s" -v m="$msgs" '
    function median(a, k,   i, j, t) { for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
                                       return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
    $1 == s { k++; r[k] = $2; u[k] = $3 / m; c[k] = $4 / m; each = each sprintf(" %.2f / %.2f", $3 / m, $4 / m) }
    END { printf "| %s | %.0f | %.2f | %.2f |%s |\n", s, median(r, k), median(u, k), median(c, k), each }' "$work/rounds"
done
