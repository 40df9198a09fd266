"""The benchmark: every reference model's training step, compiled by gmc and
in PyTorch eager, side by side on this machine, in one run.

    python3 bench/run.py [--models vae,dcgan] [--steps 30] [--rounds 3]
                         [--out bench/RESULTS.md]

Per model: gmc's compile time; ms/step (median of --steps steps after 5 of
warm-up), images/s and peak RSS of the compiled trainer and of PyTorch
(Debian's python3-torch run by /usr/bin/python3, 2 threads); FLOPs per step
counted from the IR (`info`); achieved GFLOP/s against the machine's oneDNN
sgemm peak (gm-bench-peak). PixelCNN's sampling time per image (the
trainer's `sample`, one call of its sampler after the measured steps; skip
with --no-sampling). Writes the table to bench/RESULTS.md.

The machine's speed drifts by up to 2x over minutes (a shared VM), so the
measurements are interleaved: each of --rounds rounds measures the peak,
then every model in gmc f32, gmc bf16 and PyTorch; each figure is the median
over rounds of the per-round medians.
"""

import re

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("GMC_BUILD_DIR", os.path.join(ROOT, "build"))
TORCH_PYTHON = "/usr/bin/python3"
BATCH = 64
WARMUP = 5
# The phase each model's step is measured on.
PHASES = {"vae": "train", "dcgan": "train", "wgan_gp": "train",
          "pixelcnn": "train", "vqvae2": "stage1"}


class MeasuredPopen(subprocess.Popen):
    """Popen that keeps the child's own peak RSS when it is reaped (the
    RUSAGE_CHILDREN total would mix all children): wait4 instead of
    waitpid."""

    maxrss = 0

    def _try_wait(self, wait_flags):
        pid, status, usage = os.wait4(self.pid, wait_flags)
        if pid:
            self.maxrss = usage.ru_maxrss * 1024
        return (pid, status)


def run(command, env=None):
    """Runs `command`; returns (stdout, wall seconds, peak RSS bytes)."""
    start = time.perf_counter()
    process = MeasuredPopen(command, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, text=True)
    out, err = process.communicate()
    wall = time.perf_counter() - start
    if process.returncode != 0:
        sys.exit(f"bench: {' '.join(command)} failed:\n{err}")
    return out, wall, process.maxrss


def compile_gmc(model, work, precision):
    """Compiles `model` three times; returns the trainer, the median compile
    time and what `info` says of the measured phase."""
    source = os.path.join(ROOT, "models", model + ".gm")
    trainer = os.path.join(work, f"{model}-{precision}")
    gmc = os.path.join(BUILD, "bin", "gmc")
    compile_times = []
    for _ in range(3):
        _, wall, _ = run([gmc, "compile", source, "-o", trainer,
                          f"--precision={precision}"])
        compile_times.append(wall)
    info = json.loads(run([trainer, "info", "--json"])[0])
    entry = next(e for e in info["entries"]
                 if e["kind"] == "phase" and e["name"] == PHASES[model])
    return {"trainer": trainer, "compile_s": statistics.median(compile_times),
            "flops": entry["flops"], "arena": entry["arena_bytes"],
            "naive_arena": entry.get("naive_arena_bytes", 0),
            "variables": info["variables_bytes"]}


def train_gmc(model, compiled, steps, data, work):
    """One timed run of the compiled trainer: the median step and peak
    RSS. Each round starts afresh (--overwrite), its metrics log holding
    only its own steps."""
    out_dir = os.path.join(work, os.path.basename(compiled["trainer"]) + "-run")
    _, _, rss = run([compiled["trainer"], "train", "--phase", PHASES[model],
                     "--steps", str(WARMUP + steps), "--log-every", "1",
                     "--threads", "2", "--data", data, "--out", out_dir,
                     "--checkpoint-every", str(10 ** 9), "--overwrite"])
    with open(os.path.join(out_dir, "metrics.jsonl")) as f:
        records = [json.loads(line) for line in f]
    times = [r["step_ms"] for r in records if r["step"] > WARMUP]
    return {"step_ms": statistics.median(times), "rss": rss,
            "checkpoint": os.path.join(out_dir, "checkpoint.safetensors")}


