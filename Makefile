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
# BENCH_ARGS defaults to BenchmarkDotNet's short job (a few minutes on a shared machine);
# BENCH_ARGS= gives the full default job.
FILTER ?= *
BENCH_ARGS ?= --job short
bench: restore
	$(DOTNET) run -c Release --project bench/WebSocketKit.Benchmarks -- --filter '$(FILTER)' $(BENCH_ARGS)

autobahn:
	@echo "make autobahn: the Autobahn runner (autobahn/) is not built yet; see the open issues."
	@exit 1

clean:
	$(DOTNET) clean Conformance.sln
