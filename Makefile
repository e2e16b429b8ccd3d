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
	@if ! command -v node >/dev/null || [ ! -f /usr/share/nodejs/ws/package.json ]; then \
	  echo "deps: installing nodejs and node-ws"; \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs node-ws; \
	fi

# Fuzzing (fuzz/): AFL++ campaigns on the SharpFuzz harness; fuzz/run.sh installs what it needs.
TARGET ?= frame
SECONDS ?= 600
.PHONY: fuzz fuzz-all fuzz-replay fuzz-seeds fuzz-smoke
fuzz:
	./fuzz/run.sh fuzz '$(TARGET)' '$(SECONDS)'

fuzz-all:
	./fuzz/run.sh all '$(SECONDS)'

# Replays FILE (a file or a folder) through TARGET without instrumentation and prints any exception.
fuzz-replay:
	./fuzz/run.sh replay '$(TARGET)' '$(FILE)'

# Rewrites the committed seed corpora from the targets' generators.
fuzz-seeds:
	./fuzz/run.sh seeds

# Every target for a short budget; fails on any crash or hang (what CI runs).
fuzz-smoke:
	./fuzz/ci-smoke.sh
