#!/usr/bin/env bash
# Published campaigns of `wsconform fuzz`: each echo server (ours, Node ws, Python websockets, gorilla; permessage-deflate
# on) fuzzed for SECONDS_BUDGET (120) seconds with one seed. Writes autobahn/Autobahn.Fuzz/campaigns/<peer>.json (the
# summary plus commit and tool version) and findings under artifacts/fuzz-remote/<peer>/. Usage: run.sh [peer...]
set -uo pipefail
cd "$(dirname "$0")/../../.."
seconds="${SECONDS_BUDGET:-120}"
seed="${SEED:-20261124}"
here=autobahn/Autobahn.Fuzz/campaigns
data=conformance/Autobahn.Engine.Tests/Data
tool=autobahn/Autobahn.Runner/bin/Release/net10.0/wsconform.dll
dotnet build autobahn/Autobahn.Runner -c Release -v q -nologo >/dev/null || exit 2
commit=$(git rev-parse HEAD)
gorilla=/tmp/wsconform-gorilla-peer
peers=("$@"); [ ${#peers[@]} -gt 0 ] || peers=(websocketkit node-ws python-websockets gorilla)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
status=0
for peer in "${peers[@]}"; do
  port=$(free_port)
  case "$peer" in
    websocketkit)
      dotnet build impl/WebSocketKit.EchoServer -c Release -v q -nologo >/dev/null || exit 2
      cmd="dotnet impl/WebSocketKit.EchoServer/bin/Release/net10.0/WebSocketKit.EchoServer.dll --port $port --compress --log-level Warning"
      version="$(git describe --always) (this commit)" ;;
    node-ws)
      cmd="env NODE_PATH=/usr/share/nodejs PMD=1 PORT=$port node $data/official-node-ws/echo-server.js"
      version="ws $(node -p 'require("/usr/share/nodejs/ws/package.json").version')" ;;
    python-websockets)
      cmd="env PMD=1 PORT=$port /usr/bin/python3 $data/python-websockets-echo.py"
      version="websockets $(/usr/bin/python3 -c 'import websockets; print(websockets.__version__)')" ;;
    gorilla)
      (cd conformance/peers/gorilla/peer && GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE=/tmp/wsconform-gocache go build -o "$gorilla" .) || exit 2
      cmd="env PMD=1 PORT=$port $gorilla server"
      version="gorilla/websocket $(dpkg-query -W -f '${Version}' golang-github-gorilla-websocket-dev 2>/dev/null)" ;;
    *) echo "unknown peer $peer" >&2; exit 2 ;;
  esac
  out=artifacts/fuzz-remote/$peer
  rm -rf "$out"; mkdir -p "$out"
  echo "== $peer ($version) on port $port"
  # --exec starts the server (and restarts it if it dies, which is a finding); its memory is watched through its pid.
  dotnet "$tool" fuzz "ws://127.0.0.1:$port/" --exec "$cmd" --seed "$seed" --duration "$seconds" --out "$out" --report "$out/summary.json"
  code=$?
  [ "$code" -eq 2 ] && status=2
  python3 - "$out/summary.json" "$here/$peer.json" "$peer" "$version" "$commit" <<'PY'
import json, sys, glob, os
summary, target, peer, version, commit = sys.argv[1:]
s = json.load(open(summary))
findings = []
for f in sorted(s.get("files", [])):
    d = json.load(open(f))
    findings.append({"file": os.path.basename(f), "rule": d["rule"], "what": d["what"], "reference": d["reference"],
                     "reproduced": d["reproduced"], "originalSteps": d["originalSteps"], "minimizedSteps": d["minimizedSteps"],
                     "session": d["session"]})
s.pop("files", None)
out = {"peer": peer, "peerVersion": version, "commit": commit, **s, "examples": findings}
json.dump(out, open(target, "w"), indent=2, ensure_ascii=False)
PY
done
exit $status
