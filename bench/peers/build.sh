#!/usr/bin/env bash
# Installs and builds the real peers for the echo benchmark (Debian packages): gorilla/websocket with
# Go, Node ws, Python websockets. A peer that cannot be installed is skipped by the echo tool with a
# note, so the benchmark still runs; apt-get runs only when something is missing.
set -u
cd "$(dirname "$0")"
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
missing=()
command -v go >/dev/null || missing+=(golang-go)
[ -d /usr/share/gocode/src/github.com/gorilla/websocket ] || missing+=(golang-github-gorilla-websocket-dev)
command -v node >/dev/null || missing+=(nodejs)
[ -f /usr/share/nodejs/ws/package.json ] || missing+=(node-ws)
/usr/bin/python3 -I -c 'import websockets' 2>/dev/null || missing+=(python3-websockets)
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench peers: installing ${missing[*]}"
  { $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >/dev/null ||
    echo "bench peers: apt-get failed; the missing peers are skipped" >&2
fi
if command -v go >/dev/null && [ -d /usr/share/gocode/src/github.com/gorilla/websocket ]; then
  # Debian's packaged gorilla lives in a GOPATH tree, so this builds without modules.
  (cd gorilla && GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE="${GOCACHE:-/tmp/bench-gocache}" go build -o gorilla-echo .) ||
    echo "bench peers: gorilla build failed; skipped" >&2
fi
exit 0
