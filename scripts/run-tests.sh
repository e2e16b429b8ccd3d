#!/usr/bin/env bash
# Runs every test project and ends with one plain summary line: "N passed, N failed, N skipped".
set -uo pipefail
config="${1:-Release}"
log=$(mktemp)
# One test project at a time (-m:1): the conformance engine judges peers on 0.5-1 s deadlines, as the
# official suite does, and must not share the two cores with the other test projects while it does.
dotnet test Conformance.sln -c "$config" --no-build -m:1 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
passed=0; failed=0; skipped=0
while read -r f p s; do
  failed=$((failed + f)); passed=$((passed + p)); skipped=$((skipped + s))
done < <(sed -nE 's/.*Failed:[[:space:]]*([0-9]+),[[:space:]]*Passed:[[:space:]]*([0-9]+),[[:space:]]*Skipped:[[:space:]]*([0-9]+).*/\1 \2 \3/p' "$log")
# The failing tests again, each with the first lines of its message, so that the end of a long CI log says which.
if [ "$failed" -ne 0 ]; then
  echo
  echo "failed tests:"
  awk '/^[[:space:]]+Failed [^:]/ { show = 12; print; next }
       show > 0 { print; show--; if ($0 ~ /^[[:space:]]+(Passed|Failed|Skipped) /) show = 0 }' "$log" | head -n 120
fi
rm -f "$log"
echo
echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then exit 1; fi
