#!/usr/bin/env bash
# action.yml, step 1: install the wsconform .NET tool into the runner's temp folder and put it on the PATH.
set -euo pipefail
dir="$RUNNER_TEMP/wsconform-tool"
args=(tool install wsconform --tool-path "$dir")
[ -n "${INPUT_VERSION:-}" ] && args+=(--version "$INPUT_VERSION")
[ -n "${INPUT_SOURCE:-}" ] && args+=(--add-source "$INPUT_SOURCE")
if [ -x "$dir/wsconform" ]; then echo "wsconform already installed in $dir"; else dotnet "${args[@]}"; fi
echo "$dir" >> "$GITHUB_PATH"
