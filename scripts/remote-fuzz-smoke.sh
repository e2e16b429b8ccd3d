#!/usr/bin/env bash
# CI smoke of the remote fuzzer: our echo server (permessage-deflate on) fuzzed for SECONDS (20) with `wsconform fuzz`,
# its memory watched; exits 1 on any finding (written, minimized, to artifacts/fuzz-remote/smoke), 2 if it cannot run.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${SECONDS_BUDGET:-20}"
seed="${SEED:-$(date +%j)}"   # a new seed each day, printed so a finding can be rerun
out=artifacts/fuzz-remote/smoke
dotnet build autobahn/Autobahn.Runner -c Release -v q -nologo >/dev/null
dotnet build impl/WebSocketKit.EchoServer -c Release -v q -nologo >/dev/null
rm -rf "$out"; mkdir -p "$out"
log="$out/echo-server.log"
dotnet impl/WebSocketKit.EchoServer/bin/Release/net10.0/WebSocketKit.EchoServer.dll --port 0 --compress --log-level Warning >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
port=""
for _ in $(seq 100); do
  port=$(sed -nE 's/^listening 127\.0\.0\.1:([0-9]+)$/\1/p' "$log")
  [ -n "$port" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$log" >&2; echo "remote fuzz smoke: the echo server did not start" >&2; exit 2; }
  sleep 0.1
done
[ -n "$port" ] || { echo "remote fuzz smoke: the echo server did not report its port" >&2; exit 2; }
echo "remote fuzz smoke: our echo server on port $port, seed $seed, ${seconds} s"
dotnet autobahn/Autobahn.Runner/bin/Release/net10.0/wsconform.dll fuzz "ws://127.0.0.1:$port/" \
  --seed "$seed" --duration "$seconds" --pid "$server" --out "$out" --report "$out/summary.json"
