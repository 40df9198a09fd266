"""Trains a reference model with PyTorch eager on Fashion-MNIST, for the
side-by-side quality comparisons of models/README.md (same architecture,
initialization and optimizers as models/*.gm; torch_models.py).

    /usr/bin/python3 bench/peers/train_torch.py dcgan --steps 2000 -o dcgan.npy
    /usr/bin/python3 bench/peers/train_torch.py wgan_gp --steps 2000 -o wgan.npy
    /usr/bin/python3 bench/peers/train_torch.py pixelcnn --steps 500

The GANs write 10000 samples in [0, 1] as NPY (N, 1, 28, 28) float32, for
gmc's classifier (`classifier eval --phase fid --source samples=FILE`); the
PixelCNN prints its test NLL in bits/dim. Prints the training time.
"""

import argparse
import gzip
import math
import time

import numpy as np
import torch
import torch.nn.functional as F

from torch_models import Discriminator, GatedPixelCNN, Generator

DATA = "/usr/share/datasets/fashion-mnist"


def load_images(split):
    prefix = "train" if split == "train" else "t10k"
    for name in (f"{DATA}/{prefix}-images-idx3-ubyte.gz",
                 f"{DATA}/{prefix}-images-idx3-ubyte"):
        try:
            opener = gzip.open if name.endswith(".gz") else open
            with opener(name, "rb") as f:
                raw = f.read()
            break
        except FileNotFoundError:
            continue
    else:
        raise SystemExit(f"no Fashion-MNIST {split} images under {DATA}")
    images = np.frombuffer(raw, dtype=np.uint8, offset=16)
    return torch.from_numpy(images.reshape(-1, 1, 28, 28).copy())


def batches(images, batch, generator):
    """Batches of u8 images, reshuffled every epoch."""
    while True:
        order = torch.randperm(len(images), generator=generator)
        for i in range(0, len(images) - batch + 1, batch):
            yield images[order[i:i + batch]]


def train_dcgan(data, steps, batch):
    g, d = Generator(), Discriminator()
    opt_g = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999))
    ones, zeros = torch.ones(batch, 1), torch.zeros(batch, 1)
    for _ in range(steps):
        x = next(data).float() / 127.5 - 1
        fake = g(torch.randn(batch, 64))
        loss_d = F.binary_cross_entropy_with_logits(d(x), ones) + \
            F.binary_cross_entropy_with_logits(d(fake.detach()), zeros)
        opt_d.zero_grad()
        loss_d.backward()
        opt_d.step()
        loss_g = F.binary_cross_entropy_with_logits(d(fake), ones)
        opt_g.zero_grad()
        loss_g.backward()
        opt_g.step()
    return g


def train_wgan_gp(data, steps, batch, rounds=5, weight=10.0):
    g, critic = Generator(), Discriminator(batch_norm=False)
    opt_g = torch.optim.Adam(g.parameters(), lr=1e-4, betas=(0.0, 0.9))
    opt_c = torch.optim.Adam(critic.parameters(), lr=1e-4, betas=(0.0, 0.9))
    for _ in range(steps):
        for _ in range(rounds):
            x = next(data).float() / 127.5 - 1
            with torch.no_grad():
                fake = g(torch.randn(batch, 64))
            eps = torch.rand(batch, 1, 1, 1)
            xhat = (eps * x + (1 - eps) * fake).requires_grad_(True)
            (grad,) = torch.autograd.grad(critic(xhat).sum(), xhat,
                                          create_graph=True)
            penalty = weight * ((grad.flatten(1).norm(dim=1) - 1) ** 2).mean()
            loss_c = critic(fake).mean() - critic(x).mean() + penalty
            opt_c.zero_grad()
            loss_c.backward()
            opt_c.step()
        loss_g = -critic(g(torch.randn(batch, 64))).mean()
        opt_g.zero_grad()
        loss_g.backward()
        opt_g.step()
    return g


def train_pixelcnn(data, steps, batch):
    model = GatedPixelCNN()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for _ in range(steps):
        u8 = next(data)
        nll = F.cross_entropy(model(u8.float() / 255), u8.long().squeeze(1))
        opt.zero_grad()
        nll.backward()
        opt.step()
    return model


def pixelcnn_bits_per_dim(model, test, batch):
    model.eval()
    total = 0.0
    count = len(test) // batch * batch
    with torch.no_grad():
        for i in range(0, count, batch):
            u8 = test[i:i + batch]
            total += F.cross_entropy(model(u8.float() / 255),
                                     u8.long().squeeze(1)).item() * batch
    return total / count / math.log(2)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model", choices=["dcgan", "wgan_gp", "pixelcnn"])
    parser.add_argument("--steps", type=int, required=True)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("-n", type=int, default=10000, help="samples to write")
    parser.add_argument("-o", help="the samples' .npy (GANs)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    shuffle = torch.Generator().manual_seed(args.seed)
    data = batches(load_images("train"), args.batch, shuffle)

    start = time.perf_counter()
    if args.model == "pixelcnn":
        model = train_pixelcnn(data, args.steps, args.batch)
        seconds = time.perf_counter() - start
        bits = pixelcnn_bits_per_dim(model, load_images("test"), args.batch)
        print(f"pixelcnn: {args.steps} steps in {seconds:.0f} s; "
              f"test NLL {bits:.4f} bits/dim")
        return
    train = train_dcgan if args.model == "dcgan" else train_wgan_gp
    g = train(data, args.steps, args.batch)
    seconds = time.perf_counter() - start
    g.eval()  # batch norm on running statistics, as gmc's sampler
    with torch.no_grad():
        samples = torch.cat([(g(torch.randn(500, 64)) + 1) / 2
                             for _ in range((args.n + 499) // 500)])[:args.n]
    if args.o:
        np.save(args.o, samples.numpy().astype(np.float32))
    print(f"{args.model}: {args.steps} steps in {seconds:.0f} s; "
          f"wrote {len(samples)} samples to {args.o}")


if __name__ == "__main__":
    main()
