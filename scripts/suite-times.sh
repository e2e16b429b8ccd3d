#!/usr/bin/env bash
# Runs the full suite (all 517 cases) with the built-in engine against our own server and our own client, one
# mode after the other, and writes bench/results/suite-times.md: wall time per mode and in total, the verdict
# counts, the commit, the machine and its load. When the official image is present locally (asked of the Docker
# engine over its socket, no docker CLI), the same peers are run under it too, for comparison; else it says so.
# A benchmark, not a test: nothing here asserts a time. Needs `make build` first (`make suite-times` does it).
# REPORTS=dir keeps the runs' reports there (<dir>/builtin/{servers,clients}), e.g. for scripts/compare-verdicts.py.
set -euo pipefail
cd "$(dirname "$0")/.."
config="${CONFIG:-Release}"
port="${PORT:-9001}"
image="${IMAGE:-crossbario/autobahn-testsuite}"
sock="${DOCKER_SOCKET:-/var/run/docker.sock}"
out="${OUT:-bench/results/suite-times.md}"
runner="autobahn/Autobahn.Runner/bin/$config/net10.0/wsconform.dll"
for f in "$runner"; do [ -f "$f" ] || { echo "missing $f: run make build" >&2; exit 2; }; done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
reports="${REPORTS:-$work}"

# run ENGINE MODE: "wall cpu" in seconds (stdout), cpu being user + system time of the runner and all it started
# (the suite, our echo server; in client mode our client runs inside the runner); its log goes to $work.
run() {
  local engine=$1 mode=$2
  local what=(server)
  [ "$mode" = client ] && what=(client --client websocketkit --port "$port")
  if ! /usr/bin/time -f '%e %U %S' -o "$work/$engine-$mode.time" dotnet "$runner" "${what[@]}" --engine "$engine" --image "$image" \
       --reports "$reports/$engine" > "$work/$engine-$mode.log" 2>&1; then
    echo "the $engine run in $mode mode failed; its log:" >&2
    tail -20 "$work/$engine-$mode.log" >&2
    exit 1
  fi
  awk '{ printf "%s %.0f\n", $1, $2 + $3 }' "$work/$engine-$mode.time"
}

# verdicts ENGINE FOLDER: "N cases: OK n, INFORMATIONAL n, ..." from the mode's index.json.
verdicts() {
  python3 - "$reports/$1/$2/index.json" <<'EOF'
import collections, json, sys
index = json.load(open(sys.argv[1]))
for agent, cases in index.items():
    count = collections.Counter(f"{r['behavior']}/{r['behaviorClose']}" for r in cases.values())
    print(f"{agent}, {len(cases)} cases: " + ", ".join(f"{k} {v}" for k, v in count.most_common()))
EOF
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
read -r server server_cpu < <(run builtin server)
load_mid=$(cut -d' ' -f1-3 /proc/loadavg)
read -r client client_cpu < <(run builtin client)
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
total=$(echo "$server + $client" | bc)

official="not measured: no Docker engine answers at $sock, so the official image ($image) is not present locally"
if [ -S "$sock" ] && command -v curl >/dev/null; then
  if [ "$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$sock" "http://localhost/images/$image/json")" = 200 ]; then
    read -r o_server _ < <(run docker server)
    read -r o_client _ < <(run docker client)
    official=$(printf 'server mode %.0f s, client mode %.0f s, total %.0f s (%s, same peers)' "$o_server" "$o_client" "$(echo "$o_server + $o_client" | bc)" "$image")
  else
    official="not measured: the official image ($image) is not present locally"
  fi
fi

mkdir -p "$(dirname "$out")"
{
  echo "# Full suite wall times (built-in engine, all 517 cases, against our own server and client)"
  echo
  echo "Written by \`make suite-times\` (scripts/suite-times.sh). A benchmark, not a test: the machine is shared, so"
  echo "the load averages (1, 5, 15 min) before each mode are given with the times, and the CPU time the run took"
  echo "(user + system, the runner and everything it started): on 2 cores the wall time cannot go below half of it."
  echo
  echo "| | |"
  echo "| --- | --- |"
  echo "| date | $(date -u '+%Y-%m-%d %H:%M UTC') |"
  echo "| commit | $(git rev-parse HEAD)$(git diff --quiet HEAD -- . ':!bench/results' || echo ' (with uncommitted changes)') |"
  echo "| machine | $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) |"
  echo "| .NET | $(dotnet --version) |"
  echo
  echo "| mode | wall time | CPU time | load before | verdicts |"
  echo "| --- | ---: | ---: | --- | --- |"
  printf '| server mode (our echo server) | %.0f s | %s s | %s | %s |\n' "$server" "$server_cpu" "$load_before" "$(verdicts builtin servers)"
  printf '| client mode (our client) | %.0f s | %s s | %s | %s |\n' "$client" "$client_cpu" "$load_mid" "$(verdicts builtin clients)"
  printf '| total | %.0f s | %s s | after: %s | |\n' "$total" "$((server_cpu + client_cpu))" "$load_after"
  echo
  echo "Official image on the same peers: $official."
} > "$out"
cat "$out"
