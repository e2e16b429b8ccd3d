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

# BenchmarkDotNet microbenchmarks (never part of the tests). FILTER narrows them, e.g. FILTER='*Mask*'.
FILTER ?= *
bench: restore
	$(DOTNET) run -c Release --project bench/WebSocketKit.Benchmarks -- --filter '$(FILTER)'

autobahn:
	@echo "make autobahn: the Autobahn runner (autobahn/) is not built yet; see the open issues."
	@exit 1

clean:
	$(DOTNET) clean Conformance.sln

# Peers the conformance tests run against (Debian packages); apt-get runs only when something is missing.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
deps:
	@if ! command -v node >/dev/null || [ ! -f /usr/share/nodejs/ws/package.json ] || ! /usr/bin/python3 -c 'import websockets' 2>/dev/null; then \
	  echo "deps: installing nodejs, node-ws and python3-websockets"; \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs node-ws python3-websockets; \
	fi
