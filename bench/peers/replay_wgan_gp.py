"""Replays one training step of gmc's WGAN-GP in PyTorch, from gmc's own
state and with gmc's own inputs, and says how far gmc's result is from it.

    ./wgan_gp train --steps K --out A          # gmc's state after K steps
    cp -r A B && ./wgan_gp train --steps K+1 --resume --out B
    /usr/bin/python3 bench/peers/replay_wgan_gp.py A/checkpoint.safetensors \
        B/checkpoint.safetensors [--rounds 5] [--penalty-weight 10]

PyTorch loads A (weights, batch-norm statistics, Adam's moments and step
counts), recomputes the inputs gmc drew for step K+1 — the Fashion-MNIST
batches in the trainer's shuffled order and the noise and interpolation
weights, from Philox4x32-10 exactly as runtime/core/random.h and
runtime/io/dataset.cpp draw them — and runs the step of torch_models.py's
make_wgan_gp in f64 and in f32. It prints the losses of the last critic
round and, per variable, the RMS distance of gmc's result (B) and of
PyTorch's f32 result from the f64 one. A step that computes what PyTorch
computes is as far from f64 as PyTorch's f32 is, up to the leaky ReLU's
kink: a pre-activation within rounding of 0 may take the other slope in
either framework, and the penalty's gradient jumps with it.
"""

import argparse
import json
import struct

import numpy as np
import torch

from torch_models import Discriminator, Generator, critic_round
from train_torch import load_images

# PyTorch's names -> gmc's, per net.
G_NAMES = {
    "fc.weight": "G.linear_0.weight",
    "bn1.weight": "G.batch_norm_0.weight", "bn1.bias": "G.batch_norm_0.bias",
    "bn1.running_mean": "G.batch_norm_0.running_mean",
    "bn1.running_var": "G.batch_norm_0.running_var",
    "ct1.weight": "G.conv_transpose2d_0.weight",
    "bn2.weight": "G.batch_norm_1.weight", "bn2.bias": "G.batch_norm_1.bias",
    "bn2.running_mean": "G.batch_norm_1.running_mean",
    "bn2.running_var": "G.batch_norm_1.running_var",
    "ct2.weight": "G.conv_transpose2d_1.weight",
    "ct2.bias": "G.conv_transpose2d_1.bias"}
CRITIC_NAMES = {
    "c1.weight": "critic.conv2d_0.weight", "c1.bias": "critic.conv2d_0.bias",
    "c2.weight": "critic.conv2d_1.weight", "c2.bias": "critic.conv2d_1.bias",
    "fc.weight": "critic.linear_0.weight", "fc.bias": "critic.linear_0.bias"}
# wgan_gp.gm's random ops (gm.normal / gm.uniform ids) and the trainer's
# shuffle stream (kShuffleStream).
CRITIC_NOISE, EPS, G_NOISE, SHUFFLE = 0, 1, 2, 0xFFFFFF00


def load_checkpoint(path):
    """A gmc checkpoint: {name: f32 tensor}, and its metadata."""
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {})
    tensors = {}
    for name, v in header.items():
        begin, end = v["data_offsets"]
        data = np.frombuffer(raw[8 + n + begin:8 + n + end], np.float32)
        tensors[name] = torch.from_numpy(data.reshape(v["shape"]).copy())
    return tensors, meta


# --- gmc's random streams (runtime/core/random.h) ------------------------------

MASK = np.uint64(0xFFFFFFFF)


def philox4x32(c0, c1, c2, c3, k0, k1):
    c = [x.copy() for x in np.broadcast_arrays(
        *[np.asarray(v, np.uint64) & MASK for v in (c0, c1, c2, c3)])]
    k0, k1 = np.uint64(k0), np.uint64(k1)
    for _ in range(10):
        p0 = np.uint64(0xD2511F53) * c[0]
        p1 = np.uint64(0xCD9E8D57) * c[2]
        c = [(p1 >> np.uint64(32)) ^ c[1] ^ k0, p1 & MASK,
             (p0 >> np.uint64(32)) ^ c[3] ^ k1, p0 & MASK]
        k0 = (k0 + np.uint64(0x9E3779B9)) & MASK
        k1 = (k1 + np.uint64(0xBB67AE85)) & MASK
    return c


def random_bits(seed, stream, step, iteration, e):
    """The 32-bit draw for elements `e` of stream (id, step, iteration)."""
    e = np.asarray(e, np.uint64)
    lanes = philox4x32(e // np.uint64(4), stream, step, iteration,
                       seed & 0xFFFFFFFF, seed >> 32)
    return np.choose((e % np.uint64(4)).astype(np.int64), lanes)


def uniform_open(bits):
    return (bits.astype(np.float64) + 0.5) * 2.0 ** -32


def normal(seed, stream, step, iteration, shape):
    """Box-Muller on lane pairs, as normalAt."""
    e = np.arange(int(np.prod(shape)), dtype=np.uint64)
    first = e & ~np.uint64(1)
    u1 = uniform_open(random_bits(seed, stream, step, iteration, first))
    u2 = uniform_open(random_bits(seed, stream, step, iteration,
                                  first + np.uint64(1)))
    r, angle = np.sqrt(-2 * np.log(u1)), 2 * np.pi * u2
    z = np.where(e & np.uint64(1), r * np.sin(angle), r * np.cos(angle))
    return torch.from_numpy(z.astype(np.float32).reshape(shape))


