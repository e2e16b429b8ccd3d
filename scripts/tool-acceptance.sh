#!/usr/bin/env bash
# The wsconform tool as a new user meets it: packed, installed with `dotnet tool install` into a temporary folder
# (not run from this checkout), then pointed at real servers and clients on 127.0.0.1:
#   1. Debian's node-ws, the whole suite: exit 0, verdicts equal to the official suite's own node-ws report kept in
#      the repo (through --expect), JUnit valid against our XSD, the Markdown summary written.
#   2. A deliberately broken server: exit 1, and every JUnit failure names the expected and the actual close or events.
#   3. Two shards merged equal one unsharded run, case by case.
#   4. Golden mode: an unchanged run passes, a changed verdict fails.
#   5. Client mode with --exec: a node-ws client started by the tool, judged.
#   6. The GitHub Action's shell steps, run as the Action runs them (autobahn/acceptance/action-steps.sh).
# Prints a PASS/FAIL line per check and exits 1 if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
work=$(mktemp -d /tmp/wsconform-acceptance.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$work"; }
trap cleanup EXIT
failures=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 NODE_PATH=/usr/share/nodejs
started=$(date +%s)

# ---- pack and install, as a user would ----
dotnet pack autobahn/Autobahn.Runner/Autobahn.Runner.csproj -c Release -o "$work/feed" --nologo -v q >"$work/pack.log" 2>&1 \
  || { cat "$work/pack.log"; echo "FAIL: dotnet pack"; exit 1; }
nupkg=$(ls "$work/feed"/wsconform.*.nupkg | head -1)
version=$(basename "$nupkg" .nupkg); version=${version#wsconform.}
dotnet tool install wsconform --tool-path "$work/tools" --add-source "$work/feed" --version "$version" >"$work/install.log" 2>&1 \
  || { cat "$work/install.log"; echo "FAIL: dotnet tool install"; exit 1; }
ws="$work/tools/wsconform"
pass "packed wsconform $version and installed it with dotnet tool install"

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# Starts a node script with PORT set and waits (bounded) for the line it prints once it listens.
start_node() {
  local script=$1 port=$2 log="$work/node-$2.log"
  PMD=${PMD:-0} PORT=$port node "$script" >"$log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do grep -q "127.0.0.1:$port" "$log" 2>/dev/null && return 0; sleep 0.1; done
  echo "node $script did not start:"; cat "$log"; return 1
}
# Verdicts of one agent as "id behavior/behaviorClose" lines, sorted: what the equality checks compare.
verdicts() { /usr/bin/python3 - "$1" <<'EOF'
import json, sys
for agent, cases in json.load(open(sys.argv[1])).items():
    for cid, c in sorted(cases.items()):
        print(agent, cid, c["behavior"] + "/" + c["behaviorClose"])
EOF
}

# ---- 1. node-ws, the whole suite, against the official verdicts ----
official="$work/official"
mkdir -p "$official/servers"
cp conformance/Autobahn.Engine.Tests/Data/official-node-ws/servers-index.json "$official/servers/index.json"
"$ws" report --reports "$official" --write-expect "$work/official-node-ws.expect.json" >"$work/official.log" 2>&1 \
  && pass "a baseline written from the official suite's node-ws report" || { cat "$work/official.log"; fail "baseline from the official report"; }
node_port=$(free_port)
PMD=1 start_node conformance/Autobahn.Engine.Tests/Data/official-node-ws/echo-server.js "$node_port" || exit 1
t0=$(date +%s)
"$ws" server "ws://127.0.0.1:$node_port" --agent ws-node --compression true --reports "$work/node" \
  --junit "$work/node-junit.xml" --summary "$work/node-summary.md" --expect "$work/official-node-ws.expect.json" >"$work/node.log" 2>&1
code=$?
echo "  (whole suite against node-ws: $(( $(date +%s) - t0 )) s)"
[ $code -eq 0 ] && pass "node-ws: exit 0, every verdict equal to the official suite's" || { tail -40 "$work/node.log"; fail "node-ws: exit $code"; }
[ "$(verdicts "$work/node/servers/index.json" | wc -l)" -eq 517 ] && pass "node-ws: 517 cases reported" || fail "node-ws: $(verdicts "$work/node/servers/index.json" | wc -l) cases reported, not 517"
xmllint --noout --schema autobahn/Autobahn.Reports/junit.xsd "$work/node-junit.xml" 2>"$work/xsd.log" \
  && pass "node-ws: JUnit XML valid against autobahn/Autobahn.Reports/junit.xsd" || { cat "$work/xsd.log"; fail "node-ws: JUnit XML invalid"; }
grep -q '^| \*\*total' "$work/node-summary.md" && grep -q '^### ws-node' "$work/node-summary.md" \
  && pass "node-ws: Markdown summary written" || fail "node-ws: no Markdown summary"

# ---- 2. a broken server ----
broken_port=$(free_port)
start_node autobahn/acceptance/broken-echo-server.js "$broken_port" || exit 1
"$ws" server "ws://127.0.0.1:$broken_port" --agent broken --cases '6.3.*' '6.4.*' '6.6.1' '6.6.2' 1.1.1 --reports "$work/broken" \
  --junit "$work/broken-junit.xml" >"$work/broken.log" 2>&1
code=$?
[ $code -eq 1 ] && pass "broken server: exit 1" || { tail -30 "$work/broken.log"; fail "broken server: exit $code, expected 1"; }
/usr/bin/python3 - "$work/broken-junit.xml" <<'EOF' && pass "broken server: every JUnit failure names what was expected and what came back" || fail "broken server: JUnit failures lack the expected/actual close or events"
import sys, xml.etree.ElementTree as ET
failures = ET.parse(sys.argv[1]).getroot().iter("failure")
n = 0
for f in failures:
    n += 1
    text = (f.get("message", "") + " " + (f.text or "")).lower()
    assert "1007" in text, text          # the close code the case expects
    assert "expected" in text and ("got" in text or "came back" in text), text
    assert "text" in text or "message" in text, text   # what actually came back
assert n >= 3, f"only {n} failures"
EOF
grep -q "1007" "$work/broken.log" && pass "broken server: the console explains the failures" || fail "broken server: no explanation on the console"

# ---- 3. shards: two halves merged equal one run ----
subset=('1.*' '2.*' '3.*' '4.*' '5.*' '6.4.*' '7.*' '9.1.1' '9.2.1' '10.*' '12.1.1' '12.2.1' '13.1.1' '13.7.1')
"$ws" server "ws://127.0.0.1:$node_port" --agent ws-node --compression true --cases "${subset[@]}" --reports "$work/whole" \
  --write-expect "$work/whole.expect.json" >"$work/whole.log" 2>&1 || { tail -20 "$work/whole.log"; fail "unsharded run"; }
for i in 1 2; do
  "$ws" server "ws://127.0.0.1:$node_port" --agent ws-node --compression true --cases "${subset[@]}" --shard "$i/2" \
    --reports "$work/shard$i" >"$work/shard$i.log" 2>&1 || { tail -20 "$work/shard$i.log"; fail "shard $i/2"; }
done
n1=$(verdicts "$work/shard1/servers/index.json" | wc -l); n2=$(verdicts "$work/shard2/servers/index.json" | wc -l)
[ "$n1" -gt 0 ] && [ "$n2" -gt 0 ] && pass "shards: 1/2 ran $n1 cases, 2/2 ran $n2" || fail "shards: an empty shard ($n1, $n2)"
"$ws" merge "$work/shard1" "$work/shard2" --reports "$work/merged" --expect "$work/whole.expect.json" >"$work/merge.log" 2>&1 \
  && pass "shards: the merge passes the unsharded run's baseline" || { tail -20 "$work/merge.log"; fail "shards: merge differs from the unsharded run"; }
diff <(verdicts "$work/whole/servers/index.json") <(verdicts "$work/merged/servers/index.json") >"$work/shard.diff" \
  && pass "shards: merged index.json equals the unsharded one case by case ($(verdicts "$work/whole/servers/index.json" | wc -l) cases)" \
  || { cat "$work/shard.diff"; fail "shards: merged verdicts differ"; }

# ---- 4. golden mode ----
"$ws" server "ws://127.0.0.1:$node_port" --agent ws-node --cases '6.3.*' 1.1.1 --reports "$work/golden" --write-expect "$work/golden.expect.json" >/dev/null 2>&1
"$ws" server "ws://127.0.0.1:$node_port" --agent ws-node --cases '6.3.*' 1.1.1 --reports "$work/golden2" --expect "$work/golden.expect.json" >"$work/golden2.log" 2>&1 \
  && pass "golden: an unchanged run passes" || { tail -20 "$work/golden2.log"; fail "golden: an unchanged run failed"; }
"$ws" server "ws://127.0.0.1:$broken_port" --agent ws-node --cases '6.3.*' 1.1.1 --reports "$work/golden3" --expect "$work/golden.expect.json" >"$work/golden3.log" 2>&1
code=$?
[ $code -eq 1 ] && grep -q "6.3.1" "$work/golden3.log" && pass "golden: a changed verdict fails (exit 1) and is named" || { tail -20 "$work/golden3.log"; fail "golden: a changed verdict gave exit $code"; }

# ---- 5. client mode: the tool starts the client ----
client_port=$(free_port)
PMD=1 "$ws" client --port "$client_port" --agent node-client --compression true --cases '1.*' '5.*' '7.1.*' '12.1.1' --reports "$work/client" \
  --exec "node $repo/conformance/Autobahn.Engine.Tests/Data/node-client.js {url} {agent}" --junit "$work/client-junit.xml" >"$work/client.log" 2>&1
code=$?
[ $code -eq 0 ] && grep -q '"node-client"' "$work/client/clients/index.json" && pass "client --exec: node-ws client started, every case judged, exit 0" \
  || { tail -30 "$work/client.log"; fail "client --exec: exit $code"; }
xmllint --noout --schema autobahn/Autobahn.Reports/junit.xsd "$work/client-junit.xml" 2>/dev/null && pass "client --exec: JUnit valid" || fail "client --exec: JUnit invalid"

# ---- 6. the GitHub Action's steps ----
WSCONFORM_FEED="$work/feed" WSCONFORM_VERSION="$version" TEST_URL="ws://127.0.0.1:$node_port" BROKEN_URL="ws://127.0.0.1:$broken_port" \
  bash autobahn/acceptance/action-steps.sh >"$work/action.log" 2>&1 \
  && pass "action.yml: its steps install the tool, test a URL, write the summary and the artifact folder, and fail the job on FAILED" \
  || { tail -30 "$work/action.log"; fail "action.yml steps"; }

echo "tool acceptance: $failures failed, $(( $(date +%s) - started )) s"
[ $failures -eq 0 ]
