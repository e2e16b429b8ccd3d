# The two commands of the README do all set-up themselves: `make autobahn` and `make test`.
SHELL := /bin/bash
DOTNET ?= dotnet
CONFIG ?= Release
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1

.PHONY: all build test bench autobahn restore clean deps

all: build

restore:
	$(DOTNET) restore Conformance.sln

build: restore
	$(DOTNET) build Conformance.sln -c $(CONFIG) --no-restore

# All tests; the last line is the plain 'N passed, N failed' summary.
test: build deps
	./scripts/run-tests.sh $(CONFIG)
	./scripts/tool-acceptance.sh
	./packaging/consumer-test.sh
	./scripts/check-workflows.sh
	./scripts/check-pages.sh

# BenchmarkDotNet microbenchmarks (never part of the tests). FILTER narrows them, e.g. FILTER='*Mask*'.
# BENCH_ARGS defaults to BenchmarkDotNet's short job with 200 ms iterations (a few minutes on a shared machine);
# BENCH_ARGS= gives the full default job.
FILTER ?= *
BENCH_ARGS ?= --job short --iterationTime 200
# Then the echo tool (bench-echo) writes bench/results/latest.md and artifacts/reports/bench.html, with the
# microbenchmark tables of this run embedded; then its --servers-only run (bench-servers) writes
# bench/results/servers.md and artifacts/reports/bench-servers.html (a process of its own: see Program.cs).
bench: restore bench-peers
	rm -rf BenchmarkDotNet.Artifacts/results
	$(DOTNET) run -c Release --project bench/WebSocketKit.Benchmarks -- --filter '$(FILTER)' $(BENCH_ARGS)
	$(DOTNET) run -c Release --project bench/WebSocketKit.EchoBench -- --micro BenchmarkDotNet.Artifacts/results $(ECHO_ARGS)
	$(DOTNET) run -c Release --project bench/WebSocketKit.EchoBench -- --servers-only $(ECHO_ARGS)

# The echo benchmark alone (ours vs System.Net.WebSockets, cross pairs, raw TCP, real peers);
# QUICK=1 runs the two-minute version. ECHO_ARGS= passes more options (--rounds N, --no-peers, --no-compression).
QUICK ?= 0
ECHO_ARGS ?=
.PHONY: bench-echo bench-peers
bench-echo: restore bench-peers
	$(DOTNET) run -c Release --project bench/WebSocketKit.EchoBench -- $(if $(filter 1,$(QUICK)),--quick) $(ECHO_ARGS)

# The server-only tables and the server memory figures alone (bench/README.md), into bench/results/servers.md;
# QUICK=1 for the short version; ECHO_ARGS= passes more (e.g. --baseline DLL, --servers ours,gorilla, --rss none).
.PHONY: bench-servers
bench-servers: restore bench-peers
	$(DOTNET) run -c Release --project bench/WebSocketKit.EchoBench -- --servers-only $(if $(filter 1,$(QUICK)),--quick) $(ECHO_ARGS)

# Where the threads spend their time on one echo shape, ours and System.Net.WebSockets, with
# dotnet-trace (a pinned local tool), and with perf when installed: writes bench/results/profile-<shape>.md.
# PROFILE_SHAPE= picks the shape.
PROFILE_SHAPE ?= 64 B round trips
.PHONY: bench-profile
bench-profile: restore
	./bench/profile/run.sh "$(PROFILE_SHAPE)"

# The servers of the server-only tables, one at a time, with perf on the server's own CPU (bench/README.md):
# writes bench/results/profile-servers-<shape>-<client>.md.
# PROFILE_SHAPE= (given on the command line) and PROFILE_CLIENT= (gorilla, System.Net or frame) pick what runs.
PROFILE_SERVERS_SHAPE := 64 B round trips, 1 connection
PROFILE_CLIENT ?= gorilla
.PHONY: bench-profile-servers
bench-profile-servers: restore bench-peers
	./bench/profile/servers.sh "$(if $(filter command line,$(origin PROFILE_SHAPE)),$(PROFILE_SHAPE),$(PROFILE_SERVERS_SHAPE))" "$(PROFILE_CLIENT)"

# Installs (apt-get, only when missing) and builds the real peers: gorilla/websocket, Node ws, Python websockets.
bench-peers:
	./bench/peers/build.sh

