"""Trains PyTorch's WGAN-GP (torch_models.py) on gmc's or PyTorch's
initial values and random streams, and measures its samples with
classifier.gm's FID: which of them, if any, carries the FID gap between
gmc and PyTorch (models/RUNS.md, "WGAN-GP's gap").

    python3 bench/peers/wgan_streams.py --init gmc --streams gmc --seed 0 \
        --classifier CHECKPOINT [--steps 2000] [--device cuda] [--data DIR]

--init gmc: the initial values gmc's trainer draws for the seed
  (gmc_replica.initial_values, bit for bit); torch: PyTorch's defaults after
  torch.manual_seed(seed), as train_torch.py.
--streams gmc: for every step, gmc's batches (Fashion-MNIST in the
  trainer's shuffled order), noise and interpolation weights, as gmc's
  trainer draws them for the seed; torch: train_torch.py's shuffles and
  torch.randn / torch.rand.
Draws are made on the CPU either way; the step runs on --device (f32, no
TF32). Prints one JSON line: the arm, the seed, the last losses, the
training seconds, and the FID and classes of 10000 samples (G in eval
mode), measured by classifier_fid.py.
"""

import argparse
import json
import time

import numpy as np
import torch

import train_torch
from classifier_fid import FID
from gmc_replica import (CRITIC_NAMES, CRITIC_NOISE, EPS, G_NAMES, G_NOISE,
                         Batches, initial_values, normal, uniform)
from torch_models import (Discriminator, Generator, critic_round,
                          generator_round, wgan_gp_optimizers)

BATCH, Z, ROUNDS = 64, 64, 5


class TorchStreams:
    """train_torch.py's draws: shuffles by a seeded generator, noise from
    PyTorch's global one."""

    def __init__(self, seed):
        shuffle = torch.Generator().manual_seed(seed)
        self.next = train_torch.batches(train_torch.load_images("train"),
                                        BATCH, shuffle)

    def round(self, step, i):
        x = self.next().float() / 127.5 - 1
        return x, torch.randn(BATCH, Z), torch.rand(BATCH, 1, 1, 1)

    def generator(self, step):
        return torch.randn(BATCH, Z)


class GmcStreams:
    """gmc's draws for wgan_gp.gm: round i of step s reads batch 5s + i and
    streams (op, s, i)."""

    def __init__(self, seed):
        self.seed, self.batches = seed, Batches(seed)

    def round(self, step, i):
        return (self.batches.batch(ROUNDS * step + i),
                normal(self.seed, CRITIC_NOISE, step, i, (BATCH, Z)),
                uniform(self.seed, EPS, step, i, (BATCH, 1, 1, 1)))

    def generator(self, step):
        return normal(self.seed, G_NOISE, step, 0, (BATCH, Z))


def train(args):
    torch.manual_seed(args.seed)
    streams = (GmcStreams if args.streams == "gmc" else TorchStreams)(args.seed)
    g, critic = Generator(), Discriminator(batch_norm=False)
    if args.init == "gmc":
        with torch.no_grad():
            for net, names in ((g, G_NAMES), (critic, CRITIC_NAMES)):
                for name, value in initial_values(net, names, args.seed).items():
                    net.state_dict()[name].copy_(value)
    device = torch.device(args.device)
    g, critic = g.to(device), critic.to(device)
    opt_g, opt_c = wgan_gp_optimizers(g, critic)
    start = time.perf_counter()
    for step in range(args.steps):
        for i in range(ROUNDS):
            x, z, eps = (t.to(device) for t in streams.round(step, i))
            with torch.no_grad():
                fake = g(z)
            loss_c, penalty = critic_round(critic, opt_c, x, fake, eps)
        loss_g = generator_round(g, critic, opt_g,
                                 streams.generator(step).to(device))
        if args.log_every and (step + 1) % args.log_every == 0:
            print(f"step {step + 1}: loss_c {loss_c.item():.5g} penalty "
                  f"{penalty.item():.5g} loss_g {loss_g.item():.5g}",
                  flush=True)
    losses = {"loss_c": loss_c.item(), "penalty": penalty.item(),
              "loss_g": loss_g.item()}
    return g, losses, time.perf_counter() - start


def samples(g, n, seed, device):
    """n samples in [0, 1], G on running statistics (as gmc's sampler)."""
    g.eval()
    noise = torch.Generator().manual_seed(seed)
    out = []
    with torch.no_grad():
        for i in range(0, n, 500):
            z = torch.randn(min(500, n - i), Z, generator=noise)
            out.append(((g(z.to(device)) + 1) / 2).cpu())
    return torch.cat(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--init", choices=("gmc", "torch"), required=True)
    parser.add_argument("--streams", choices=("gmc", "torch"), required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--classifier", required=True,
                        help="classifier.gm's trained checkpoint")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--data", default=train_torch.DATA,
                        help="the Fashion-MNIST folder")
    parser.add_argument("-n", type=int, default=10000, help="samples to measure")
    parser.add_argument("-o", help="also write the samples as NPY")
    parser.add_argument("--log-every", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    train_torch.DATA = args.data
    g, losses, seconds = train(args)
    images = samples(g, args.n, args.seed, args.device)
    if args.o:
        np.save(args.o, images.numpy())
    quality = FID(args.classifier, args.device).measure(images)
    device = (torch.cuda.get_device_name(args.device)
              if args.device.startswith("cuda") else args.device)
    print(json.dumps({"init": args.init, "streams": args.streams,
                      "seed": args.seed, "steps": args.steps,
                      "device": device, "torch": torch.__version__, **losses,
                      "train_s": round(seconds, 1), **quality}), flush=True)


if __name__ == "__main__":
    main()
