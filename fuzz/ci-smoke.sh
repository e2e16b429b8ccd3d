#!/usr/bin/env bash
# CI smoke fuzzing: every registered target for a short fixed budget; fails if any crash or hang
# appears, printing each one as hex with the exception it raises.
#   fuzz/ci-smoke.sh [seconds per target]     (or SECONDS=... in the environment; default 40: seven targets stay within about 7 minutes with the builds)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# SECONDS is a bash builtin counter: read the exported value, not the shell's own.
budget=${1:-$(printenv SECONDS || echo 40)}
export FUZZ_WORK=${FUZZ_WORK:-$here/.work/smoke}
# One AFL++ instance per target unless told otherwise (CI's machine is shared; the budget is per target).
export FUZZ_ENGINE=afl FUZZ_JOBS=${FUZZ_JOBS:-1}
export FUZZ_RESULTS=$FUZZ_WORK/results
# Findings go to a scratch folder; a developer moves a real one into fuzz/regressions/ with its fix.
export FUZZ_REGRESSIONS=$FUZZ_WORK/regressions
rm -rf "$FUZZ_RESULTS" "$FUZZ_REGRESSIONS"

"$here/run.sh" all "$budget"

status=0
for json in "$FUZZ_RESULTS"/*.json; do
  target=$(basename "$json" .json)
  crashes=$(sed -nE 's/.*"crashes": ([0-9]+).*/\1/p' "$json")
  hangs=$(sed -nE 's/.*"hangs": ([0-9]+).*/\1/p' "$json")
  execs=$(sed -nE 's/.*"execs_per_sec": ([0-9.]+).*/\1/p' "$json")
  paths=$(sed -nE 's/.*"corpus_count_end": ([0-9]+).*/\1/p' "$json")
  echo "fuzz smoke: $target: ${budget}s, $execs execs/s, $paths paths, $crashes crashes, $hangs hangs"
  if [ "${crashes:-1}" != 0 ] || [ "${hangs:-1}" != 0 ]; then
    status=1
    for f in "$FUZZ_WORK/findings/$target"/*/{crashes,hangs}/id:*; do
      [ -f "$f" ] || continue
      echo "--- $target finding $(basename "$f") ($(wc -c <"$f") bytes):"
      od -An -tx1 -v "$f"
    done
  fi
done
n=$(find "$FUZZ_RESULTS" -name '*.json' | wc -l)
expected=$(dotnet "$FUZZ_WORK/plain/WebSocketKit.Fuzz.dll" --list | wc -l)
if [ "$n" -ne "$expected" ]; then echo "fuzz smoke: $n of $expected targets produced a summary"; status=1; fi
[ $status -eq 0 ] && echo "fuzz smoke: no crashes, no hangs" || echo "fuzz smoke: FAILED"
exit $status
