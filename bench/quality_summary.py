"""Summarizes the side-by-side quality runs: per model and metric, gmc's and
PyTorch's runs over seeds (the medians and means of models/RUNS.md's
detailed table), and how far apart the two are, with bootstrap intervals.

    python3 bench/quality_summary.py [--seeds] [--quality bench/quality.jsonl]
                                     [--streams bench/wgan_streams.jsonl]
                                     [--gmc-commit C[,C2...]]

The rule, the same for every model: a seed counts once per group, with its
latest run (the files are in the order the runs were made). A group is a
framework, split by starting point where a run began from the other's
draws (`init`, `streams`). Runs compare within a section: GAN FIDs under
the classifier that measured them (their scale differs with it), VQ-VAE-2
runs under one restart rule, and runs at another batch or precision (fields
`batch`, `precision`) apart. `wgan_streams.jsonl`'s runs (PyTorch on an
H100) are the groups "pytorch-h100". Seed by seed comparisons are printed
only against runs that started from gmc's draws: elsewhere a seed number
is a fresh draw for each framework. `--gmc-commit C[,C2...]` keeps only
gmc's runs measured at those commits (their `commit` starts with one): one
compiler's runs, as a change to the arithmetic reshuffles every seed's
result.

Standard library only: runs under any python3.
"""

import argparse
import json
import os
import random
import statistics
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# model -> metrics, each with the direction that is better
METRICS = {
    "dcgan": [("fid", "lower")],
    "wgan_gp": [("fid", "lower")],
    "pixelcnn": [("bits_per_dim", "lower")],
    "vqvae2": [("recon", "lower"), ("perplexity_top", "higher"),
               ("perplexity_bottom", "higher")],
    "vae": [("nelbo", "lower")],
}
RESAMPLES = 10000


def read_jsonl(path, required):
    """The runs of a JSON-lines file; a bad line, or one without a required
    key, ends the program with its place."""
    runs = []
    with open(path) as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                run = json.loads(line)
            except json.JSONDecodeError as e:
                sys.exit(f"{path}:{number}: not JSON: {e.msg}")
            missing = [k for k in required if k not in run]
            if missing:
                sys.exit(f"{path}:{number}: no {', '.join(missing)}")
            runs.append(run)
    return runs


def group_of(run):
    """A run's group within its section: (framework, init, streams), the
    last two empty where it started from its own draws."""
    return run["framework"], run.get("init", ""), run.get("streams", "")


def label(group):
    framework, init, streams = group
    if init or streams:
        return f"{framework} (init {init}, streams {streams})"
    return framework


def from_gmc_draws(group):
    """Runs of this group started from gmc's initial values or streams, so
    their seeds pair with gmc's runs of the same seed."""
    return "gmc" in group[1:]


def section_of(run):
    """What a run compares under: FIDs only under one classifier (their
    scale differs with it), VQ-VAE-2 runs only under one restart rule, and
    only at one batch and precision."""
    parts = []
    if run["model"] in ("dcgan", "wgan_gp"):
        parts.append(f"classifier {100 * run['classifier_accuracy']:.2f}%")
    if run["model"] == "vqvae2":
        parts.append(f"restart {run.get('restart')}, "
                     f"min_uses {run.get('min_uses')}")
    if run.get("batch", 64) != 64:
        parts.append(f"batch {run['batch']}")
    if run.get("precision", "f32") != "f32":
        parts.append(run["precision"])
    return ", ".join(parts)


def streams_runs(path):
    """wgan_streams.jsonl's rows as quality runs (PyTorch on an H100,
    measured with the first classifier, 91.26%)."""
    runs = []
    for row in read_jsonl(path, ("seed", "steps", "init", "streams")):
        run = dict(row, model="wgan_gp", framework="pytorch-h100",
                   classifier_accuracy=0.9126)
        if row["init"] == "torch" and row["streams"] == "torch":
            run.pop("init"), run.pop("streams")
        runs.append(run)
    return runs


def latest_per_seed(runs):
    """{(model, steps, section, group): {seed: run}}, later runs replacing
    earlier ones of the same seed."""
    groups = {}
    for run in runs:
        key = (run["model"], run["steps"], section_of(run), group_of(run))
        groups.setdefault(key, {})[run["seed"]] = run
    return groups


