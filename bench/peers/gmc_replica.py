"""gmc's runtime, replicated in numpy for PyTorch peers: its checkpoints,
its random streams (Philox4x32-10 and the transforms of
runtime/core/random.h, bit for bit in the 32-bit draws), the trainer's
shuffled batches (runtime/io/dataset.cpp) and the initial values of
variables (runtime/trainer/session.cpp), with the names and stream ids of
wgan_gp.gm.

replay_wgan_gp.py replays one gmc step from a checkpoint with these;
wgan_streams.py trains PyTorch on them from the first step.
"""

import json
import struct

import numpy as np
import torch

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
# The `step` of initializer streams (kInitStep).
INIT_STEP = 0xFFFFFFFF


# safetensors' dtypes as numpy's, for those gmc's checkpoints hold.
DTYPES = {"F32": np.float32, "F64": np.float64, "I32": np.int32,
          "I64": np.int64, "U8": np.uint8}


def load_checkpoint(path):
    """A gmc checkpoint: {name: tensor of its stored type}, and its
    metadata."""
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {})
    tensors = {}
    for name, v in header.items():
        begin, end = v["data_offsets"]
        data = np.frombuffer(raw[8 + n + begin:8 + n + end], DTYPES[v["dtype"]])
        tensors[name] = torch.from_numpy(data.reshape(v["shape"]).copy())
    return tensors, meta


def adam_state(state, name, counter, dtype):
    """PyTorch Adam's state for variable `name` from a gmc checkpoint's
    (`state`), its step count in `counter`. The moments are copies: Adam
    updates them in place, and `state` keeps the values before the step."""
    return {"step": torch.tensor(float(state[counter])),
            "exp_avg": state[name + ".exp_avg"].to(dtype, copy=True),
            "exp_avg_sq": state[name + ".exp_avg_sq"].to(dtype, copy=True)}


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

    def u8(self, position, size=64):
        """Batch `position` as the dataset's u8 images (N, 1, 28, 28)."""
        count = len(self.images)
        picks = [self.order(g // count)[g % count]
                 for g in range(position * size, (position + 1) * size)]
        return torch.from_numpy(np.stack([self.images[k] for k in picks]))

    def batch(self, position, size=64):
        """Batch `position` scaled as wgan_gp.gm's x: u8 / 255 * 2 - 1."""
        u8 = self.u8(position, size).numpy()
        return torch.from_numpy(u8.astype(np.float32) / 255.0 * 2 - 1)


# --- initial values (runtime/trainer/session.cpp) ------------------------------


def init_stream_id(name):
    """FNV-1a of a variable's name, as initStreamId."""
    h = 2166136261
    for c in name.encode():
        h = ((h ^ c) * 16777619) & 0xFFFFFFFF
    return h


def initial_values(net, names, seed):
    """gmc's initial values of `net`'s parameters ({PyTorch name: gmc name}),
    as the trainer draws them for `seed`: U(-1/sqrt(fan_in), 1/sqrt(fan_in))
    for weights and biases, fan_in as PyTorch computes it from the module's
    weight (the front end does the same, docs/language.md), element e from
    element e of the variable's stream; batch norm's gamma 1, beta 0, as
    PyTorch's. Returns {PyTorch name: f32 tensor}."""
    values = {}
    for module_name, module in net.named_modules():
        weight = getattr(module, "weight", None)
        if weight is None or isinstance(module, torch.nn.modules.batchnorm._BatchNorm):
            continue
        fan_in, _ = torch.nn.init._calculate_fan_in_and_fan_out(weight)
        bound = 1.0 / np.sqrt(fan_in)
        for kind in ("weight", "bias"):
            ours = f"{module_name}.{kind}" if module_name else kind
            if getattr(module, kind, None) is None or ours not in names:
                continue
            shape = tuple(getattr(module, kind).shape)
            e = np.arange(int(np.prod(shape)), dtype=np.uint64)
            bits = random_bits(seed, init_stream_id(names[ours]), INIT_STEP, 0, e)
            u = -bound + 2 * bound * uniform_open(bits)
            values[ours] = torch.from_numpy(u.astype(np.float32).reshape(shape))
    return values
