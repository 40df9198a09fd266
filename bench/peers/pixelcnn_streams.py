"""Trains PyTorch's Gated PixelCNN (torch_models.py) from the initial values
gmc's trainer draws for a seed, on the batches it reads for that seed, in
their order: the start and the data of `./pixelcnn train --seed S`, so that
only the arithmetic differs. Prints one JSON line: the seed, the first and
last losses, the training seconds and the test NLL in bits/dim (as
train_torch.py measures it), to pair with gmc's run of the same seed
(models/RUNS.md).

    /usr/bin/python3 bench/peers/pixelcnn_streams.py --seed 0 [--steps 500]
"""

import argparse
import json
import time

import torch
import torch.nn.functional as F

import train_torch
from gmc_replica import Batches, initial_values
from torch_models import GatedPixelCNN

BATCH = 64


def gmc_names(model):
    """PyTorch's parameter names -> pixelcnn.gm's: its convolutions are
    numbered in the order the net creates them (per layer v, h, v -> h,
    out; then the head's two)."""
    convs = []
    for layer in range(len(model.layers)):
        convs += [f"layers.{layer}.{part}" for part in ("v", "h", "v2h", "out")]
    convs += ["head1", "head2"]
    return {f"{ours}.{kind}": f"pixelcnn.conv2d_{i}.{kind}"
            for i, ours in enumerate(convs) for kind in ("weight", "bias")}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--data", default=train_torch.DATA,
                        help="the Fashion-MNIST folder")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    train_torch.DATA = args.data

    model = GatedPixelCNN()
    names = gmc_names(model)
    values = initial_values(model, names, args.seed)
    if len(values) != len(names):
        raise SystemExit(f"{len(names) - len(values)} parameters not mapped")
    with torch.no_grad():
        for name, value in values.items():
            model.state_dict()[name].copy_(value)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    batches = Batches(args.seed)
    losses = []
    start = time.perf_counter()
    for step in range(args.steps):
        u8 = batches.u8(step, BATCH)
        nll = F.cross_entropy(model(u8.float() / 255), u8.long().squeeze(1))
        opt.zero_grad()
        nll.backward()
        opt.step()
        losses.append(nll.item())
    seconds = time.perf_counter() - start
    bits = train_torch.pixelcnn_bits_per_dim(
        model, train_torch.load_images("test"), BATCH)
    print(json.dumps({"framework": "pytorch", "init": "gmc", "streams": "gmc",
                      "model": "pixelcnn", "seed": args.seed,
                      "steps": args.steps, "first_losses": losses[:3],
                      "last_loss": losses[-1], "train_s": round(seconds, 1),
                      "bits_per_dim": round(bits, 5),
                      "torch": torch.__version__}), flush=True)


if __name__ == "__main__":
    main()
