#!/usr/bin/env python3
"""Summarises a dotnet-trace sampled thread-time profile (converted to speedscope JSON) by where
the threads' time went: waiting or spinning, the socket engine's epoll thread, socket system calls,
the WebSocket implementation's own managed code, and the rest. Usage: summarize.py FILE.json [LABEL]"""
import collections
import json
import sys

path = sys.argv[1]
label = sys.argv[2] if len(sys.argv) > 2 else path
doc = json.load(open(path))
frames = [f["name"] for f in doc["shared"]["frames"]]
# Frames that are the implementation under test (ours or System.Net.WebSockets).
IMPL = ("WebSocketKit.Conn", "Conn+<", "Conn.", "WebSocketKit.Protocol", "ManagedWebSocket", "System.Net.WebSockets")
WAIT = ("Wait", "Spin", "Sleep", "PollGC")


def category(stack):
    # The sampler ends each stack with a pseudo-frame: CPU_TIME (managed code running) or
    # UNMANAGED_CODE_TIME (in native code: a system call, a wait, the runtime).
    names = [frames[i] for i in stack]
    running = names[-1] == "CPU_TIME"
    real = [n for n in names if n not in ("CPU_TIME", "UNMANAGED_CODE_TIME")]
    joined = " ".join(real)
    leaf = real[-1] if real else ""
    if "SocketAsyncEngine.EventLoop" in joined:
        return "socket engine thread (epoll wait and dispatch)"
    if any(w in leaf for w in WAIT):
        return "thread pool waiting or spinning"
    if "SocketPal" in joined or "Interop+Sys" in joined:
        return "socket system calls (native)"
    if not running:
        return "other native time (runtime)"
    if any(m in leaf for m in IMPL):
        return "implementation's own managed code (exclusive)"
    if any(m in joined for m in IMPL):
        return "managed code called by the implementation (BCL)"
    return "other managed code (thread pool, harness)"


totals = collections.Counter()
for profile in doc["profiles"]:
    stack, last = [], None
    for ev in profile.get("events", []):
        at = ev["at"]
        if last is not None and stack and at > last:
            totals[category(stack)] += at - last
        if ev["type"] == "O":
            stack.append(ev["frame"])
        else:
            # Close events match the innermost open frame.
            if stack:
                stack.pop()
        last = at

total = sum(totals.values())
print(f"## {label}\n")
print("| where the sampled thread time went | share of all thread time |")
print("|---|---:|")
for k, v in totals.most_common():
    print(f"| {k} | {100 * v / total:.1f}% |")
print()
