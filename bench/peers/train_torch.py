"""Trains a reference model with PyTorch eager on Fashion-MNIST, for the
side-by-side quality comparisons of models/README.md (same architecture,
initialization and optimizers as models/*.gm; torch_models.py).

    /usr/bin/python3 bench/peers/train_torch.py dcgan --steps 2000 -o dcgan.npy
    /usr/bin/python3 bench/peers/train_torch.py wgan_gp --steps 2000 -o wgan.npy
    /usr/bin/python3 bench/peers/train_torch.py pixelcnn --steps 500
    /usr/bin/python3 bench/peers/train_torch.py vqvae2 --steps 2000 [--min-uses 0]
    /usr/bin/python3 bench/peers/train_torch.py vae --steps 2000

The GANs write 10000 samples in [0, 1] as NPY (N, 1, 28, 28) float32, for
gmc's classifier (`classifier eval --phase fid --source samples=FILE`); the
PixelCNN prints its test NLL in bits/dim; VQ-VAE-2 (stage 1) prints the
test reconstruction MSE and the codebook perplexities, and the VAE its test
negative ELBO in nats/image with its parts, each per batch averaged over
the test split as the models' evals. Prints the training time.
"""

import argparse
import gzip
import math
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

from torch_models import MODELS, reference_blas, vae_losses

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
    """`images()` for torch_models: the next batch of u8 images, reshuffled
    every epoch."""
    def epochs():
        while True:
            order = torch.randperm(len(images), generator=generator)
            for i in range(0, len(images) - batch + 1, batch):
                yield images[order[i:i + batch]]
    stream = epochs()
    return lambda: next(stream)


TRAINED = ("dcgan", "wgan_gp", "pixelcnn", "vqvae2", "vae")


def batch_means(test, batch, measure):
    """The averages over the test split's full batches of `measure(u8)`, a
    sequence of numbers per batch: per batch averaged, as the models' evals."""
    sums, batches = None, len(test) // batch
    with torch.no_grad():
        for i in range(0, batches * batch, batch):
            values = [float(v) for v in measure(test[i:i + batch])]
            sums = values if sums is None else [a + b for a, b in
                                                 zip(sums, values)]
    return [s / batches for s in sums]


def pixelcnn_bits_per_dim(model, test, batch):
    model.eval()
    nll, = batch_means(test, batch, lambda u8: [F.cross_entropy(
        model(u8.float() / 255), u8.long().squeeze(1))])
    return nll / math.log(2)


def perplexity(codes, k=64):
    p = torch.bincount(codes, minlength=k).float() / len(codes)
    return torch.exp(-(p * torch.log(p + 1e-10)).sum()).item()


def vqvae2_eval(model, test, batch):
    """Test reconstruction MSE and code perplexities, per batch averaged."""
    def measure(u8):
        model(u8.float() / 255)
        return (model.recon, perplexity(model.codes_top),
                perplexity(model.codes_bottom))
    return batch_means(test, batch, measure)


def vae_eval(model, test, batch):
    """Test negative ELBO and its parts (reconstruction, KL), nats per
    image, per batch averaged as vae.gm's eval (one draw of z per image)."""
    recon, kl = batch_means(test, batch,
                            lambda u8: vae_losses(model, u8.float() / 255))
    return recon + kl, recon, kl


# model -> its test metrics as the line's end that quality.py reads.
TEST_REPORTS = {
    "vqvae2": lambda *a: "test recon {:.6f}, perplexity top {:.2f} bottom "
                         "{:.2f}".format(*vqvae2_eval(*a)),
    "vae": lambda *a: "test nelbo {:.3f} (recon {:.3f}, kl {:.3f})".format(
        *vae_eval(*a)),
    "pixelcnn": lambda *a: "test NLL {:.4f} bits/dim".format(
        pixelcnn_bits_per_dim(*a)),
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model", choices=TRAINED)
    parser.add_argument("--steps", type=int, required=True)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("-n", type=int, default=10000, help="samples to write")
    parser.add_argument("-o", help="the samples' .npy (GANs)")
    parser.add_argument("--min-uses", type=int, default=1,
                        help="VQ-VAE-2's dead-code restart (0: none)")
    args = parser.parse_args()
    blas = reference_blas()
    if blas:
        print(f"warning: PyTorch runs on the reference BLAS ({blas}): its "
              "training time is several times what it is with OpenBLAS "
              "(scripts/bench.sh installs libopenblas0-openmp)",
              file=sys.stderr, flush=True)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    shuffle = torch.Generator().manual_seed(args.seed)
    data = batches(load_images("train"), args.batch, shuffle)

    extra = {"min_uses": args.min_uses} if args.model == "vqvae2" else {}
    step = MODELS[args.model](args.batch, data, **extra)
    start = time.perf_counter()
    for i in range(args.steps):
        step()
        if args.model == "vqvae2" and (i + 1) % 200 == 0:
            m = step.model
            print(f"step {i + 1}: recon {m.recon.item():.5f}, perplexity "
                  f"top {perplexity(m.codes_top):.1f} bottom "
                  f"{perplexity(m.codes_bottom):.1f}", flush=True)
    seconds = time.perf_counter() - start
    if args.model in TEST_REPORTS:
        result = TEST_REPORTS[args.model](step.model, load_images("test"),
                                          args.batch)
        print(f"{args.model}: {args.steps} steps in {seconds:.0f} s; {result}")
        return
    g = step.model
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
