#!/usr/bin/env python3
"""Compares the verdicts of two report folders case by case (both modes, every agent in both).

usage: compare-verdicts.py BEFORE_REPORTS AFTER_REPORTS
Each folder is a runner --reports folder (servers/index.json, clients/index.json). Prints one line per mode and
agent, and every case whose (behavior, behaviorClose) differs; exits 1 on any difference or missing case.
"""
import json
import os
import sys


def verdicts(folder, mode):
    path = os.path.join(folder, mode, "index.json")
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        index = json.load(f)
    return {agent: {case: (r["behavior"], r["behaviorClose"]) for case, r in cases.items()} for agent, cases in index.items()}


def main(before, after):
    differences = 0
    for mode in ("servers", "clients"):
        old, new = verdicts(before, mode), verdicts(after, mode)
        for agent in sorted(set(old) & set(new)):
            a, b = old[agent], new[agent]
            diff = [c for c in sorted(set(a) | set(b)) if a.get(c) != b.get(c)]
            print(f"{mode} {agent}: {len(a)} cases before, {len(b)} after, {len(diff)} differ")
            for c in diff:
                print(f"  {c}: before {a.get(c)}, after {b.get(c)}")
            differences += len(diff)
    return 1 if differences else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