def bootstrap(a, b, statistic, rng):
    """The 95% interval of statistic(a) - statistic(b), resampling each."""
    diffs = sorted(statistic(rng.choices(a, k=len(a))) -
                   statistic(rng.choices(b, k=len(b)))
                   for _ in range(RESAMPLES))
    return diffs[int(0.025 * RESAMPLES)], diffs[int(0.975 * RESAMPLES) - 1]


def describe(values):
    return (f"median {statistics.median(values):.6g}  "
            f"mean {statistics.fmean(values):.6g}  "
            f"min {min(values):.6g}  max {max(values):.6g}")


def compare(gmc, peer, better, paired):
    """gmc against a peer group: the differences of medians and means with
    their intervals, and how often a gmc run is better than a peer run."""
    rng = random.Random(0)
    a, b = list(gmc.values()), list(peer.values())
    lo, hi = bootstrap(a, b, statistics.median, rng)
    mlo, mhi = bootstrap(a, b, statistics.fmean, rng)
    wins = sum((x < y) if better == "lower" else (x > y) for x in a for y in b)
    line = (f"median {statistics.median(a) - statistics.median(b):+.4g} "
            f"[{lo:+.4g}, {hi:+.4g}]  "
            f"mean {statistics.fmean(a) - statistics.fmean(b):+.4g} "
            f"[{mlo:+.4g}, {mhi:+.4g}]  "
            f"P(gmc run better) {wins / (len(a) * len(b)):.2f}")
    seeds = sorted(set(gmc) & set(peer))
    if paired and seeds:
        better_on = sum((gmc[s] < peer[s]) if better == "lower"
                        else (gmc[s] > peer[s]) for s in seeds)
        line += f"  seed by seed: gmc better on {better_on} of {len(seeds)}"
    return line


def seeds_text(seeds):
    return ",".join(str(s) for s in sorted(seeds))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quality",
                        default=os.path.join(ROOT, "bench", "quality.jsonl"))
    parser.add_argument("--streams",
                        default=os.path.join(ROOT, "bench", "wgan_streams.jsonl"))
    parser.add_argument("--seeds", action="store_true",
                        help="print each seed's value too")
    parser.add_argument("--gmc-commit", metavar="C[,C2...]",
                        help="only gmc's runs measured at these commits")
    args = parser.parse_args()

    try:
        runs = read_jsonl(args.quality, ("model", "framework", "seed", "steps"))
    except OSError as e:
        sys.exit(f"{args.quality}: {e.strerror}")
    for run in runs:
        if run["model"] in ("dcgan", "wgan_gp") and \
                "classifier_accuracy" not in run:
            sys.exit(f"{args.quality}: a {run['model']} run of seed "
                     f"{run['seed']} does not say which classifier measured "
                     "its FID (classifier_accuracy)")
    if args.gmc_commit:
        commits = tuple(args.gmc_commit.split(","))
        runs = [r for r in runs if r["framework"] != "gmc" or
                str(r.get("commit", "")).startswith(commits)]
        if not any(r["framework"] == "gmc" for r in runs):
            sys.exit(f"{args.quality}: no gmc runs at commit "
                     f"{args.gmc_commit}")
    if os.path.exists(args.streams):
        runs += streams_runs(args.streams)
    groups = latest_per_seed(runs)

    for model, metrics in METRICS.items():
        keys = sorted(k for k in groups if k[0] == model)
        for metric, better in metrics:
            for steps, section in sorted({(k[1], k[2]) for k in keys}):
                found = {k[3]: {s: r[metric] for s, r in groups[k].items()
                                if metric in r}
                         for k in keys if k[1:3] == (steps, section)}
                found = {g: v for g, v in found.items() if v}
                gmc = found.get(("gmc", "", ""))
                if not found:
                    continue
                print(f"{model} {metric} ({better} is better), {steps} steps"
                      + (f", {section}" if section else ""))
                for group, values in found.items():
                    print(f"  {label(group)}: {len(values)} seeds "
                          f"({seeds_text(values)})  {describe(list(values.values()))}")
                    if args.seeds:
                        print("    " + "  ".join(f"{s}: {values[s]:.6g}"
                                                 for s in sorted(values)))
                for group, values in found.items():
                    if gmc and group[0] != "gmc" and len(gmc) > 1 \
                            and len(values) > 1:
                        print(f"  gmc - {label(group)}: "
                              f"{compare(gmc, values, better, from_gmc_draws(group))}")
                print()


if __name__ == "__main__":
    main()
