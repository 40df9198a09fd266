"""How many of VQ-VAE-2's top-encoder units stay alive under each
dead-code restart rule: PyTorch's stage 1 (torch_models.py), tracing the
first top-encoder convolution's ReLU (models/RUNS.md, "VQ-VAE-2's dead
codes").

    /usr/bin/python3 bench/peers/vqvae2_units.py --rule recent --seed 0
    /usr/bin/python3 bench/peers/vqvae2_units.py --rule every-step \\
        --init runs/vqvae2/checkpoint.safetensors    # gmc's initial values

Rules: `recent` is vqvae2.gm's (a code whose moving-average use falls below
1 moves), `every-step` the rule before it (every code the batch left unused
moves, every step), `none` no restarts. `--init` loads a gmc checkpoint
holding the initial values: the trainer has no zero-step run, so edit
vqvae2.gm's `adam(lr=1e-3)` to `lr=1e-30` and train one step with `-D
MIN_USES=0`; then it trains on gmc's batches for the seed (gmc_replica.py).
Without `--init`, PyTorch's own initial values and batches. Prints, every
--every steps, the fraction of the ReLU's outputs above zero, of its
channels with any output above zero, and the batch's top-code perplexity.
"""

import argparse

import torch

from gmc_replica import Batches, load_checkpoint
from torch_models import VQVAE2, restart_dead_codes
from train_torch import batches, load_images, perplexity

# torch_models.VQVAE2's modules -> vqvae2.gm's layers.
NAMES = {"eb1": "encode_bottom.conv2d_0", "eb2": "encode_bottom.conv2d_1",
         "et1": "encode_top.conv2d_0", "et2": "encode_top.conv2d_1",
         "et3": "encode_top.conv2d_2", "dt1": "decode_top.conv2d_0",
         "dt2": "decode_top.conv_transpose2d_0", "pre": "pre_bottom.conv2d_0",
         "up": "decode.conv_transpose2d_0", "d1": "decode.conv2d_0",
         "d2": "decode.conv_transpose2d_1"}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rule", choices=("recent", "every-step", "none"),
                        default="recent")
    parser.add_argument("--init", help="a gmc checkpoint of initial values")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--every", type=int, default=100)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    model = VQVAE2()
    if args.init:
        values, _ = load_checkpoint(args.init)
        with torch.no_grad():
            for ours, theirs in NAMES.items():
                getattr(model, ours).weight.copy_(values[theirs + ".weight"])
                getattr(model, ours).bias.copy_(values[theirs + ".bias"])
            model.top.copy_(values["codebooks.top"])
            model.bottom.copy_(values["codebooks.bottom"])
        gmc_batches = Batches(args.seed)
        position = iter(range(1 << 62))
        images = lambda: gmc_batches.u8(next(position))
    else:
        images = batches(load_images("train"), 64,
                         torch.Generator().manual_seed(args.seed))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    relu_input = {}
    model.et1.register_forward_hook(
        lambda module, inputs, output: relu_input.update(a=output.detach()))

    for step in range(1, args.steps + 1):
        loss = model(images().float() / 255)
        opt.zero_grad()
        loss.backward()
        opt.step()
        levels = ((model.top, model.usage_top, model.vectors_top,
                   model.codes_top),
                  (model.bottom, model.usage_bottom, model.vectors_bottom,
                   model.codes_bottom))
        for book, usage, vectors, codes in levels:
            if args.rule == "recent":
                restart_dead_codes(book, usage, vectors, codes)
            elif args.rule == "every-step":
                # No memory: a code moves whenever this batch left it unused.
                restart_dead_codes(book, usage, vectors, codes, decay=0)
        if step % args.every == 0:
            a = relu_input["a"]
            print(f"step {step}: active {(a > 0).float().mean().item():.4f}, "
                  f"channels {(a.amax(dim=(0, 2, 3)) > 0).float().mean().item():.3f}, "
                  f"perplexity top {perplexity(model.codes_top):.1f}, "
                  f"recon {model.recon.item():.5f}", flush=True)


if __name__ == "__main__":
    main()
