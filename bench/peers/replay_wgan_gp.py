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

import torch

from gmc_replica import (CRITIC_NAMES, CRITIC_NOISE, EPS, G_NAMES, G_NOISE,
                         Batches, adam_state, load_checkpoint, normal,
                         uniform)
from torch_models import (Discriminator, Generator, critic_round,
                          generator_round, wgan_gp_optimizers)

# --- the step --------------------------------------------------------------------


def replay(state, meta, batches, dtype, rounds, penalty_weight):
    """One step from gmc's state, in `dtype`: (variables, last losses)."""
    seed, step = batches.seed, int(meta["step.train"])
    position = int(meta["data.data.train"])
    g = Generator().to(dtype)
    critic = Discriminator(batch_norm=False).to(dtype)
    opt_g, opt_c = wgan_gp_optimizers(g, critic)
    for net, names, opt, counter in (
            (g, G_NAMES, opt_g, "train.update_1.step"),
            (critic, CRITIC_NAMES, opt_c, "train.update_0.step")):
        with torch.no_grad():
            for ours, theirs in names.items():
                net.state_dict()[ours].copy_(state[theirs])
        params = dict(net.named_parameters())
        for ours, theirs in names.items():
            if ours in params:
                opt.state[params[ours]] = adam_state(state, theirs, counter,
                                                     dtype)
    for i in range(rounds):
        x = batches.batch(position + i).to(dtype)
        with torch.no_grad():
            fake = g(normal(seed, CRITIC_NOISE, step, i, (64, 64)).to(dtype))
        eps = uniform(seed, EPS, step, i, (64, 1, 1, 1)).to(dtype)
        loss_c, penalty = critic_round(critic, opt_c, x, fake, eps,
                                       penalty_weight)
    loss_g = generator_round(
        g, critic, opt_g, normal(seed, G_NOISE, step, 0, (64, 64)).to(dtype))
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
