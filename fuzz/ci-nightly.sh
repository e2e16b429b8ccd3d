#!/usr/bin/env bash
# The nightly fuzz workflow's (.github/workflows/fuzz.yml) steps besides the campaign itself (`make fuzz`):
#   fuzz/ci-nightly.sh targets          prints list=<JSON array of the targets> (for $GITHUB_OUTPUT)
#   fuzz/ci-nightly.sh pack TARGET      packs afl's output of TARGET into fuzz-TARGET-afl.tgz (its file names
#                                       are not valid artifact names); nothing to pack is not an error
#   fuzz/ci-nightly.sh verdict TARGET   prints the campaign's crashes and hangs; exit 1 on any, 2 without a summary
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
usage() { echo "usage: fuzz/ci-nightly.sh targets | pack TARGET | verdict TARGET" >&2; exit 2; }
case "${1:-}" in
  targets)
    [ $# -eq 1 ] || usage
    echo "list=$("$here/run.sh" list | jq -R . | jq -cs .)" ;;
  pack)
    [ $# -eq 2 ] || usage
    tar czf "fuzz-$2-afl.tgz" -C "$here/.work/findings" "$2" 2>/dev/null || echo "no afl output for $2" ;;
  verdict)
    [ $# -eq 2 ] || usage
    summary="$here/results/$2.json"
    [ -f "$summary" ] || { echo "no campaign summary at $summary" >&2; exit 2; }
    crashes=$(jq .crashes "$summary")
    hangs=$(jq .hangs "$summary")
    echo "crashes: $crashes, hangs: $hangs"
    [ "$crashes" = 0 ] && [ "$hangs" = 0 ] ;;
  *) usage ;;
esac
