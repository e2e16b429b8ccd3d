#!/usr/bin/env python3
"""Checks GitHub workflow files: each parses as YAML, has `on:` triggers and jobs with steps, and every `run:` step
calls only make targets the Makefile defines or executable scripts of the repository (shell glue belongs in a script,
where it can be run and read).
Usage: check-workflows.py REPO_ROOT [WORKFLOW_DIR]. Prints each problem; exit 1 on any."""
import os, re, shlex, sys
import yaml

root = os.path.abspath(sys.argv[1])
wf_dir = sys.argv[2] if len(sys.argv) > 2 else os.path.join(root, ".github", "workflows")
makefile = open(os.path.join(root, "Makefile")).read()
targets = set()
for m in re.finditer(r"^([A-Za-z0-9_./%-][A-Za-z0-9_./% -]*?)\s*:(?![=:])", makefile, re.M):
    targets.update(t for t in m.group(1).split() if not t.startswith("."))

def commands(script):
    """The simple commands of a run: script: lines joined at backslashes, split at ; && || | and newlines."""
    text = re.sub(r"\$\{\{.*?\}\}", "EXPR", script, flags=re.S).replace("\\\n", " ")
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        for part in re.split(r"&&|\|\||;|\|", line):
            if part.strip():
                yield part.strip()

def check_command(cmd):
    if "$(" in cmd or "`" in cmd:
        return f"'{cmd}': command substitution; put the logic in a script"
    try:
        words = shlex.split(cmd, comments=True)
    except ValueError as e:
        return f"'{cmd}': {e}"
    words = [w for w in words if not re.fullmatch(r"\d*>>?.*|<.*", w)]  # redirections
    while words and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", words[0]):
        words.pop(0)  # VAR=value before the command
    if not words:
        return None
    program, args = words[0], words[1:]
    if program == "make":
        named = [a for a in args if not a.startswith("-") and "=" not in a]
        if not named:
            return f"'{cmd}': make without a target"
        missing = [t for t in named if t not in targets]
        return f"'{cmd}': the Makefile has no target {', '.join(missing)}" if missing else None
    if "/" in program:
        path = os.path.normpath(os.path.join(root, program))
        if not path.startswith(root + os.sep) or not os.path.isfile(path):
            return f"'{cmd}': {program} is not a file of the repository"
        if not os.access(path, os.X_OK):
            return f"'{cmd}': {program} is not executable"
        return None
    return f"'{cmd}': calls {program}, which is neither make nor a script of the repository"

problems, count, runs = [], 0, 0
files = sorted(f for f in os.listdir(wf_dir) if f.endswith((".yml", ".yaml")))
if not files:
    problems.append(f"no workflow files in {wf_dir}")
for name in files:
    count += 1
    try:
        doc = yaml.safe_load(open(os.path.join(wf_dir, name)))
    except yaml.YAMLError as e:
        problems.append(f"{name}: not valid YAML: {str(e).splitlines()[0]}")
        continue
    if not isinstance(doc, dict):
        problems.append(f"{name}: not a mapping")
        continue
    # YAML 1.1 reads the key `on` as true.
    triggers = doc.get("on", doc.get(True))
    if not triggers:
        problems.append(f"{name}: no on: triggers")
    jobs = doc.get("jobs")
    if not isinstance(jobs, dict) or not jobs:
        problems.append(f"{name}: no jobs")
        continue
    for job_name, job in jobs.items():
        if not isinstance(job, dict) or ("steps" not in job and "uses" not in job):
            problems.append(f"{name}: job {job_name} has no steps")
            continue
        if "uses" not in job and "runs-on" not in job:
            problems.append(f"{name}: job {job_name} has no runs-on")
        for i, step in enumerate(job.get("steps") or []):
            if not isinstance(step, dict) or ("run" not in step and "uses" not in step):
                problems.append(f"{name}: job {job_name} step {i + 1} has neither run nor uses")
                continue
            if "run" in step:
                runs += 1
                for cmd in commands(str(step["run"])):
                    if (p := check_command(cmd)) is not None:
                        problems.append(f"{name}: job {job_name} step {i + 1}: {p}")
for p in problems:
    print("check-workflows: " + p)
print(f"check-workflows: {count} workflows, {runs} run steps, {len(problems)} problems")
sys.exit(1 if problems else 0)
