"""models/classifier.gm's FID and class count, in PyTorch, from gmc's
trained classifier checkpoint: for measuring many sample sets where gmc's
trainer cannot run (wgan_streams.py on a GPU machine).

    /usr/bin/python3 bench/peers/classifier_fid.py CHECKPOINT SAMPLES.npy

The same statistics as `classifier eval --phase fid`: the 128 ReLU features
before the last layer, f32; per side their mean and covariance (divided by
n - 1) in f64; the Fréchet distance with the matrix square roots from
eigendecompositions (runtime/core/statistics.cpp); the test split against
the samples; and the distinct argmax classes among the first 1000 samples
(`--batches 20`). The two agree to rounding (models/RUNS.md).
"""

import argparse

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from gmc_replica import load_checkpoint
from train_torch import load_images


class Classifier(nn.Module):
    """classifier.gm's `classify`, with its `features`."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 32, 4, 2, 1)
        self.c2 = nn.Conv2d(32, 64, 4, 2, 1)
        self.fc = nn.Linear(3136, 128)
        self.out = nn.Linear(128, 10)

    def features(self, x):
        h = F.relu(self.c2(F.relu(self.c1(x))))
        return F.relu(self.fc(h.flatten(1)))

    def forward(self, x):
        return self.out(self.features(x))


NAMES = {"c1": "features.conv2d_0", "c2": "features.conv2d_1",
         "fc": "features.linear_0", "out": "classify.linear_0"}


def load_classifier(path, device="cpu"):
    state, _ = load_checkpoint(path)
    model = Classifier()
    with torch.no_grad():
        for ours, theirs in NAMES.items():
            for kind in ("weight", "bias"):
                getattr(getattr(model, ours), kind).copy_(
                    state[f"{theirs}.{kind}"])
    return model.to(device).eval()


def moments(features):
    """Mean and covariance (n - 1) of f32 features, in f64."""
    f = features.double()
    mean = f.mean(0)
    centred = f - mean
    return mean.numpy(), (centred.T @ centred / (len(f) - 1)).numpy()


def frechet_distance(m1, c1, m2, c2):
    """|m1 - m2|^2 + tr(c1 + c2 - 2 (c1^1/2 c2 c1^1/2)^1/2)."""
    values, vectors = np.linalg.eigh(c1)
    root1 = vectors @ np.diag(np.sqrt(np.maximum(values, 0))) @ vectors.T
    inner = np.linalg.eigvalsh(root1 @ c2 @ root1)
    trace_root = np.sqrt(np.maximum(inner, 0)).sum()
    return float(((m1 - m2) ** 2).sum() + np.trace(c1) + np.trace(c2)
                 - 2 * trace_root)


class FID:
    """The test split's statistics once; then `measure(samples)`."""

    def __init__(self, checkpoint, device="cpu", batch=500):
        self.model = load_classifier(checkpoint, device)
        self.device, self.batch = device, batch
        self.test = moments(self.features(load_images("test").float() / 255))

    def features(self, images):
        out = []
        with torch.no_grad():
            for i in range(0, len(images), self.batch):
                x = images[i:i + self.batch].to(self.device)
                out.append(self.model.features(x).float().cpu())
        return torch.cat(out)

    def measure(self, samples):
        """{fid, classes_in_1000} of samples (N, 1, 28, 28) in [0, 1]."""
        samples = torch.as_tensor(samples, dtype=torch.float32)
        fid = frechet_distance(*self.test, *moments(self.features(samples)))
        with torch.no_grad():
            logits = self.model(samples[:1000].to(self.device))
        classes = len(torch.unique(logits.argmax(1)))
        return {"fid": fid, "classes_in_1000": classes}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("checkpoint", help="classifier.gm's trained checkpoint")
    parser.add_argument("samples", help="NPY (N, 1, 28, 28) in [0, 1]")
    args = parser.parse_args()
    result = FID(args.checkpoint).measure(np.load(args.samples))
    print(f"fid {result['fid']:.4f}, classes in the first 1000: "
          f"{result['classes_in_1000']}")


if __name__ == "__main__":
    main()
