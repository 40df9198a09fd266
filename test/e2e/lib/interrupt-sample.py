#!/usr/bin/env python3
"""Starts `MODEL sample --init -n N -o OUT.npy`, waits until it has shown
progress, sends it SIGINT and prints its output, how it ended ("killed by
SIGINT" or "exit N") and the shape the written .npy file declares.

    interrupt-sample.py MODEL N OUT.npy
"""
import re
import signal
import subprocess
import sys
import time

model, n, out = sys.argv[1:4]
with open(out + ".stdout", "w") as stdout, open(out + ".stderr", "w") as stderr:
    run = subprocess.Popen([model, "sample", "--init", "-n", n, "-o", out],
                           stdout=stdout, stderr=stderr)
    for _ in range(3000):
        with open(out + ".stderr") as f:
            if "sample step" in f.read():
                break
        time.sleep(0.1)
    run.send_signal(signal.SIGINT)
    try:
        status = run.wait(timeout=300)
    except subprocess.TimeoutExpired:  # a test that fails, not one that hangs
        run.kill()
        status = run.wait()
        print("did not stop")

with open(out + ".stdout") as f:
    sys.stdout.write(f.read())
print("killed by " + signal.Signals(-status).name if status < 0
      else f"exit {status}")
with open(out, "rb") as f:
    header = f.read(256).decode("latin1")
shape = re.search(r"'shape': \(([^)]*)\)", header)
print("npy shape (" + (shape.group(1) if shape else "?") + ")")
