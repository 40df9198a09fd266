#!/usr/bin/env python3
"""Starts `MODEL sample --init -n N -o OUT.npy`, waits until it has shown
progress, sends it SIGNAL (SIGINT unless given) and prints its output, how
it ended ("killed by SIGINT" or "exit N") and the shape the written .npy
file declares ("no file" without one).

    interrupt-sample.py MODEL N OUT.npy [SIGNAL [SECONDS SAMPLER]]

With SECONDS, the signal goes that long after the start instead (a sampler
called once shows no progress), to sampler SAMPLER.
"""
import os
import re
import signal
import subprocess
import sys
import time

from stopping import ended, wait_stopped

model, n, out = sys.argv[1:4]
stop = getattr(signal, sys.argv[4] if len(sys.argv) > 4 else "SIGINT")
after = float(sys.argv[5]) if len(sys.argv) > 5 else None
sampler = ["--sampler", sys.argv[6]] if len(sys.argv) > 6 else []
with open(out + ".stdout", "w") as stdout, open(out + ".stderr", "w") as stderr:
    run = subprocess.Popen(
        [model, "sample", "--init", "-n", n, "-o", out] + sampler,
        stdout=stdout, stderr=stderr)
    if after is not None:
        time.sleep(after)
    else:
        for _ in range(3000):
            with open(out + ".stderr") as f:
                if "sample step" in f.read():
                    break
            time.sleep(0.1)
    run.send_signal(stop)
    status = wait_stopped(run)

with open(out + ".stdout") as f:
    sys.stdout.write(f.read())
print(ended(status))
if not os.path.exists(out):
    print("no file")
    sys.exit(0)
with open(out, "rb") as f:
    header = f.read(256).decode("latin1")
shape = re.search(r"'shape': \(([^)]*)\)", header)
print("npy shape (" + (shape.group(1) if shape else "?") + ")")
