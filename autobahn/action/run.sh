#!/usr/bin/env bash
# action.yml, step 2: run wsconform against the URL (server mode) or the client command (client mode). The exit code
# goes to the step's outputs, not to the step itself, so the reports are uploaded before the verdict step fails the job.
set -uo pipefail
wsconform=$(command -v wsconform || echo "$RUNNER_TEMP/wsconform-tool/wsconform")
reports="$RUNNER_TEMP/wsconform-reports${INPUT_SHARD:+-${INPUT_SHARD//\//-of-}}"
if [ -n "${INPUT_URL:-}" ] && [ -n "${INPUT_CLIENT_COMMAND:-}" ]; then
  echo "::error::give either url or client-command, not both"; echo "exit-code=2" >> "$GITHUB_OUTPUT"; exit 0
elif [ -n "${INPUT_URL:-}" ]; then
  args=(server "$INPUT_URL")
elif [ -n "${INPUT_CLIENT_COMMAND:-}" ]; then
  args=(client --exec "$INPUT_CLIENT_COMMAND")
else
  echo "::error::give url (a server to test) or client-command (a client to test)"; echo "exit-code=2" >> "$GITHUB_OUTPUT"; exit 0
fi
args+=(--reports "$reports" --junit "$reports/junit.xml" --summary "$reports/summary.md")
[ -n "${INPUT_AGENT:-}" ] && args+=(--agent "$INPUT_AGENT")
# Patterns are space-separated; set -f keeps the shell from expanding 1.* against file names.
set -f
[ -n "${INPUT_CASES:-}" ] && args+=(--cases $INPUT_CASES)
[ -n "${INPUT_EXCLUDE_CASES:-}" ] && args+=(--exclude-cases $INPUT_EXCLUDE_CASES)
[ -n "${INPUT_PROFILE:-}" ] && args+=(--profile "$INPUT_PROFILE")
[ -n "${INPUT_SHARD:-}" ] && args+=(--shard "$INPUT_SHARD")
[ -n "${INPUT_EXPECT:-}" ] && args+=(--expect "$INPUT_EXPECT")
[ -n "${INPUT_COMPRESSION:-}" ] && args+=(--compression "$INPUT_COMPRESSION")
[ -n "${INPUT_ARGS:-}" ] && args+=($INPUT_ARGS)
set +f
mkdir -p "$reports"
# wsconform appends the summary to $GITHUB_STEP_SUMMARY itself.
"$wsconform" "${args[@]}"
code=$?
echo "exit-code=$code" >> "$GITHUB_OUTPUT"
echo "reports=$reports" >> "$GITHUB_OUTPUT"
if [ $code -eq 1 ]; then echo "::error::wsconform: cases FAILED (see the job summary and the reports artifact)"; fi
if [ $code -ge 2 ]; then echo "::error::wsconform could not run (exit $code)"; fi
exit 0
