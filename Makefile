# The two commands of the README do all set-up themselves: `make autobahn` and `make test`.
SHELL := /bin/bash
DOTNET ?= dotnet
CONFIG ?= Release
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1

.PHONY: all build test bench autobahn restore clean

all: build

restore:
	$(DOTNET) restore Conformance.sln

build: restore
	$(DOTNET) build Conformance.sln -c $(CONFIG) --no-restore

# All tests; the last line is the plain 'N passed, N failed' summary.
test: build
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

# The WebSocketKit echo server in the foreground on 127.0.0.1 (Ctrl+C stops it).
# PORT=9002 by default; COMPRESS=1 asks for permessage-deflate (accepted, not effective until RFC 7692 lands).
PORT ?= 9002
COMPRESS ?= 0
.PHONY: echo-server
echo-server: restore
	$(DOTNET) run -c $(CONFIG) --project impl/WebSocketKit.EchoServer -- --port $(PORT) $(if $(filter 1,$(COMPRESS)),--compress,)
