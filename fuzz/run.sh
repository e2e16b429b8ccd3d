#!/usr/bin/env bash
# AFL++ campaigns against the SharpFuzz harness (fuzz/WebSocketKit.Fuzz). Installs what it needs.
#
#   fuzz/run.sh fuzz <target> [seconds]        one campaign (default 600 s)
#   fuzz/run.sh all [seconds]                  every registered target, one after the other
#   fuzz/run.sh replay <target> <path>...      replay saved inputs on the uninstrumented build
#   fuzz/run.sh seeds                          rewrite the committed seed corpora from their generators
#   fuzz/run.sh list                           the registered targets
#
# Environment (all optional):
#   FUZZ_TIMEOUT_MS     afl-fuzz -t per execution (default 2000)
#   FUZZ_HEAP_LIMIT     DOTNET_GCHeapHardLimit for the harness, hex bytes (default 0x20000000 = 512 MiB)
#   FUZZ_NICE           nice level of the campaign (default 10: the machine is shared)
#   FUZZ_RESULTS        where <target>.json summaries go (default fuzz/results)
#   FUZZ_REGRESSIONS    where crashes and hangs are copied (default fuzz/regressions)
#   FUZZ_CORPUS_CACHE   folder of <target>/ queues from earlier campaigns, used as extra seeds and
#                       refreshed with this campaign's queue (the nightly workflow caches it)
#   FUZZ_WORK           scratch folder (default fuzz/.work)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
work=${FUZZ_WORK:-$here/.work}
results=${FUZZ_RESULTS:-$here/results}
regressions=${FUZZ_REGRESSIONS:-$here/regressions}
timeout_ms=${FUZZ_TIMEOUT_MS:-2000}
heap_limit=${FUZZ_HEAP_LIMIT:-0x20000000}
nice_level=${FUZZ_NICE:-10}
project=$here/WebSocketKit.Fuzz/WebSocketKit.Fuzz.csproj
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

log() { echo "fuzz: $*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    log "need root to run: $*"; return 1; fi
}

ensure_afl() {
  command -v afl-fuzz >/dev/null && return
  log "afl-fuzz missing: installing afl++"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ >/dev/null
}

# The uninstrumented build: replay, seeds, the target list.
plain_dir=$work/plain
plain_published=0
publish_plain() {
  [ $plain_published -eq 1 ] && return
  rm -rf "$plain_dir"
  dotnet publish "$project" -c Release -o "$plain_dir" --nologo -v q >&2
  plain_published=1
}
harness() { dotnet "$plain_dir/WebSocketKit.Fuzz.dll" "$@"; }

# A fresh publish with only the library instrumented (never the harness, the targets or System.*).
fuzz_dir=$work/instrumented
publish_instrumented() {
  rm -rf "$fuzz_dir"
  (cd "$root" && dotnet tool restore >/dev/null)
  dotnet publish "$project" -c Release -o "$fuzz_dir" --nologo -v q >&2
  (cd "$root" && dotnet tool run sharpfuzz "$fuzz_dir/WebSocketKit.dll" >/dev/null)
  log "instrumented $fuzz_dir/WebSocketKit.dll"
}

# One value of afl's fuzzer_stats; later names are fallbacks for older afl versions.
stat() {
  local file=$1; shift
  local key value
  for key in "$@"; do
    value=$(sed -nE "s/^${key}[[:space:]]*:[[:space:]]*(.*)$/\1/p" "$file" | head -n1)
    if [ -n "$value" ]; then echo "$value"; return; fi
  done
  echo 0
}

# How the corpus grew: [seconds, corpus_count] at 20 even steps of the run, read from the time:<ms>
# each queue entry's name records (afl does not refresh plot_data without its UI).
timeline() {
  local queue=$1 run_time=$2
  find "$queue" -maxdepth 1 -name 'id:*' -printf '%f\n' \
    | sed -nE 's/.*,time:([0-9]+).*/\1/p; /,orig:/{/,time:/!s/.*/0/p}' \
    | awk -v run="$run_time" '
        { t[NR] = $1 / 1000 }
        END {
          out = ""
          for (k = 0; k <= 20; k++) {
            at = run * k / 20; n = 0
            for (i = 1; i <= NR; i++) if (t[i] <= at) n++
            out = out (k ? ", " : "") "[" int(at) ", " n "]"
          }
          print "[" out "]"
        }'
}

