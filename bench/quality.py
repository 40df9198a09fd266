"""Sample quality side by side: each model trained by gmc and by PyTorch
eager (bench/peers/train_torch.py: same architecture, initialization and
optimizers) for the same steps on Fashion-MNIST, measured the same way.

    python3 bench/quality.py [--models dcgan,wgan_gp,pixelcnn,vqvae2,vae]
                             [--seeds 0,1,2] [--steps-gan 2000]
                             [--steps-pixelcnn 500] [--steps-vqvae2 2000]
                             [--steps-vae 2000]
                             [--min-uses 1] [--frameworks gmc,pytorch]

- GANs: FID of 10000 samples against the test split, in the feature space
  of models/classifier.gm (trained by gmc first: 10 epochs), and the
  classes the classifier finds among the first 1000 samples; the floor is
  the FID of 10000 training images.
- PixelCNN: test NLL in bits/dim (the trainer's eval; PyTorch's the same
  cross-entropy over the test split).
- VQ-VAE-2 (stage 1, `--min-uses` its dead-code restart, 0 for none): test
  reconstruction MSE and the codebook perplexities, per batch averaged.
- VAE: test negative ELBO in nats/image, with its reconstruction and KL
  parts (the trainer's eval; PyTorch's the same sums, one draw of z).

Writes a JSON line per run to --out (default bench/quality.jsonl) and
prints a table. Slow (about an hour for everything on 2 cores): not part of
the tests.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

from quality_summary import METRICS

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("GMC_BUILD_DIR", os.path.join(ROOT, "build"))
TORCH_PYTHON = "/usr/bin/python3"
PEER = os.path.join(ROOT, "bench", "peers", "train_torch.py")


def run(command):
    start = time.perf_counter()
    out = subprocess.run(command, check=True, capture_output=True, text=True)
    return out.stdout, time.perf_counter() - start


def peer_seconds(text):
    """The training time train_torch.py prints (`N steps in S s`): loading
    the data and sampling or evaluating are not part of it."""
    return float(re.search(r"steps in ([0-9.]+) s", text).group(1))


def trainer_seconds(text):
    """The training time a trainer prints (`... to step N in 1m10s ...`)."""
    m = re.search(r"to step \d+ in (?:(\d+)h)?(?:(\d+)m)?([0-9.]+)s", text)
    h, mins, secs = m.groups()
    return int(h or 0) * 3600 + int(mins or 0) * 60 + float(secs)


def values(line):
    """`name value` pairs of a trainer's eval line."""
    return {k: float(v) for k, v in re.findall(r"  (\w+) ([-0-9.e+]+)", line)}


def commit():
    """The commit measured, `-dirty` if the tree has changes other than to
    the run logs and prose (which do not change what is measured)."""
    head = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain",
                            "--untracked-files=no", "--", ".", ":!*.jsonl",
                            ":!*.md"],
                           capture_output=True, text=True).stdout.strip()
    return head + ("-dirty" if dirty else "") if head else "unknown"


def trainer(work, model, defines=()):
    """The compiled trainer of models/MODEL.gm (consts overridden by
    `defines`, NAME=VALUE), compiled into the work directory again whenever
    gmc or the model is newer than it (a stale trainer would measure an
    older compiler)."""
    path = os.path.join(work, "-".join([model, *defines]))
    gmc = os.path.join(BUILD, "bin", "gmc")
    source = os.path.join(ROOT, "models", model + ".gm")
    if (not os.path.exists(path) or os.path.getmtime(path) <
            max(os.path.getmtime(gmc), os.path.getmtime(source))):
        run([gmc, "compile", source, "-o", path,
             *[arg for d in defines for arg in ("-D", d)]])
    return path


def classifier(work):
    exe = trainer(work, "classifier")
    checkpoint = os.path.join(work, "classifier-run", "checkpoint.safetensors")
    if not os.path.exists(checkpoint):
        run([exe, "train", "--steps", "9375", "--out",
             os.path.join(work, "classifier-run")])
    accuracy = values(run([exe, "eval", "--checkpoint", checkpoint])[0])
    floor = values(run([exe, "eval", "--phase", "floor", "--checkpoint",
                        checkpoint])[0])
    return exe, checkpoint, accuracy["accuracy"], floor["fid"]


