#!/usr/bin/env bash
# Fuzzing campaigns against the SharpFuzz harness (fuzz/WebSocketKit.Fuzz), under AFL++ or libFuzzer.
# Installs what it needs.
#
#   fuzz/run.sh fuzz <target> [seconds]        one campaign (default 600 s)
#   fuzz/run.sh all [seconds]                  every registered target, one after the other
#   fuzz/run.sh replay <target> <path>...      replay saved inputs on the uninstrumented build
#   fuzz/run.sh seeds                          rewrite the committed seed corpora from their generators
#   fuzz/run.sh list                           the registered targets
#
# Environment (all optional):
#   FUZZ_ENGINE         afl (default): afl-fuzz runs the harness, one -M main and FUZZ_JOBS - 1 -S
#                       secondaries on one sync folder; libfuzzer: fuzz/libfuzzer/launcher.c built with
#                       clang -fsanitize=fuzzer runs it in -fork=FUZZ_JOBS mode
#   FUZZ_JOBS           parallel instances (default: the number of cores)
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
engine=${FUZZ_ENGINE:-afl}
jobs=${FUZZ_JOBS:-$(nproc)}
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

# clang with libFuzzer's runtime (Debian: clang plus libclang-rt-<version>-dev).
launcher_bin=$work/libfuzzer/launcher
build_launcher() {
  mkdir -p "$(dirname "$launcher_bin")"
  if ! clang -fsanitize=fuzzer -O1 -Wall -Wextra "$here/libfuzzer/launcher.c" -o "$launcher_bin" 2>"$work/libfuzzer/build.log"; then
    log "clang -fsanitize=fuzzer failed: installing clang and libFuzzer's runtime"
    as_root apt-get update -qq
    local major
    major=$( (clang --version 2>/dev/null || true) | sed -nE 's/.*clang version ([0-9]+).*/\1/p' | head -n1)
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang ${major:+libclang-rt-$major-dev} >/dev/null \
      || as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang libclang-rt-dev >/dev/null
    clang -fsanitize=fuzzer -O1 -Wall -Wextra "$here/libfuzzer/launcher.c" -o "$launcher_bin"
  fi
  log "built $launcher_bin"
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

# A stat over every instance: sum, max, or the main instance's value (first).
stat_sum() { local key=$1; shift; local f; for f in "$@"; do stat "$f" "$key"; done | awk '{ s += $1 } END { printf "%.2f\n", s }' | sed 's/\.00$//'; }
stat_max() { local key=$1; shift; local f; for f in "$@"; do stat "$f" "$key" | tr -d '%'; done | sort -g | tail -n1; }

# How the corpus grew: [seconds, corpus_count] at 20 even steps of the run, from "<seconds>" lines on
# stdin (one per corpus entry, 0 for the seeds).
timeline_of_times() {
  awk -v run="$1" '
    { t[NR] = $1 }
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

# afl: the time:<ms> each queue entry's name records (afl does not refresh plot_data without its UI),
# over every instance's queue; an entry another instance found (sync:) is counted where it was found,
# the seeds (orig:) once, in the main's queue.
afl_timeline() {
  local run_time=$1 main=$2; shift 2
  local q
  { find "$main" -maxdepth 1 -name 'id:*' ! -name '*,sync:*' -printf '%f\n'
    for q in "$@"; do find "$q" -maxdepth 1 -name 'id:*' ! -name '*,sync:*' ! -name '*,orig:*' -printf '%f\n'; done; } \
    | sed -nE 's/.*,time:([0-9]+).*/\1/p; /,orig:/{/,time:/!s/.*/0/p}' \
    | awk '{ print $1 / 1000 }' | timeline_of_times "$run_time"
}

# Distinct inputs (by content) in these folders.
distinct_files() { find "$@" -maxdepth 1 -type f ! -name '.*' -exec sha1sum {} + 2>/dev/null | cut -d' ' -f1 | sort -u | wc -l; }

commit_fields() {
  local commit dirty=false
  commit=$(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)
  [ -n "$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null)" ] && dirty=true
  printf '  "commit": "%s",\n' "$commit"
  printf '  "commit_dirty": %s,\n' "$dirty"
}

# The summary of an afl campaign over all its instances (main first): execs, paths and crashes summed
# as afl-whatsup does; corpus_distinct_end counts the union of the queues by content.
write_afl_summary() {
  local target=$1 seconds=$2 seeds=$3; shift 3
  local dirs=("$@") stats=() queues=() d
  for d in "${dirs[@]}"; do stats+=("$d/fuzzer_stats"); queues+=("$d/queue"); done
  local main=${stats[0]} run_time
  run_time=$(stat "$main" run_time)
  mkdir -p "$results"
  local json=$results/$target.json
  {
    printf '{\n'
    printf '  "target": "%s",\n' "$target"
    printf '  "engine": "afl",\n'
    commit_fields
    printf '  "budget_seconds": %s,\n' "$seconds"
    printf '  "finished_utc": "%s",\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    printf '  "afl_version": "%s",\n' "$(stat "$main" afl_version)"
    printf '  "instances": %s,\n' "${#dirs[@]}"
    printf '  "run_time_seconds": %s,\n' "$run_time"
    printf '  "execs_done": %s,\n' "$(stat_sum execs_done "${stats[@]}")"
    printf '  "execs_per_sec": %s,\n' "$(stat_sum execs_per_sec "${stats[@]}")"
    printf '  "seeds": %s,\n' "$seeds"
    printf '  "corpus_count_start": %s,\n' "$(find "${queues[0]}" -maxdepth 1 -name 'id:*,orig:*' | wc -l)"
    printf '  "corpus_count_end": %s,\n' "$(stat_sum corpus_count "${stats[@]}")"
    printf '  "corpus_found": %s,\n' "$(stat_sum corpus_found "${stats[@]}")"
    printf '  "corpus_distinct_end": %s,\n' "$(distinct_files "${queues[@]}")"
    printf '  "edges_found": %s,\n' "$(stat_max edges_found "${stats[@]}")"
    printf '  "bitmap_coverage": "%s%%",\n' "$(stat_max bitmap_cvg "${stats[@]}")"
    printf '  "stability": "%s",\n' "$(stat "$main" stability)"
    printf '  "cycles_done": %s,\n' "$(stat "$main" cycles_done)"
    printf '  "crashes": %s,\n' "$(stat_sum saved_crashes "${stats[@]}")"
    printf '  "hangs": %s,\n' "$(stat_sum saved_hangs "${stats[@]}")"
    printf '  "corpus_timeline_columns": ["seconds", "corpus_count"],\n'
    printf '  "corpus_timeline": %s\n' "$(afl_timeline "$run_time" "${queues[@]}")"
    printf '}\n'
  } >"$json"
  log "summary: $json"
  cat "$json" >&2
}

# Copies each finding into fuzz/regressions/<target>/ under a name that says what it is:
# crash-<exception type>-<sha1 prefix>.bin or hang-<sha1 prefix>.bin. Prints the replay of each new one.
# Arguments: files, each "crash:<path>" or "hang:<path>".
collect_findings() {
  local target=$1 entry kind f sha name dest text; shift
  mkdir -p "$regressions/$target"
  for entry in "$@"; do
    kind=${entry%%:*} f=${entry#*:}
    [ -f "$f" ] || continue
    sha=$(sha1sum "$f" | cut -c1-12)
    if [ "$kind" = hang ]; then name=hang-$sha; else
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
    # A hang needs only a few timeouts to show itself.
    FUZZ_REPLAY_TIMEOUT=$((3 * timeout_ms / 1000 + 5)) replay "$target" "$dest" >&2 || true
  done
}

# The seeds of a campaign: the committed corpus plus the cached one of earlier campaigns.
prepare_seeds() {
  local target=$1 in=$2
  rm -rf "$in"
  mkdir -p "$in"
  cp "$here/corpus/$target"/* "$in"/
  local cache=${FUZZ_CORPUS_CACHE:-}
  if [ -n "$cache" ] && [ -d "$cache/$target" ]; then
    cp "$cache/$target"/* "$in"/ 2>/dev/null || true
  fi
}

refresh_cache() {
  local target=$1; shift
  local cache=${FUZZ_CORPUS_CACHE:-}
  [ -n "$cache" ] || return 0
  rm -rf "${cache:?}/$target" && mkdir -p "$cache/$target"
  local f
  for f in "$@"; do [ -f "$f" ] && cp "$f" "$cache/$target/$(sha1sum "$f" | cut -c1-40)"; done
  return 0
}

campaign() {
  local target=$1 seconds=$2
  [ -d "$here/corpus/$target" ] || { log "no corpus for target '$target'"; return 2; }
  case "$engine" in
    afl) campaign_afl "$target" "$seconds" ;;
    libfuzzer) campaign_libfuzzer "$target" "$seconds" ;;
    *) log "unknown FUZZ_ENGINE '$engine' (afl or libfuzzer)"; return 2 ;;
  esac
}

campaign_afl() {
  local target=$1 seconds=$2
  local in=$work/in/$target out=$work/findings/$target
  prepare_seeds "$target" "$in"
  rm -rf "$out"
  mkdir -p "$work/logs" "$work/findings"
  local seeds
  seeds=$(find "$in" -type f | wc -l)
  local dict=()
  [ -f "$here/dict/$target.dict" ] && dict=(-x "$here/dict/$target.dict")
  log "campaign $target (afl, $jobs instances): ${seconds}s, $seeds seeds, -t $timeout_ms, heap limit $heap_limit"
  # .NET needs: no binary check (dotnet is not afl-compiled), no afl memory limit (the GC limit
  # caps the heap instead), input on stdin (no @@), an explicit timeout. The outer timeout makes
  # sure the campaign ends even if afl-fuzz stalls. Instance 0 is the main (-M: deterministic
  # stages), the others secondaries (-S); all sync through $out.
  local i name pids=() names=() rc=0 failed=0
  for ((i = 0; i < jobs; i++)); do
    if [ "$i" -eq 0 ]; then name=main; role=(-M main); else name=s$i; role=(-S "s$i"); fi
    names+=("$name")
    AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1 \
    AFL_NO_AFFINITY=1 AFL_FAST_CAL=1 AFL_FORKSRV_INIT_TMOUT=60000 \
    DOTNET_GCHeapHardLimit=$heap_limit \
      timeout --kill-after=30 $((seconds + 600)) \
      nice -n "$nice_level" afl-fuzz "${role[@]}" -i "$in" -o "$out" "${dict[@]}" -t "$timeout_ms" -m none -V "$seconds" \
        -- "$(command -v dotnet)" "$fuzz_dir/WebSocketKit.Fuzz.dll" "$target" >"$work/logs/$target.$name.log" 2>&1 &
    pids+=($!)
  done
  local dirs=() findings=() f
  for ((i = 0; i < jobs; i++)); do
    rc=0
    wait "${pids[$i]}" || rc=$?
    name=${names[$i]}
    if [ $rc -ne 0 ] || [ ! -f "$out/$name/fuzzer_stats" ]; then
      log "afl-fuzz instance $name failed for $target (exit $rc); last lines of $work/logs/$target.$name.log:"
      tail -n 40 "$work/logs/$target.$name.log" >&2
      failed=1
      continue
    fi
    dirs+=("$out/$name")
    for f in "$out/$name"/crashes/id:*; do findings+=("crash:$f"); done
    for f in "$out/$name"/hangs/id:*; do findings+=("hang:$f"); done
  done
  [ $failed -eq 0 ] || return 1
  write_afl_summary "$target" "$seconds" "$seeds" "${dirs[@]}"
  collect_findings "$target" "${findings[@]}"
  local queue=()
  for f in "$out"/*/queue/id:*; do queue+=("$f"); done
  refresh_cache "$target" "${queue[@]}"
}

# libFuzzer in fork mode: the parent runs $jobs child fuzzers (each a launcher plus its .NET process),
# merges what they find into the corpus folder, and writes findings to crashes/ (it goes on after one).
campaign_libfuzzer() {
  local target=$1 seconds=$2
  local corpus=$work/libfuzzer-corpus/$target out=$work/findings/$target
  prepare_seeds "$target" "$corpus"
  rm -rf "$out"
  mkdir -p "$out/crashes" "$work/logs"
  local seeds start
  seeds=$(find "$corpus" -type f | wc -l)
  start=$(distinct_files "$corpus")
  local dict=()
  [ -f "$here/dict/$target.dict" ] && dict=(-dict="$here/dict/$target.dict")
  local log_file=$work/logs/$target.libfuzzer.log rc=0
  log "campaign $target (libfuzzer, -fork=$jobs): ${seconds}s, $seeds seeds, -timeout $(((timeout_ms + 999) / 1000))s, heap limit $heap_limit"
  WSK_FUZZ_TARGET=$target WSK_FUZZ_PAYLOAD=$fuzz_dir/WebSocketKit.Fuzz.dll DOTNET_GCHeapHardLimit=$heap_limit \
    timeout --kill-after=30 $((seconds + 600)) \
    nice -n "$nice_level" "$launcher_bin" -fork="$jobs" -max_total_time="$seconds" -timeout=$(((timeout_ms + 999) / 1000)) \
      -rss_limit_mb=4096 -max_len=$((64 * 1024)) -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
      -artifact_prefix="$out/crashes/" "${dict[@]}" "$corpus" >"$log_file" 2>&1 || rc=$?
  # The status lines: "#<execs>: cov: .. ft: <features> corp: <n> exec/s <n> oom/timeout/crash: a/b/c time: <s>s job: .."
  local last
  last=$(grep -E '^#[0-9]+: cov:' "$log_file" | tail -n1 || true)
  if [ -z "$last" ]; then
    log "libFuzzer failed for $target (exit $rc); last lines of $log_file:"
    tail -n 40 "$log_file" >&2
    return 1
  fi
  local execs features run_time timeouts crashes ooms end
  execs=$(echo "$last" | sed -nE 's/^#([0-9]+):.*/\1/p')
  features=$(echo "$last" | sed -nE 's/.* ft: ([0-9]+).*/\1/p')
  run_time=$(echo "$last" | sed -nE 's/.* time: ([0-9]+)s.*/\1/p')
  IFS=/ read -r ooms timeouts crashes <<<"$(echo "$last" | sed -nE 's#.*oom/timeout/crash: ([0-9]+/[0-9]+/[0-9]+).*#\1#p')"
  end=$(distinct_files "$corpus")
  mkdir -p "$results"
  local json=$results/$target.json
  {
    printf '{\n'
    printf '  "target": "%s",\n' "$target"
    printf '  "engine": "libfuzzer",\n'
    commit_fields
    printf '  "budget_seconds": %s,\n' "$seconds"
    printf '  "finished_utc": "%s",\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    printf '  "libfuzzer": "%s",\n' "$(clang --version | head -n1)"
    printf '  "instances": %s,\n' "$jobs"
    printf '  "run_time_seconds": %s,\n' "${run_time:-0}"
    printf '  "execs_done": %s,\n' "${execs:-0}"
    printf '  "execs_per_sec": %s,\n' "$(awk -v e="${execs:-0}" -v t="${run_time:-0}" 'BEGIN { printf "%.2f", (t > 0 ? e / t : 0) }')"
    printf '  "seeds": %s,\n' "$seeds"
    printf '  "corpus_count_start": %s,\n' "$start"
    printf '  "corpus_count_end": %s,\n' "$end"
    printf '  "corpus_found": %s,\n' "$((end - start))"
    printf '  "features": %s,\n' "${features:-0}"
    printf '  "crashes": %s,\n' "${crashes:-0}"
    printf '  "hangs": %s,\n' "${timeouts:-0}"
    printf '  "ooms": %s,\n' "${ooms:-0}"
    printf '  "corpus_timeline_columns": ["seconds", "corpus_count"],\n'
    printf '  "corpus_timeline": %s\n' "$(corpus_timeline_libfuzzer "$log_file" "${run_time:-0}" "$start")"
    printf '}\n'
  } >"$json"
  log "summary: $json"
  cat "$json" >&2
  local findings=() f
  for f in "$out"/crashes/crash-* "$out"/crashes/oom-*; do findings+=("crash:$f"); done
  for f in "$out"/crashes/timeout-*; do findings+=("hang:$f"); done
  collect_findings "$target" "${findings[@]}"
  refresh_cache "$target" "$corpus"/*
}

# libFuzzer's fork parent reports corp: <n> (the merged corpus) with time: <s>s; the step function of
# those points, starting from the seeds.
corpus_timeline_libfuzzer() {
  local log_file=$1 run_time=$2 start=$3
  grep -E '^#[0-9]+: cov:' "$log_file" | sed -nE 's/.* corp: ([0-9]+).* time: ([0-9]+)s.*/\2 \1/p' \
    | awk -v run="$run_time" -v start="$start" '
        { t[NR] = $1; c[NR] = $2 }
        END {
          out = ""
          for (k = 0; k <= 20; k++) {
            at = run * k / 20; n = start
            for (i = 1; i <= NR; i++) if (t[i] <= at) n = c[i]
            out = out (k ? ", " : "") "[" int(at) ", " n "]"
          }
          print "[" out "]"
        }'
}

replay() {
  local target=$1; shift
  local rc=0 limit=${FUZZ_REPLAY_TIMEOUT:-60}
  DOTNET_GCHeapHardLimit=$heap_limit timeout "$limit" dotnet "$plain_dir/WebSocketKit.Fuzz.dll" --replay "$target" "$@" || rc=$?
  if [ $rc -eq 124 ]; then echo "HANG: the replay did not finish within ${limit}s"; fi
  return $rc
}

targets() { harness --list; }

ensure_engine() {
  case "$engine" in
    afl) ensure_afl ;;
    libfuzzer) build_launcher ;;
    *) log "unknown FUZZ_ENGINE '$engine' (afl or libfuzzer)"; exit 2 ;;
  esac
  [[ "$jobs" =~ ^[1-9][0-9]*$ ]] || { log "FUZZ_JOBS must be a positive number, not '$jobs'"; exit 2; }
}

cmd=${1:-}
case "$cmd" in
  fuzz)
    target=${2:?usage: run.sh fuzz <target> [seconds]}
    ensure_engine; publish_plain
    targets | grep -x "$target" >/dev/null || { log "unknown target '$target'; targets: $(targets | xargs)"; exit 2; }
    publish_instrumented
    campaign "$target" "${3:-600}"
    ;;
  all)
    ensure_engine; publish_plain; publish_instrumented
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
    sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
