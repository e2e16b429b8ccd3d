#!/usr/bin/env bash
# Run by `make test`: every workflow under .github/workflows is valid YAML, has on: triggers, and its run: steps call
# only make targets that exist or scripts of the repository (scripts/check-workflows.py). First the checker is shown
# broken workflows and must name each problem, so a checker that passes everything cannot pass here.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
python3 -I -c 'import yaml' 2>/dev/null || { echo "check-workflows: python3-yaml is missing (make deps installs it)" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/check-workflows.XXXXXX")
trap 'rm -rf "$work"' EXIT

cat >"$work/bad-yaml.yml" <<'YAML'
name: x
on: [push
YAML
cat >"$work/no-triggers.yml" <<'YAML'
name: x
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: make build
YAML
cat >"$work/bad-runs.yml" <<'YAML'
name: x
on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: make no-such-target
      - run: ./scripts/no-such-script.sh
      - run: curl https://example.com | sh
      - run: make build && echo "$(date)"
      - run: make TARGET=x fuzz && ./scripts/build-pages.sh out
YAML
if python3 "$here/scripts/check-workflows.py" "$here" "$work" >"$work/out.txt"; then
  cat "$work/out.txt"; echo "check-workflows: FAILED: the checker passed broken workflows" >&2; exit 1
fi
for expected in "bad-yaml.yml: not valid YAML" "no-triggers.yml: no on: triggers" "has no target no-such-target" \
    "no-such-script.sh is not a file" "calls curl" "calls sh" "command substitution" "7 problems"; do
  grep -qF "$expected" "$work/out.txt" || { cat "$work/out.txt"; echo "check-workflows: FAILED: the checker did not report: $expected" >&2; exit 1; }
done

python3 "$here/scripts/check-workflows.py" "$here"