def train_and_eval(exe, out, seed, steps, phase=()):
    """Trains a compiled model into `out` and evaluates its checkpoint: the
    training seconds and the eval's reports."""
    text, _ = run([exe, "train", *phase, "--steps", str(steps), "--seed",
                   str(seed), "--out", out, "--overwrite"])
    got = values(run([exe, "eval", "--checkpoint",
                      os.path.join(out, "checkpoint.safetensors")])[0])
    return trainer_seconds(text), got


def fid(clf, samples):
    exe, checkpoint = clf[0], clf[1]
    common = ["--phase", "fid", "--checkpoint", checkpoint,
              "--source", "samples=" + samples]
    full = values(run([exe, "eval"] + common)[0])
    first1000 = values(run([exe, "eval", "--batches", "20"] + common)[0])
    return {"fid": full["fid"], "classes_in_1000": first1000["classes"]}


def gan(model, seed, steps, work, clf, frameworks):
    rows = []
    if "gmc" in frameworks:
        exe = trainer(work, model)
        out = os.path.join(work, f"{model}-gmc-{seed}")
        text, _ = run([exe, "train", "--steps", str(steps), "--seed",
                       str(seed), "--out", out, "--overwrite"])
        seconds = trainer_seconds(text)
        samples = os.path.join(out, "samples.npy")
        run([exe, "sample", "-n", "10000", "--seed", str(seed), "-o",
             samples, "--checkpoint",
             os.path.join(out, "checkpoint.safetensors")])
        rows.append({"model": model, "framework": "gmc", "seed": seed,
                     "steps": steps, "train_s": seconds,
                     **fid(clf, samples)})
    if "pytorch" not in frameworks:
        return rows
    samples = os.path.join(work, f"{model}-torch-{seed}.npy")
    text, _ = run([TORCH_PYTHON, PEER, model, "--steps", str(steps),
                   "--seed", str(seed), "-o", samples])
    seconds = peer_seconds(text)
    rows.append({"model": model, "framework": "pytorch", "seed": seed,
                 "steps": steps, "train_s": seconds, **fid(clf, samples)})
    return rows


def pixelcnn(seed, steps, work, frameworks):
    rows = []
    if "gmc" in frameworks:
        seconds, bits = train_and_eval(
            trainer(work, "pixelcnn"),
            os.path.join(work, f"pixelcnn-gmc-{seed}"), seed, steps)
        rows.append({"model": "pixelcnn", "framework": "gmc", "seed": seed,
                     "steps": steps, "train_s": seconds,
                     "bits_per_dim": bits["bits_per_dim"]})
    if "pytorch" not in frameworks:
        return rows
    text, _ = run([TORCH_PYTHON, PEER, "pixelcnn", "--steps",
                   str(steps), "--seed", str(seed)])
    rows.append({"model": "pixelcnn", "framework": "pytorch", "seed": seed,
                 "steps": steps, "train_s": peer_seconds(text),
                 "bits_per_dim": float(re.search(r"NLL ([0-9.]+)",
                                                 text).group(1))})
    return rows


def vqvae2(seed, steps, work, min_uses, frameworks):
    """Stage 1 of VQ-VAE-2: test reconstruction MSE and code perplexities."""
    # "restart": which rule MIN_USES applies ("every-step", before
    # 2026-12-06: every code the batch left unused, every step; now: recent
    # use, decay 0.99).
    common = {"model": "vqvae2", "seed": seed, "steps": steps,
              "min_uses": min_uses, "restart": "recent-use-0.99"}
    rows = []
    if "gmc" in frameworks:
        seconds, got = train_and_eval(
            trainer(work, "vqvae2", [f"MIN_USES={min_uses}"]),
            os.path.join(work, f"vqvae2-gmc-{seed}-min{min_uses}"), seed,
            steps, ["--phase", "stage1"])
        rows.append({**common, "framework": "gmc", "train_s": seconds,
                     "recon": got["recon"],
                     "perplexity_top": got["perplexity_top"],
                     "perplexity_bottom": got["perplexity_bottom"]})
    if "pytorch" not in frameworks:
        return rows
    text, _ = run([TORCH_PYTHON, PEER, "vqvae2", "--steps", str(steps),
                   "--seed", str(seed), "--min-uses", str(min_uses)])
    m = re.search(r"test recon ([0-9.]+), perplexity top ([0-9.]+) "
                  r"bottom ([0-9.]+)", text)
    rows.append({**common, "framework": "pytorch",
                 "train_s": peer_seconds(text), "recon": float(m.group(1)),
                 "perplexity_top": float(m.group(2)),
                 "perplexity_bottom": float(m.group(3))})
    return rows