# The Autobahn TestSuite against our client and server, through the wsconform tool (autobahn/Autobahn.Runner; see
# README "make autobahn"): `wsconform server` against our echo server (or TARGET), then `wsconform client` driving our
# client. TARGET=ws://host:port/path tests ANY server (server mode only); AGENT= names it in the reports.
# ENGINE=builtin|docker|auto, IMAGE= the suite's image, CASES= / EXCLUDE= the suite's case patterns.
# RUNNER_ARGS= passes further wsconform options to both (e.g. --profile rfc --junit FILE --keep --verbose).
# TRANSPORT=h2c|h2 runs both over HTTP/2 (RFC 8441; built-in engine): our echo server on Kestrel, our Dialer with
# HttpVersion 2.0.
# REPORTS= is the reports folder (default artifacts/reports, ignored by git: CI publishes the reports to GitHub
# Pages; `make summary` writes the small summary kept in git). The exit status is the worse of the two runs:
# 0 passed, 1 failed, 2 could not run.
REPORTS ?= artifacts/reports
TARGET ?=
AGENT ?=
ENGINE ?= builtin
IMAGE ?= crossbario/autobahn-testsuite
CASES ?=
EXCLUDE ?=
RUNNER_ARGS ?=
CLIENT ?= websocketkit
TRANSPORT ?=
WSCONFORM := $(DOTNET) autobahn/Autobahn.Runner/bin/$(CONFIG)/net10.0/wsconform.dll
WSCONFORM_RUN := --engine $(ENGINE) --image '$(IMAGE)' --reports '$(REPORTS)' $(if $(AGENT),--agent '$(AGENT)') \
  $(if $(CASES),--cases '$(CASES)') $(if $(EXCLUDE),--exclude-cases '$(EXCLUDE)') $(if $(TRANSPORT),--transport '$(TRANSPORT)') $(RUNNER_ARGS)
autobahn: build
	@if [ "$(ENGINE)" = docker ]; then ./scripts/docker-engine.sh >/dev/null || exit 2; \
	elif [ "$(ENGINE)" = auto ] && command -v dockerd >/dev/null 2>&1; then ./scripts/docker-engine.sh >/dev/null 2>&1 || true; fi
	@rc=0; $(WSCONFORM) server $(TARGET) $(WSCONFORM_RUN) || rc=$$?; \
	if [ -z "$(TARGET)" ]; then $(WSCONFORM) client --client $(CLIENT) $(WSCONFORM_RUN) || { r=$$?; [ $$r -gt $$rc ] && rc=$$r; }; fi; \
	exit $$rc

# reports/summary.json, the part of a run kept in git: per mode the case counts by verdict (overall and per chapter),
# the commit (-dirty when the tree has other changes) and the tool's version; from the reports of the last
# `make autobahn` in REPORTS. Commit it with the change it describes.
.PHONY: summary
summary: build
	$(WSCONFORM) summary --reports '$(REPORTS)' --out reports/summary.json \
	  --commit "$$(git rev-parse HEAD)$$(git diff --quiet HEAD -- . ':!reports/summary.json' || echo -dirty)"

# The wsconform tool as a NuGet package (a .NET tool) in artifacts/packages:
#   dotnet tool install wsconform --tool-path DIR --add-source artifacts/packages
.PHONY: pack-tool
pack-tool: restore
	$(DOTNET) pack autobahn/Autobahn.Runner/Autobahn.Runner.csproj -c Release -o artifacts/packages

# The library packages (WebSocketKit, WebSocketKit.AspNetCore: .nupkg and .snupkg, package validation on pack) and the
# wsconform tool, in artifacts/packages. Reproducible: the zip entries carry the commit's time (SOURCE_DATE_EPOCH,
# unless already set), and CI=true builds with ContinuousIntegrationBuild (impl/Package.props).
# packaging/consumer-test.sh restores these packages in an app outside the solution and runs it.
PACKAGES := impl/WebSocketKit/WebSocketKit.csproj impl/WebSocketKit.AspNetCore/WebSocketKit.AspNetCore.csproj
.PHONY: pack pack-libs
pack: pack-tool pack-libs
pack-libs:
	@export SOURCE_DATE_EPOCH=$${SOURCE_DATE_EPOCH:-$$(git log -1 --format=%ct 2>/dev/null)}; \
	for p in $(PACKAGES); do $(DOTNET) pack $$p -c Release -o artifacts/packages || exit 1; done

# The full suite (built-in engine, both modes) against our own server and client, timed: writes
# bench/results/suite-times.md (wall times, commit, machine, load; the official image's time when it is present).
.PHONY: suite-times
suite-times: build
	./scripts/suite-times.sh

