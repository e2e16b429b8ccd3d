# Sourced by the profile scripts: one perf report as a fenced block for the Markdown results.
# perf_block DATA SORT LINES [MATCH] [TITLE]: the top LINES rows of `perf report --sort SORT` (rows matching
# the extended regex MATCH when given), with the runtime's JIT thread ids and long signatures trimmed.
perf_block() {
  local data=$1 sort=$2 lines=$3 match=${4:-.} title=${5:-}
  [ -n "$title" ] && printf '%s\n\n' "$title"
  echo '```'
  # head closes the pipe early on purpose, so pipefail is off for this one
  (set +o pipefail
   perf report -i "$data" --no-children --sort "$sort" -g none 2>/dev/null | grep -vE '^#|^$' | grep -E -- "$match" | head -"$lines" \
     | sed -E 's/\[JIT\] tid [0-9]+ +//; s/\(valuetype[^)]*\)|\(class[^)]*\)//g' | cut -c1-170)
  echo '```'
  echo
}