def vae(seed, steps, work, frameworks):
    """The VAE: test negative ELBO in nats/image and its parts."""
    common = {"model": "vae", "seed": seed, "steps": steps}
    rows = []
    if "gmc" in frameworks:
        seconds, got = train_and_eval(trainer(work, "vae"),
                                      os.path.join(work, f"vae-gmc-{seed}"),
                                      seed, steps)
        rows.append({**common, "framework": "gmc", "train_s": seconds,
                     "nelbo": got["nelbo"], "recon": got["recon"],
                     "kl": got["kl"]})
    if "pytorch" not in frameworks:
        return rows
    text, _ = run([TORCH_PYTHON, PEER, "vae", "--steps", str(steps),
                   "--seed", str(seed)])
    m = re.search(r"test nelbo ([0-9.]+) \(recon ([0-9.]+), kl ([0-9.]+)\)",
                  text)
    rows.append({**common, "framework": "pytorch",
                 "train_s": peer_seconds(text), "nelbo": float(m.group(1)),
                 "recon": float(m.group(2)), "kl": float(m.group(3))})
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", default="dcgan,wgan_gp,pixelcnn")
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--steps-gan", type=int, default=2000)
    parser.add_argument("--steps-pixelcnn", type=int, default=500)
    parser.add_argument("--steps-vqvae2", type=int, default=2000)
    parser.add_argument("--steps-vae", type=int, default=2000)
    parser.add_argument("--min-uses", type=int, default=1,
                        help="VQ-VAE-2's dead-code restart (0: none)")
    parser.add_argument("--frameworks", default="gmc,pytorch",
                        help="which to run: gmc, pytorch or both")
    parser.add_argument("--work", default=os.path.join(ROOT, "out", "quality"))
    parser.add_argument("--out", default=os.path.join(ROOT, "bench",
                                                      "quality.jsonl"))
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    models = args.models.split(",")
    seeds = [int(s) for s in args.seeds.split(",")]
    frameworks = set(args.frameworks.split(","))
    if not frameworks or not frameworks <= {"gmc", "pytorch"}:
        parser.error("--frameworks: gmc, pytorch or gmc,pytorch")
    if "pytorch" in frameworks and subprocess.run(
            [TORCH_PYTHON, "-c", "import numpy, torch"],
            capture_output=True).returncode != 0:
        parser.error(f"{TORCH_PYTHON} cannot import torch and numpy: install "
                     "them (scripts/bench.sh does: python3-torch and "
                     "OpenBLAS), or give --frameworks gmc")
    clf = None
    if {"dcgan", "wgan_gp"} & set(models):
        clf = classifier(args.work)
        print(f"classifier: test accuracy {clf[2]:.4f}, "
              f"real-vs-real FID {clf[3]:.3f}", flush=True)
    rows, measured = [], commit()
    with open(args.out, "a") as log:
        for model in models:
            for seed in seeds:
                if model == "pixelcnn":
                    new = pixelcnn(seed, args.steps_pixelcnn, args.work,
                                   frameworks)
                elif model == "vqvae2":
                    new = vqvae2(seed, args.steps_vqvae2, args.work,
                                 args.min_uses, frameworks)
                elif model == "vae":
                    new = vae(seed, args.steps_vae, args.work, frameworks)
                else:
                    new = gan(model, seed, args.steps_gan, args.work, clf,
                              frameworks)
                for row in new:
                    row["commit"] = measured
                    row["date"] = time.strftime("%Y-%m-%d")
                    if clf:
                        row["classifier_accuracy"], row["fid_floor"] = clf[2:]
                    log.write(json.dumps(row) + "\n")
                    log.flush()
                    print(json.dumps(row), flush=True)
                rows += new
    print("\n| model | framework | runs | metric (median) | training (median) |")
    print("|---|---|---|---|---|")
    for model in models:
        for framework in ("gmc", "pytorch"):
            runs = [r for r in rows
                    if r["model"] == model and r["framework"] == framework]
            if not runs:
                continue
            keys = [metric for metric, _ in METRICS[model]]
            metrics = ", ".join(
                f"{key} {statistics.median(r[key] for r in runs):.4g}"
                for key in keys)
            if "classes_in_1000" in runs[0]:
                metrics += ", classes " + "/".join(
                    str(int(r["classes_in_1000"])) for r in runs)
            print(f"| {model} | {framework} | {len(runs)} | {metrics} | "
                  f"{statistics.median(r['train_s'] for r in runs):.0f} s |")


if __name__ == "__main__":
    sys.exit(main())