# Packs the built-in engine's wstest as a local image like the suite's (wstest on the PATH, /config, /reports),
# through Docker.DotNet, nothing pulled; then `make autobahn ENGINE=docker IMAGE=ws-conformance/wstest:local`.
LOCAL_IMAGE := ws-conformance/wstest:local
.PHONY: autobahn-image
autobahn-image: build
	$(DOTNET) publish conformance/Autobahn.Wstest/Autobahn.Wstest.csproj -c Release -r linux-x64 --self-contained \
	  -o artifacts/wstest-image/publish --artifacts-path artifacts/wstest-image/build
	./scripts/docker-engine.sh >/dev/null
	$(WSCONFORM) pack-image \
	  --app artifacts/wstest-image/publish --executable wstest --tag $(LOCAL_IMAGE)

clean:
	$(DOTNET) clean Conformance.sln

# Peers the conformance tests run against (Debian packages); apt-get runs only when something is missing.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
deps:
	@if ! command -v node >/dev/null || [ ! -f /usr/share/nodejs/ws/package.json ] || ! /usr/bin/python3 -I -c 'import websockets' 2>/dev/null; then \
	  echo "deps: installing nodejs, node-ws and python3-websockets"; \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs node-ws python3-websockets; \
	fi
	@if ! command -v go >/dev/null || [ ! -d /usr/share/gocode/src/github.com/gorilla/websocket ] || ! /usr/bin/python3 -I -c 'import autobahn.websocket' 2>/dev/null; then \
	  echo "deps: installing golang-go, gorilla/websocket and python3-autobahn"; \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-go golang-github-gorilla-websocket-dev python3-autobahn; \
	fi
	@if ! command -v xmllint >/dev/null || ! /usr/bin/python3 -I -c 'import yaml' 2>/dev/null; then \
	  echo "deps: installing libxml2-utils and python3-yaml (the tool acceptance checks JUnit against its XSD and runs action.yml)"; \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libxml2-utils python3-yaml; \
	fi
	@if ! command -v tinyproxy >/dev/null && [ ! -x /usr/bin/tinyproxy ]; then \
	  echo "deps: installing tinyproxy (the HTTP CONNECT proxy of the client tests)"; \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tinyproxy; \
	fi
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "deps: installing chromium (the gorilla examples' pages are tested in it through Playwright)"; \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	fi

# Fuzzing (fuzz/): AFL++ or libFuzzer campaigns on the SharpFuzz harness; fuzz/run.sh installs what it needs.
# TARGET is shared with `make autobahn` (where it is a URL); the fuzz targets default to frame.
# ENGINE=afl (default: one -M and JOBS-1 -S instances) or libfuzzer (-fork=JOBS); JOBS defaults to the cores.
# ENGINE is shared with `make autobahn` too (builtin|docker|auto there): the fuzz targets take it only when given.
FUZZ_TARGET = $(or $(TARGET),frame)
FUZZ_ENGINE = $(if $(filter file undefined,$(origin ENGINE)),afl,$(ENGINE))
SECONDS ?= 600
JOBS ?= $(shell nproc 2>/dev/null || echo 1)
.PHONY: fuzz fuzz-all fuzz-replay fuzz-seeds fuzz-smoke fuzz-cflite-check
fuzz:
	FUZZ_ENGINE='$(FUZZ_ENGINE)' FUZZ_JOBS='$(JOBS)' ./fuzz/run.sh fuzz '$(FUZZ_TARGET)' '$(SECONDS)'

fuzz-all:
	FUZZ_ENGINE='$(FUZZ_ENGINE)' FUZZ_JOBS='$(JOBS)' ./fuzz/run.sh all '$(SECONDS)'

# Replays FILE (a file or a folder) through TARGET without instrumentation and prints any exception.
fuzz-replay:
	./fuzz/run.sh replay '$(FUZZ_TARGET)' '$(FILE)'

# Rewrites the committed seed corpora from the targets' generators.
fuzz-seeds:
	./fuzz/run.sh seeds

# Every target for a short budget; fails on any crash or hang (what CI runs).
fuzz-smoke:
	./fuzz/ci-smoke.sh

# .clusterfuzzlite/build.sh under OSS-Fuzz's libFuzzer contract, then every built fuzzer on its seeds.
fuzz-cflite-check:
	./fuzz/cflite-check.sh

# The remote fuzzer (wsconform fuzz) against our echo server for SECONDS_BUDGET (20) seconds; fails on a finding.
.PHONY: fuzz-remote
fuzz-remote: restore
	./scripts/remote-fuzz-smoke.sh

# The WebSocketKit echo server in the foreground on 127.0.0.1 (Ctrl+C stops it).
# PORT=9002 by default; COMPRESS=1 negotiates permessage-deflate (RFC 7692).
PORT ?= 9002
COMPRESS ?= 0
.PHONY: echo-server
echo-server: restore
	$(DOTNET) run -c $(CONFIG) --project impl/WebSocketKit.EchoServer -- --port $(PORT) $(if $(filter 1,$(COMPRESS)),--compress,)