write_summary() {
  local target=$1 seconds=$2 seeds=$3 out=$4
  local stats=$out/fuzzer_stats
  mkdir -p "$results"
  local json=$results/$target.json
  {
    printf '{\n'
    printf '  "target": "%s",\n' "$target"
    printf '  "budget_seconds": %s,\n' "$seconds"
    printf '  "finished_utc": "%s",\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    printf '  "afl_version": "%s",\n' "$(stat "$stats" afl_version)"
    printf '  "run_time_seconds": %s,\n' "$(stat "$stats" run_time)"
    printf '  "execs_done": %s,\n' "$(stat "$stats" execs_done)"
    printf '  "execs_per_sec": %s,\n' "$(stat "$stats" execs_per_sec)"
    printf '  "seeds": %s,\n' "$seeds"
    printf '  "corpus_count_start": %s,\n' "$(find "$out/queue" -maxdepth 1 -name 'id:*,orig:*' | wc -l)"
    printf '  "corpus_count_end": %s,\n' "$(stat "$stats" corpus_count paths_total)"
    printf '  "corpus_found": %s,\n' "$(stat "$stats" corpus_found paths_found)"
    printf '  "edges_found": %s,\n' "$(stat "$stats" edges_found)"
    printf '  "bitmap_coverage": "%s",\n' "$(stat "$stats" bitmap_cvg)"
    printf '  "stability": "%s",\n' "$(stat "$stats" stability)"
    printf '  "cycles_done": %s,\n' "$(stat "$stats" cycles_done)"
    printf '  "crashes": %s,\n' "$(stat "$stats" saved_crashes unique_crashes)"
    printf '  "hangs": %s,\n' "$(stat "$stats" saved_hangs unique_hangs)"
    printf '  "corpus_timeline_columns": ["seconds", "corpus_count"],\n'
    printf '  "corpus_timeline": %s\n' "$(timeline "$out/queue" "$(stat "$stats" run_time)")"
    printf '}\n'
  } >"$json"
  log "summary: $json"
  cat "$json" >&2
}

# Copies each crash and hang into fuzz/regressions/<target>/ under a name that says what it is:
# crash-<exception type>-<sha1 prefix>.bin or hang-<sha1 prefix>.bin. Prints the replay of each new one.
collect_findings() {
  local target=$1 out=$2 kind f sha name dest text
  mkdir -p "$regressions/$target"
  for kind in crashes hangs; do
    [ -d "$out/$kind" ] || continue
    for f in "$out/$kind"/id:*; do
      [ -f "$f" ] || continue
      sha=$(sha1sum "$f" | cut -c1-12)
      if [ "$kind" = hangs ]; then name=hang-$sha; else
        text=$(DOTNET_GCHeapHardLimit=$heap_limit timeout $((3 * timeout_ms / 1000 + 5)) dotnet "$plain_dir/WebSocketKit.Fuzz.dll" --replay "$target" "$f" 2>&1 || true)
        name=$(echo "$text" | sed -nE 's/^exception: ([A-Za-z0-9_.]+).*/\1/p' | head -n1 | sed 's/.*\.//')
        if [ -z "$name" ] && echo "$text" | grep -q '^Stack overflow'; then name=StackOverflow; fi
        name=crash-${name:-process-died}-$sha
      fi
      dest=$regressions/$target/$name.bin
      [ -e "$dest" ] && continue
      cp "$f" "$dest"
      log "new finding: $dest ($(wc -c <"$f") bytes)"
      od -An -tx1 -v "$f" | head -n 32 >&2
      # A hang needs only a few afl timeouts to show itself.
      FUZZ_REPLAY_TIMEOUT=$((3 * timeout_ms / 1000 + 5)) replay "$target" "$dest" >&2 || true
    done
  done
}