def sample_ms(compiled, checkpoint, work):
    """PixelCNN's sampling: ms per image of one sampler call."""
    out, _, _ = run([compiled["trainer"], "sample", "--threads", "2",
                     "--checkpoint", checkpoint,
                     "-o", os.path.join(work, "samples.png")])
    return float(re.search(r"([0-9.e+]+) ms/image", out)[1])


def median_over_rounds(runs):
    """The rounds' runs as one: the median of each timing, the largest
    peak RSS."""
    return {"step_ms": statistics.median(r["step_ms"] for r in runs),
            "rss": max(r["rss"] for r in runs)}


def measure_torch(model, steps):
    script = os.path.join(ROOT, "bench", "peers", "run_torch.py")
    env = dict(os.environ, OMP_NUM_THREADS="2")
    out, _, rss = run([TORCH_PYTHON, script, model, "--threads", "2",
                       "--warmup", str(WARMUP), "--steps", str(steps)], env)
    result = json.loads(out)
    return {"step_ms": statistics.median(result["step_ms"]), "rss": rss,
            "version": result["torch"]}


def machine():
    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", default=",".join(PHASES))
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3,
                        help="interleaved rounds over all models (medians)")
    parser.add_argument("--data", default="/usr/share/datasets")
    parser.add_argument("--out", default=os.path.join(ROOT, "bench", "RESULTS.md"))
    parser.add_argument("--no-sampling", action="store_true",
                        help="skip timing PixelCNN's sampling (about 2 minutes)")
    args = parser.parse_args()
    models = args.models.split(",")

    env = dict(os.environ, OMP_NUM_THREADS="2")
    peaks = []
    runs = {m: {"f32": [], "bf16": [], "torch": []} for m in models}
    torch_version = "?"
    with tempfile.TemporaryDirectory(prefix="gmc-bench-") as work:
        compiled = {}
        for model in models:
            print(f"bench: {model}: compiling ...", file=sys.stderr)
            compiled[model] = {p: compile_gmc(model, work, p)
                               for p in ("f32", "bf16")}
        for r in range(args.rounds):
            peak_out = subprocess.run(
                [os.path.join(BUILD, "bin", "gm-bench-peak")],
                capture_output=True, text=True, env=env, check=True)
            peaks.append(json.loads(peak_out.stdout))
            for model in models:
                print(f"bench: round {r + 1}/{args.rounds}: {model} ...",
                      file=sys.stderr)
                for p in ("f32", "bf16"):
                    runs[model][p].append(train_gmc(
                        model, compiled[model][p], args.steps, args.data, work))
                theirs = measure_torch(model, args.steps)
                torch_version = theirs["version"]
                runs[model]["torch"].append(theirs)
                print("bench:   ms/step: " + ", ".join(
                    f"{k} {v[-1]['step_ms']:.1f}"
                    for k, v in runs[model].items()), file=sys.stderr)
        rows = []
        for model in models:
            ours = dict(compiled[model]["f32"],
                        **median_over_rounds(runs[model]["f32"]))
            ours["bf16"] = median_over_rounds(runs[model]["bf16"])
            if model == "pixelcnn" and not args.no_sampling:
                print("bench: pixelcnn: sampling ...", file=sys.stderr)
                ours["sample_ms"] = sample_ms(
                    compiled[model]["f32"], runs[model]["f32"][-1]["checkpoint"],
                    work)
            rows.append((model, ours, median_over_rounds(runs[model]["torch"])))
    peak = {k: statistics.median(p[k] for p in peaks)
            for k in ("sgemm_f32_gflops", "matmul_bf16_gflops")}

    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    lines = [
        "# Benchmark results",
        "",
        f"Measured {datetime.date.today()} at commit {commit} by "
        f"`scripts/bench.sh` (`python3 bench/run.py --steps {args.steps} "
        f"--rounds {args.rounds}`), "
        f"on {machine()}.",
        "",
        f"Training step of each model at batch {BATCH}, 2 threads: gmc's "
        f"compiled trainer (`train --threads 2`, real Fashion-MNIST batches) "
        f"against PyTorch {torch_version} eager (Debian's python3-torch with "
        f"OpenBLAS (OpenMP) and its bundled oneDNN, `set_num_threads(2)`, a "
        f"fixed synthetic batch); img/s is {BATCH} images a step (a WGAN-GP "
        f"step reads five batches of real images for its critic, which the "
        f"trainer's own img/s counts). Times are medians of {args.steps} steps "
        f"after {WARMUP} of warm-up, in {args.rounds} rounds that interleave "
        f"all runs (the median over rounds; the machine's speed drifts); "
        f"peak RSS is the whole process's, the largest of the rounds. FLOPs "
        f"per step are counted from the IR (`./model info`); the machine's "
        f"peak is oneDNN's sgemm on 2 threads (median over rounds), "
        f"{peak['sgemm_f32_gflops']:.0f} GFLOP/s f32 "
        f"(bf16 matmul: {peak['matmul_bf16_gflops']:.0f} GFLOP/s; this CPU "
        f"has no AMX).",
        "",
        "| model | gmc ms/step | gmc img/s | PyTorch ms/step | PyTorch img/s "
        "| speed-up | GFLOP/step | gmc GFLOP/s | % of sgemm peak | gmc peak RSS "
        "| PyTorch peak RSS | compile s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for model, ours, theirs in rows:
        gflops = ours["flops"] / 1e9
        achieved = gflops / (ours["step_ms"] / 1000)
        lines.append(
            f"| {model} | {ours['step_ms']:.1f} | "
            f"{BATCH / ours['step_ms'] * 1000:.0f} | {theirs['step_ms']:.1f} | "
            f"{BATCH / theirs['step_ms'] * 1000:.0f} | "
            f"{theirs['step_ms'] / ours['step_ms']:.2f}x | {gflops:.2f} | "
            f"{achieved:.0f} | {100 * achieved / peak['sgemm_f32_gflops']:.0f}% | "
            f"{ours['rss'] / 1e6:.0f} MB | {theirs['rss'] / 1e6:.0f} MB | "
            f"{ours['compile_s']:.2f} |")
    lines += [
        "",
        "The same steps compiled with `--precision=bf16` (convolutions and "
        "matmuls on bf16 operands, f32 accumulation, results and master "
        "weights), against the same PyTorch run (f32) and the machine's bf16 "
        "matmul peak:",
        "",
        "| model | gmc bf16 ms/step | gmc bf16 img/s | speed-up vs PyTorch "
        "| bf16 over f32 | gmc bf16 GFLOP/s | % of bf16 peak | peak RSS |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for model, ours, theirs in rows:
        bf = ours["bf16"]
        achieved = ours["flops"] / 1e9 / (bf["step_ms"] / 1000)
        lines.append(
            f"| {model} | {bf['step_ms']:.1f} | "
            f"{BATCH / bf['step_ms'] * 1000:.0f} | "
            f"{theirs['step_ms'] / bf['step_ms']:.2f}x | "
            f"{ours['step_ms'] / bf['step_ms']:.2f}x | {achieved:.0f} | "
            f"{100 * achieved / peak['matmul_bf16_gflops']:.0f}% | "
            f"{bf['rss'] / 1e6:.0f} MB |")
    lines += ["", "Planned memory of the measured phase (arena, with the naive "
              "size in parentheses: every value its own bytes, no reuse; then "
              "the variables): " + ", ".join(
                  f"{m} {o['arena'] / 1e6:.1f} ({o['naive_arena'] / 1e6:.1f}) "
                  f"+ {o['variables'] / 1e6:.1f} MB"
                  for m, o, _ in rows) + "."]
    for m, o, _ in rows:
        if "sample_ms" in o:
            lines += ["", f"Sampling {m} (`sample --threads 2`, one call of "
                      f"the sampler, pixel by pixel in raster order): "
                      f"{o['sample_ms']:.0f} ms/image."]
    text = "\n".join(lines) + "\n"
    write_results(args.out, text)
    print(text)


BEGIN, END = "<!-- bench/run.py: begin -->", "<!-- bench/run.py: end -->"


def write_results(path, table):
    """Replaces the generated part of `path` (between the markers), keeping
    what is written by hand around it (the optimizations' measured
    effects)."""
    before, after = "", ""
    if os.path.exists(path):
        with open(path) as f:
            old = f.read()
        if BEGIN in old and END in old:
            before = old[:old.index(BEGIN)]
            after = old[old.index(END) + len(END):]
    with open(path, "w") as f:
        f.write(f"{before}{BEGIN}\n{table}{END}{after}")


if __name__ == "__main__":
    main()
