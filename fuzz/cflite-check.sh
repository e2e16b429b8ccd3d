#!/usr/bin/env bash
# Proves .clusterfuzzlite/build.sh here under OSS-Fuzz's libFuzzer build contract, then runs every
# fuzzer it built the way ClusterFuzzLite's bad-build check does: each on its seed corpus for a few
# thousand runs (-runs=N), which must end without a crash, a timeout or an out-of-memory, and must
# show the .NET coverage reaching libFuzzer (features beyond the launcher's own counters).
#
#   fuzz/cflite-check.sh            (make fuzz-cflite-check)
#
# Environment (optional): CFLITE_RUNS (default 3000 runs per fuzzer), CFLITE_KEEP=1 keeps the
# temporary SRC/OUT/WORK. The SDK install in build.sh is skipped when `dotnet` already accepts
# global.json (WSK_DOTNET_INSTALL=auto, its default); the check installs clang's libFuzzer and
# sanitizer runtimes (Debian: libclang-rt-<version>-dev) when they are missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
runs=${CFLITE_RUNS:-3000}
started=$(date +%s)
log() { echo "cflite-check: $*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    log "need root to run: $*"; return 1; fi
}

tmp=$(mktemp -d)
[ "${CFLITE_KEEP:-0}" = 1 ] || trap 'rm -rf "$tmp"' EXIT
export SRC=$tmp/src OUT=$tmp/out WORK=$tmp/work
mkdir -p "$SRC" "$OUT" "$WORK"

# OSS-Fuzz's flags for a libFuzzer build with AddressSanitizer (infra/base-images/base-clang).
export CC=clang CXX=clang++
export SANITIZER_FLAGS="-fsanitize=address -fsanitize-address-use-after-scope"
export COVERAGE_FLAGS="-fsanitize=fuzzer-no-link"
export CFLAGS="-O1 -fno-omit-frame-pointer -gline-tables-only -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION $SANITIZER_FLAGS $COVERAGE_FLAGS"
export CXXFLAGS="$CFLAGS"
export LIB_FUZZING_ENGINE=-fsanitize=fuzzer
export FUZZING_ENGINE=libfuzzer SANITIZER=address ARCHITECTURE=x86_64 FUZZING_LANGUAGE=c++

probe() { echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }' >"$WORK/probe.c"
  $CC $CFLAGS $LIB_FUZZING_ENGINE "$WORK/probe.c" -o "$WORK/probe" 2>"$WORK/probe.log"; }
if ! probe; then
  log "clang cannot link libFuzzer with ASan: installing clang's runtimes"
  major=$( (clang --version 2>/dev/null || true) | sed -nE 's/.*clang version ([0-9]+).*/\1/p' | head -n1)
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang ${major:+libclang-rt-$major-dev} >/dev/null \
    || as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang libclang-rt-dev >/dev/null
  probe || { cat "$WORK/probe.log" >&2; exit 1; }
fi

log "build.sh (SRC=$SRC OUT=$OUT)"
(cd "$root" && bash .clusterfuzzlite/build.sh) >"$tmp/build.log" 2>&1 || { tail -n 40 "$tmp/build.log" >&2; log "build.sh FAILED"; exit 1; }
built=$(date +%s)
log "build.sh done in $((built - started)) s"

status=0 checked=0
expected=$("$OUT/websocketkit-fuzz/WebSocketKit.Fuzz" --list)
for target in $expected; do
  fuzzer=$OUT/$target
  if [ ! -x "$fuzzer" ] || ! grep -q LLVMFuzzerTestOneInput "$fuzzer"; then log "$target: no fuzzer in \$OUT"; status=1; continue; fi
  for f in "${target}_seed_corpus.zip" "$target.dict" "$target.options"; do
    [ -s "$OUT/$f" ] || { log "$target: \$OUT/$f missing"; status=1; }
  done
  corpus=$tmp/corpus/$target
  mkdir -p "$corpus"
  unzip -q -o "$OUT/${target}_seed_corpus.zip" -d "$corpus"
  seeds=$(find "$corpus" -type f | wc -l)
  out=$tmp/$target.log rc=0
  (cd "$tmp" && timeout 120 "$fuzzer" -seed=1337 -runs="$runs" -timeout=25 -rss_limit_mb=2560 -dict="$OUT/$target.dict" \
    -artifact_prefix="$tmp/$target-" "$corpus") >"$out" 2>&1 || rc=$?
  inited=$(grep -m1 -E '#[0-9]+[[:space:]]+INITED' "$out" || true)
  ft=$(echo "$inited" | sed -nE 's/.* ft: ([0-9]+).*/\1/p')
  counters=$(sed -nE 's/.*Loaded [0-9]+ modules? +\(([0-9]+) inline 8-bit counters\).*/\1/p' "$out" | head -n1)
  done_line=$(grep -m1 -E '^Done [0-9]+ runs' "$out" || true)
  if [ $rc -ne 0 ] || grep -qE 'ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer)|launcher: ' "$out" || [ -z "$done_line" ]; then
    log "$target: FAILED (exit $rc)"; tail -n 30 "$out" >&2; status=1; continue
  fi
  if [ -z "$ft" ] || [ "$ft" -le "${counters:-0}" ]; then
    log "$target: no .NET coverage reaches libFuzzer (features ${ft:-?} at INITED, the launcher alone has ${counters:-?} counters)"; status=1; continue
  fi
  log "$target: ok, $seeds seeds, $done_line, features at INITED: $ft (launcher counters: $counters)"
  checked=$((checked + 1))
done
log "$checked of $(echo "$expected" | wc -w) fuzzers passed in $(($(date +%s) - built)) s (total $(($(date +%s) - started)) s)"
exit $status
