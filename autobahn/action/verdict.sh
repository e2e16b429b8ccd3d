#!/usr/bin/env bash
# action.yml, last step: fail the job when the run failed (1) or could not run (2); the reports are uploaded by then.
set -euo pipefail
code="${EXIT_CODE:-2}"
case "$code" in
  0) echo "wsconform: passed" ;;
  *) echo "wsconform: exit $code"; exit "$code" ;;
esac
