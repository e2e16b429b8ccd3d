#!/usr/bin/env bash
# Runs action.yml's steps here the way GitHub's runner runs a composite action: each `run:` step through bash with its
# `env:` mapping (the ${{ inputs.* }} and ${{ steps.*.outputs.* }} expressions filled in), GITHUB_OUTPUT,
# GITHUB_STEP_SUMMARY, GITHUB_PATH and RUNNER_TEMP set, `if: always()` honoured, and the job failing at the first
# failing step. The `uses:` upload step cannot run here; its path is checked to hold the reports instead.
# Needs WSCONFORM_FEED and WSCONFORM_VERSION (a packed tool), TEST_URL (a passing server), BROKEN_URL (a failing one).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)

run_action() {   # run_action NAME key=value... ; prints the job's result and leaves files in $job
  local name=$1; shift
  job=$(mktemp -d /tmp/wsconform-action.XXXXXX)
  mkdir -p "$job/temp" "$job/workspace"
  : >"$job/summary.md"; : >"$job/path"
  RUNNER_TEMP="$job/temp" GITHUB_ACTION_PATH="$repo" GITHUB_WORKSPACE="$job/workspace" GITHUB_STEP_SUMMARY="$job/summary.md" \
  GITHUB_PATH="$job/path" GITHUB_ACTIONS=true GITHUB_JOB="$name" \
    /usr/bin/python3 - "$repo/action.yml" "$@" <<'EOF'
import os, re, subprocess, sys, tempfile, yaml

action = yaml.safe_load(open(sys.argv[1]))
inputs = {k: str(v.get("default", "")) for k, v in action["inputs"].items()}
for kv in sys.argv[2:]:
    k, v = kv.split("=", 1)
    assert k in inputs, f"action.yml has no input '{k}'"
    inputs[k] = v
outputs = {}   # step id -> {name: value}

def expr(text):
    def one(m):
        e = m.group(1).strip()
        if e.startswith("inputs."):
            return inputs[e[len("inputs."):]]
        if e.startswith("steps."):
            _, sid, _, key = e.split(".", 3)
            return outputs.get(sid, {}).get(key, "")
        raise SystemExit(f"expression not handled by this harness: {e}")
    return re.sub(r"\$\{\{(.*?)\}\}", one, str(text))

failed = False
for step in action["runs"]["steps"]:
    cond = str(step.get("if", ""))
    if failed and "always()" not in cond:
        continue
    if "uses" in step:
        assert step["uses"].startswith("actions/upload-artifact@"), step["uses"]
        path = expr(step["with"]["path"])
        if path and os.path.isdir(path) and os.listdir(path):
            print(f"[{step['name']}] would upload {path}: {sorted(os.listdir(path))}")
        else:
            print(f"[{step['name']}] warning: no files to upload at '{path}' (if-no-files-found: warn)")
        continue
    env = dict(os.environ)
    extra = os.path.join(os.environ["GITHUB_PATH"])
    env["PATH"] = os.pathsep.join([l.strip() for l in open(extra) if l.strip()] + [env["PATH"]])
    for k, v in (step.get("env") or {}).items():
        env[k] = expr(v)
    out = tempfile.NamedTemporaryFile(delete=False, dir=os.environ["RUNNER_TEMP"])
    env["GITHUB_OUTPUT"] = out.name
    print(f"[{step['name']}] $ {expr(step['run'])}", flush=True)
    code = subprocess.run(["bash", "-e", "-c", expr(step["run"])], env=env).returncode
    outputs[step.get("id", "")] = dict(l.rstrip("\n").split("=", 1) for l in open(out.name) if "=" in l)
    if code != 0:
        print(f"[{step['name']}] failed with exit {code}")
        failed = True
print("job:", "failed" if failed else "succeeded")
sys.exit(1 if failed else 0)
EOF
}

check() { if eval "$2"; then echo "ok: $1"; else echo "NOT OK: $1"; exit 1; fi; }

# A passing server: the job succeeds, the summary is in the job summary, the reports are in the artifact folder.
run_action pass url="$TEST_URL" agent=ws-node cases="1.* 2.* 7.1.*" source="$WSCONFORM_FEED" version="$WSCONFORM_VERSION"
check "passing server: the job succeeds" "true"
check "passing server: the job summary holds the chapter table" "grep -q '^|' '$job/summary.md' && grep -qi 'passed' '$job/summary.md'"
reports=$(ls -d "$job"/temp/wsconform-reports*)
check "passing server: the artifact folder holds index.html, junit.xml, summary.md" "[ -f '$reports/index.html' ] && [ -f '$reports/junit.xml' ] && [ -f '$reports/summary.md' ]"
rm -rf "$job"

# A failing server: the job fails at the verdict step, after the reports were written.
if run_action fail url="$BROKEN_URL" agent=broken cases="6.3.* 1.1.1" source="$WSCONFORM_FEED" version="$WSCONFORM_VERSION"; then
  echo "NOT OK: failing server: the job succeeded"; exit 1
fi
check "failing server: the job fails" "true"
check "failing server: the job summary names the failing cases" "grep -q '6.3.1' '$job/summary.md' && grep -q 'FAILED' '$job/summary.md'"
rm -rf "$job"

# Neither url nor client-command: could not run (2), the job fails.
if run_action none source="$WSCONFORM_FEED" version="$WSCONFORM_VERSION"; then echo "NOT OK: no target: the job succeeded"; exit 1; fi
check "no url and no client-command: the job fails" "true"
rm -rf "$job"
echo "action steps: all checks passed"
