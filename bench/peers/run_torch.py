"""Times a PyTorch eager training step of one reference model.

    /usr/bin/python3 bench/peers/run_torch.py MODEL [--threads 2] [--warmup 5] [--steps 30]

Prints one JSON object: the step times in milliseconds.
"""

import argparse
import json
import sys
import time

import torch

from torch_models import MODELS, reference_blas


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model", choices=sorted(MODELS))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--batch", type=int, default=64)
    args = parser.parse_args()
    blas = reference_blas()
    if blas:
        sys.exit(f"run_torch.py: PyTorch runs on the reference BLAS ({blas}); "
                 "install an optimized one first (scripts/bench.sh installs "
                 "libopenblas0-openmp)")
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    step = MODELS[args.model](args.batch)
    for _ in range(args.warmup):
        step()
    times = []
    for _ in range(args.steps):
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1000)
    print(json.dumps({"step_ms": times, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
