#!/usr/bin/env bash
# Makes a Docker engine available for the runner and its end-to-end test: installs Debian's docker.io when no
# dockerd is on the machine, starts dockerd in the background when none answers, and waits (bounded) until
# the socket answers. Prints the DOCKER_HOST to use. Needs root for the install and the daemon.
set -euo pipefail

sock="${DOCKER_SOCKET:-/var/run/docker.sock}"
wait_seconds="${DOCKER_WAIT_SECONDS:-60}"
log="${DOCKER_LOG:-/tmp/dockerd.log}"

# A ping over the socket with curl keeps this script free of the docker CLI, which the runner does not use either.
answers() {
  [ -S "$sock" ] && curl -fsS --max-time 2 --unix-socket "$sock" http://localhost/_ping >/dev/null 2>&1
}

if answers; then
  echo "unix://$sock"
  exit 0
fi

if ! command -v dockerd >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "docker-engine: dockerd is not installed and installing it needs root (apt-get install docker.io)" >&2
    exit 1
  fi
  echo "docker-engine: installing docker.io with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 update -qq >&2
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq docker.io curl >&2
fi

if ! command -v curl >/dev/null 2>&1; then
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq curl >&2
fi

if ! answers; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "docker-engine: no engine answers on $sock and starting dockerd needs root" >&2
    exit 1
  fi
  echo "docker-engine: starting dockerd (log: $log)" >&2
  # setsid detaches the daemon from this script's process group so it outlives make.
  setsid dockerd --host "unix://$sock" >"$log" 2>&1 < /dev/null &
  for _ in $(seq 1 "$wait_seconds"); do
    if answers; then break; fi
    sleep 1
  done
fi

if ! answers; then
  echo "docker-engine: dockerd did not answer on $sock within ${wait_seconds}s; last lines of $log:" >&2
  tail -n 20 "$log" >&2 || true
  exit 1
fi
echo "unix://$sock"
