#!/usr/bin/env python3
"""Starts a long training run, waits until it has logged a step, sends it
SIGNAL (SIGINT unless given: SIGTERM, SIGHUP) and prints its output and how
it ended: "killed by SIGINT" (what a shell script needs to stop, as it does
for any Ctrl-C'd program) or "exit N". Then resumes the run for ten more
steps and prints what that says.

    interrupt.py TRAINER OUTDIR DATAROOT [SIGNAL [ignored]]

With `ignored`, the trainer starts with SIGNAL ignored (as `nohup` starts it
for SIGHUP): it is sent, and the script says whether the trainer still
runs a second later, then stops it with SIGINT.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import time

from stopping import ended, wait_stopped

trainer, out, data = sys.argv[1:4]
stop = getattr(signal, sys.argv[4] if len(sys.argv) > 4 else "SIGINT")
ignored = len(sys.argv) > 5 and sys.argv[5] == "ignored"
shutil.rmtree(out, ignore_errors=True)
with open(out + ".stdout", "w") as stdout, open(out + ".stderr", "w") as stderr:
    run = subprocess.Popen(
        [trainer, "train", "--steps", "100000", "--out", out, "--data", data,
         "--log-every", "10"], stdout=stdout, stderr=stderr,
        preexec_fn=(lambda: signal.signal(stop, signal.SIG_IGN))
        if ignored else None)
    metrics = os.path.join(out, "metrics.jsonl")
    for _ in range(600):
        if os.path.exists(metrics) and os.path.getsize(metrics) > 0:
            break
        time.sleep(0.1)
    run.send_signal(stop)
    if ignored:
        time.sleep(1)
        print(f"{stop.name} ignored: "
              + ("still running" if run.poll() is None else "stopped"))
        run.send_signal(signal.SIGINT)
    status = wait_stopped(run)

with open(out + ".stdout") as f:
    printed = f.read()
sys.stdout.write(printed)
print(ended(status))
sys.stdout.flush()

step = re.search(r"^interrupted at step (\d+);", printed, re.M)
if not step:
    sys.exit(1)
resumed = subprocess.run(
    [trainer, "train", "--steps", str(int(step.group(1)) + 10), "--resume",
     "--out", out, "--data", data], stderr=subprocess.DEVNULL)
sys.exit(resumed.returncode)
