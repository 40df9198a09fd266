"""Replays one training step of gmc's Gated PixelCNN in PyTorch, from gmc's
own state and batch, and says how far gmc's gradient and update are from
PyTorch's.

    ./pixelcnn train --steps K --out A --seed S     # gmc's state after K steps
    cp -r A B && ./pixelcnn train --steps K+1 --resume --out B --seed S
    /usr/bin/python3 bench/peers/replay_pixelcnn.py A/checkpoint.safetensors \
        B/checkpoint.safetensors
    # the first step, from the initial values gmc draws for seed S:
    /usr/bin/python3 bench/peers/replay_pixelcnn.py init B/checkpoint.safetensors

PyTorch loads A (or gmc's initial values: gmc_replica.py), reads the batch
the trainer read for step K+1 and runs the step of pixelcnn_streams.py in
f64 and in f32. Per variable it prints the RMS distance from PyTorch's f64
result of gmc's (B) and of PyTorch's f32 result, for the gradient (read back
from Adam's first moment: g = (m' - 0.9 m) / 0.1) and for the variable after
the step, each per the RMS of the f64 value it is compared with (gradient;
change of the step). A step that computes what PyTorch computes is as far
from f64 as PyTorch's f32 is; a wrong gradient in one path stands out by
orders of magnitude, which the first losses alone would not show, since
Adam's early steps barely depend on a gradient's size.
"""

import argparse

import torch
import torch.nn.functional as F

from gmc_replica import Batches, adam_state, initial_values, load_checkpoint
from pixelcnn_streams import gmc_names
from torch_models import GatedPixelCNN

BETA1 = 0.9
COUNTER = "train.update_0.step"


def start_state(before, seed):
    """gmc's variables, Adam moments and counters before the step: from a
    checkpoint, or the initial values for `seed` with zero moments."""
    if before != "init":
        return load_checkpoint(before)
    model = GatedPixelCNN()
    names = gmc_names(model)
    state = {}
    for ours, value in initial_values(model, names, seed).items():
        state[names[ours]] = value
        state[names[ours] + ".exp_avg"] = torch.zeros_like(value)
        state[names[ours] + ".exp_avg_sq"] = torch.zeros_like(value)
    state[COUNTER] = torch.tensor(0.0)
    return state, {"step.train": "0", "data.data.train": "0",
                   "seed": str(seed)}


def replay(state, meta, batches, dtype):
    """One step from gmc's state in `dtype`: ({gmc name: variable after},
    {gmc name: first moment after}, loss)."""
    model = GatedPixelCNN().to(dtype)
    names = gmc_names(model)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    params = dict(model.named_parameters())
    with torch.no_grad():
        for ours, theirs in names.items():
            params[ours].copy_(state[theirs])
            opt.state[params[ours]] = adam_state(state, theirs, COUNTER, dtype)
    u8 = batches.u8(int(meta["data.data.train"]))
    nll = F.cross_entropy(model(u8.to(dtype) / 255), u8.long().squeeze(1))
    opt.zero_grad()
    nll.backward()
    opt.step()
    variables = {theirs: params[ours].detach().double()
                 for ours, theirs in names.items()}
    moments = {theirs: opt.state[params[ours]]["exp_avg"].double()
               for ours, theirs in names.items()}
    return variables, moments, nll.item()


def rms(t):
    return t.pow(2).mean().sqrt().item()


def relative(x, ref, scale):
    return rms(x - ref) / scale if scale > 0 else float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", help="gmc's checkpoint after K steps, or "
                        "'init' for the initial values (--seed)")
    parser.add_argument("after", help="gmc's checkpoint after K + 1 steps")
    parser.add_argument("--seed", type=int, default=0,
                        help="the seed of the initial values, with 'init'")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    state, meta = start_state(args.before, args.seed)
    gmc, after_meta = load_checkpoint(args.after)
    if int(after_meta["step.train"]) != int(meta["step.train"]) + 1:
        raise SystemExit(f"{args.after} is at step {after_meta['step.train']}"
                         f", not one after {meta['step.train']}")
    if after_meta.get("seed") != meta.get("seed"):
        raise SystemExit(f"the checkpoints' seeds differ: {meta.get('seed')}"
                         f" and {after_meta.get('seed')}")
    batches = Batches(int(meta["seed"]))
    exact, m64, loss64 = replay(state, meta, batches, torch.float64)
    single, m32, loss32 = replay(state, meta, batches, torch.float32)

    def gradient(moment, name):
        return (moment - BETA1 * state[name + ".exp_avg"].double()) / (1 - BETA1)

    print(f"step {int(meta['step.train']) + 1}: loss PyTorch f64 "
          f"{loss64:.7f}, f32 {loss32:.7f}")
    print(f"{'variable':26s} {'gradient: gmc':>14s} {'torch f32':>10s}  "
          f"{'update: gmc':>12s} {'torch f32':>10s}")
    worst = {"gmc": 0.0, "torch": 0.0}
    for name, ref in exact.items():
        g64 = gradient(m64[name], name)
        g_scale = rms(g64)
        g_ours = relative(gradient(gmc[name + ".exp_avg"].double(), name),
                          g64, g_scale)
        g_theirs = relative(gradient(m32[name], name), g64, g_scale)
        change = rms(ref - state[name].double())
        u_ours = relative(gmc[name].double(), ref, change)
        u_theirs = relative(single[name], ref, change)
        worst["gmc"] = max(worst["gmc"], g_ours)
        worst["torch"] = max(worst["torch"], g_theirs)
        print(f"{name:26s} {g_ours:14.2e} {g_theirs:10.2e}  "
              f"{u_ours:12.2e} {u_theirs:10.2e}")
    print(f"largest gradient distance: gmc {worst['gmc']:.2e}, "
          f"PyTorch f32 {worst['torch']:.2e}")


if __name__ == "__main__":
    main()