campaign() {
  local target=$1 seconds=$2
  [ -d "$here/corpus/$target" ] || { log "no corpus for target '$target'"; return 2; }
  local in=$work/in/$target out=$work/findings/$target
  rm -rf "$in" "$out"
  mkdir -p "$in" "$work/logs" "$work/findings"
  cp "$here/corpus/$target"/* "$in"/
  local cache=${FUZZ_CORPUS_CACHE:-}
  if [ -n "$cache" ] && [ -d "$cache/$target" ]; then
    cp "$cache/$target"/* "$in"/ 2>/dev/null || true
  fi
  local seeds
  seeds=$(find "$in" -type f | wc -l)
  local dict=()
  [ -f "$here/dict/$target.dict" ] && dict=(-x "$here/dict/$target.dict")
  log "campaign $target: ${seconds}s, $seeds seeds, -t $timeout_ms, heap limit $heap_limit"
  local rc=0
  # .NET needs: no binary check (dotnet is not afl-compiled), no afl memory limit (the GC limit
  # caps the heap instead), input on stdin (no @@), an explicit timeout. The outer timeout makes
  # sure the campaign ends even if afl-fuzz stalls.
  AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1 \
  AFL_NO_AFFINITY=1 AFL_FAST_CAL=1 AFL_FORKSRV_INIT_TMOUT=60000 \
  DOTNET_GCHeapHardLimit=$heap_limit \
    timeout --kill-after=30 $((seconds + 600)) \
    nice -n "$nice_level" afl-fuzz -i "$in" -o "$out" "${dict[@]}" -t "$timeout_ms" -m none -V "$seconds" \
      -- "$(command -v dotnet)" "$fuzz_dir/WebSocketKit.Fuzz.dll" "$target" >"$work/logs/$target.log" 2>&1 || rc=$?
  local stats_dir=$out/default
  if [ $rc -ne 0 ] || [ ! -f "$stats_dir/fuzzer_stats" ]; then
    log "afl-fuzz failed for $target (exit $rc); last lines of $work/logs/$target.log:"
    tail -n 40 "$work/logs/$target.log" >&2
    return 1
  fi
  write_summary "$target" "$seconds" "$seeds" "$stats_dir"
  collect_findings "$target" "$stats_dir"
  if [ -n "$cache" ]; then
    rm -rf "${cache:?}/$target" && mkdir -p "$cache/$target"
    cp "$stats_dir/queue"/id:* "$cache/$target"/ 2>/dev/null || true
  fi
}

replay() {
  local target=$1; shift
  local rc=0 limit=${FUZZ_REPLAY_TIMEOUT:-60}
  DOTNET_GCHeapHardLimit=$heap_limit timeout "$limit" dotnet "$plain_dir/WebSocketKit.Fuzz.dll" --replay "$target" "$@" || rc=$?
  if [ $rc -eq 124 ]; then echo "HANG: the replay did not finish within ${limit}s"; fi
  return $rc
}

targets() { harness --list; }

cmd=${1:-}
case "$cmd" in
  fuzz)
    target=${2:?usage: run.sh fuzz <target> [seconds]}
    ensure_afl; publish_plain
    targets | grep -x "$target" >/dev/null || { log "unknown target '$target'; targets: $(targets | xargs)"; exit 2; }
    publish_instrumented
    campaign "$target" "${3:-600}"
    ;;
  all)
    ensure_afl; publish_plain; publish_instrumented
    status=0
    for t in $(targets); do campaign "$t" "${2:-600}" || status=1; done
    exit $status
    ;;
  replay)
    [ $# -ge 3 ] || { log "usage: run.sh replay <target> <path>..."; exit 2; }
    publish_plain
    shift; replay "$@"
    ;;
  seeds)
    publish_plain
    harness --write-seeds "$here/corpus"
    ;;
  list)
    publish_plain; targets
    ;;
  *)
    sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