def uniform(seed, stream, step, iteration, shape):
    e = np.arange(int(np.prod(shape)), dtype=np.uint64)
    u = uniform_open(random_bits(seed, stream, step, iteration, e))
    return torch.from_numpy(u.astype(np.float32).reshape(shape))


class Batches:
    """The trainer's batches (runtime/io/dataset.cpp): example g of the
    stream is order(g / count)[g % count], each epoch's order a Fisher-Yates
    shuffle with Philox draws keyed by (seed, epoch)."""

    def __init__(self, seed):
        self.images = load_images("train").numpy()
        self.seed, self.orders = seed, {}

    def order(self, epoch):
        if epoch not in self.orders:
            count = len(self.images)
            i = np.arange(count - 1, 0, -1, dtype=np.uint64)
            j = random_bits(self.seed, SHUFFLE, epoch, 0, i) % (i + np.uint64(1))
            order = np.arange(count)
            for a, b in zip(range(count - 1, 0, -1), j.astype(np.int64)):
                order[a], order[b] = order[b], order[a]
            self.orders[epoch] = order
        return self.orders[epoch]

    def batch(self, position, size=64):
        """Batch `position` scaled as wgan_gp.gm's x: u8 / 255 * 2 - 1."""
        count = len(self.images)
        picks = [self.order(g // count)[g % count]
                 for g in range(position * size, (position + 1) * size)]
        u8 = np.stack([self.images[k] for k in picks])
        return torch.from_numpy(u8.astype(np.float32) / 255.0 * 2 - 1)


# --- the step --------------------------------------------------------------------


def replay(state, meta, batches, dtype, rounds, penalty_weight):
    """One step from gmc's state, in `dtype`: (variables, last losses)."""
    seed, step = batches.seed, int(meta["step.train"])
    position = int(meta["data.data.train"])
    g = Generator().to(dtype)
    critic = Discriminator(batch_norm=False).to(dtype)
    opt_g = torch.optim.Adam(g.parameters(), lr=1e-4, betas=(0.0, 0.9))
    opt_c = torch.optim.Adam(critic.parameters(), lr=1e-4, betas=(0.0, 0.9))
    for net, names, opt, counter in (
            (g, G_NAMES, opt_g, "train.update_1.step"),
            (critic, CRITIC_NAMES, opt_c, "train.update_0.step")):
        with torch.no_grad():
            for ours, theirs in names.items():
                net.state_dict()[ours].copy_(state[theirs])
        params = dict(net.named_parameters())
        for ours, theirs in names.items():
            if ours in params:
                opt.state[params[ours]] = {
                    "step": torch.tensor(float(state[counter])),
                    "exp_avg": state[theirs + ".exp_avg"].to(dtype),
                    "exp_avg_sq": state[theirs + ".exp_avg_sq"].to(dtype)}
    for i in range(rounds):
        x = batches.batch(position + i).to(dtype)
        with torch.no_grad():
            fake = g(normal(seed, CRITIC_NOISE, step, i, (64, 64)).to(dtype))
        eps = uniform(seed, EPS, step, i, (64, 1, 1, 1)).to(dtype)
        loss_c, penalty = critic_round(critic, opt_c, x, fake, eps,
                                       penalty_weight)
    loss_g = -critic(g(normal(seed, G_NOISE, step, 0, (64, 64)).to(dtype))).mean()
    opt_g.zero_grad()
    loss_g.backward()
    opt_g.step()
    result = {}
    for net, names in ((g, G_NAMES), (critic, CRITIC_NAMES)):
        for ours, theirs in names.items():
            result[theirs] = net.state_dict()[ours].detach().double()
    losses = {"loss_c": loss_c.item(), "penalty": penalty.item(),
              "loss_g": loss_g.item()}
    return result, losses


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", help="gmc's checkpoint after K steps")
    parser.add_argument("after", help="gmc's checkpoint after K + 1 steps")
    parser.add_argument("--rounds", type=int, default=5,
                        help="critic rounds per step (-D CRITIC_ROUNDS)")
    parser.add_argument("--penalty-weight", type=float, default=10.0,
                        help="the penalty's weight (-D LAMBDA)")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    state, meta = load_checkpoint(args.before)
    gmc, _ = load_checkpoint(args.after)
    batches = Batches(int(meta.get("seed", 0)))
    exact, losses64 = replay(state, meta, batches, torch.float64, args.rounds,
                             args.penalty_weight)
    single, losses32 = replay(state, meta, batches, torch.float32, args.rounds,
                              args.penalty_weight)
    print(f"step {int(meta['step.train']) + 1}, last critic round and "
          f"generator: PyTorch f64 {losses64}, f32 {losses32}")
    print(f"{'variable':32s} {'gmc':>10s} {'torch f32':>10s}   RMS distance "
          "from PyTorch f64, per RMS change of the step")
    for name, ref in exact.items():
        change = (ref - state[name].double()).pow(2).mean().sqrt()
        scale = change if change > 0 else torch.tensor(1.0, dtype=ref.dtype)
        ours = (gmc[name].double() - ref).pow(2).mean().sqrt() / scale
        theirs = (single[name] - ref).pow(2).mean().sqrt() / scale
        print(f"{name:32s} {ours.item():10.2e} {theirs.item():10.2e}")


if __name__ == "__main__":
    main()
