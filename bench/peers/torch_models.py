"""The reference models in PyTorch eager, layer for layer as in models/*.gm.

Each `make_<model>(batch, images=None)` returns a function that runs one
training step (forward, backward, optimizer updates); `step.model` is what
it trains (the generator, for the GANs). `images()` gives the next batch of
u8 images (N, 1, 28, 28); by default one fixed batch of synthetic ones,
since data loading is not what the benchmark compares (train_torch.py
passes Fashion-MNIST). The step is the .gm file's train block (for
VQ-VAE-2, `train stage1` with its dead-code restarts), with the same
optimizers.
"""

import torch
import torch.nn as nn
import torch.nn.functional as F


def reference_blas():
    """The path of the BLAS this process loaded when it is Debian's
    reference one (libblas3 alone, no OpenBLAS): PyTorch's transposed
    convolutions and convolution backward then run about 6x slower
    (2026-12-06: DCGAN 600 ms a step against 95 with OpenBLAS), so its
    timings say nothing. None when it is an optimized one."""
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = line.split()[-1]
            if "/blas/libblas.so" in path:
                return path
    return None


def synthetic(batch):
    """A fixed batch of random u8 images, as `images()`."""
    x = torch.randint(0, 256, (batch, 1, 28, 28), dtype=torch.uint8)
    return lambda: x


def bce_with_logits_sum(logits, target):
    return F.binary_cross_entropy_with_logits(logits, target, reduction="sum")


# --- VAE ---------------------------------------------------------------------


class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.e1 = nn.Conv2d(1, 32, 4, 2, 1)
        self.e2 = nn.Conv2d(32, 64, 4, 2, 1)
        self.e3 = nn.Linear(3136, 256)
        self.e4 = nn.Linear(256, 40)
        self.d1 = nn.Linear(20, 256)
        self.d2 = nn.Linear(256, 3136)
        self.d3 = nn.ConvTranspose2d(64, 32, 4, 2, 1)
        self.d4 = nn.ConvTranspose2d(32, 1, 4, 2, 1)

    def forward(self, x):
        h = F.relu(self.e2(F.relu(self.e1(x))))
        out = self.e4(F.relu(self.e3(h.flatten(1))))
        mu, logvar = out[:, :20], out[:, 20:]
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        h = F.relu(self.d2(F.relu(self.d1(z)))).view(-1, 64, 7, 7)
        logits = self.d4(F.relu(self.d3(h)))
        return logits, mu, logvar


def vae_losses(model, x):
    """vae.gm's loss parts, per image of the batch x (in [0, 1]): the
    reconstruction's BCE summed over pixels and the closed-form KL."""
    logits, mu, logvar = model(x)
    recon = bce_with_logits_sum(logits, x) / len(x)
    kl = -0.5 * torch.sum(1 + logvar - mu**2 - torch.exp(logvar)) / len(x)
    return recon, kl


def make_vae(batch, images=None):
    images = images or synthetic(batch)
    model = VAE()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step():
        recon, kl = vae_losses(model, images().float() / 255)
        opt.zero_grad()
        (recon + kl).backward()
        opt.step()

    step.model = model
    return step


# --- DCGAN and WGAN-GP ---------------------------------------------------------


class Generator(nn.Module):
    def __init__(self, z=64):
        super().__init__()
        self.fc = nn.Linear(z, 6272, bias=False)
        self.bn1 = nn.BatchNorm2d(128)
        self.ct1 = nn.ConvTranspose2d(128, 64, 4, 2, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(64)
        self.ct2 = nn.ConvTranspose2d(64, 1, 4, 2, 1)

    def forward(self, z):
        h = F.relu(self.bn1(self.fc(z).view(-1, 128, 7, 7)))
        h = F.relu(self.bn2(self.ct1(h)))
        return torch.tanh(self.ct2(h))


class Discriminator(nn.Module):
    def __init__(self, batch_norm=True):
        super().__init__()
        self.c1 = nn.Conv2d(1, 64, 4, 2, 1)
        self.c2 = nn.Conv2d(64, 128, 4, 2, 1, bias=not batch_norm)
        self.bn = nn.BatchNorm2d(128) if batch_norm else nn.Identity()
        self.fc = nn.Linear(6272, 1)

    def forward(self, x):
        h = F.leaky_relu(self.c1(x), 0.2)
        h = F.leaky_relu(self.bn(self.c2(h)), 0.2)
        return self.fc(h.flatten(1))


def make_dcgan(batch, images=None):
    images = images or synthetic(batch)
    g, d = Generator(), Discriminator()
    opt_g = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999))
    ones, zeros = torch.ones(batch, 1), torch.zeros(batch, 1)

    def step():
        x = images().float() / 127.5 - 1
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

    step.model = g
    return step


def critic_round(critic, opt_c, x, fake, eps, penalty_weight=10.0):
    """One critic update of WGAN-GP on real x, fake images and the
    interpolation weights eps; returns (loss, penalty)."""
    xhat = (eps * x + (1 - eps) * fake).requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(xhat).sum(), xhat, create_graph=True)
    penalty = penalty_weight * ((grad.flatten(1).norm(dim=1) - 1) ** 2).mean()
    loss_c = critic(fake).mean() - critic(x).mean() + penalty
    opt_c.zero_grad()
    loss_c.backward()
    opt_c.step()
    return loss_c, penalty


def generator_round(g, critic, opt_g, z):
    """WGAN-GP's generator update on noise z; returns its loss."""
    loss_g = -critic(g(z)).mean()
    opt_g.zero_grad()
    loss_g.backward()
    opt_g.step()
    return loss_g


def wgan_gp_optimizers(g, critic):
    return (torch.optim.Adam(g.parameters(), lr=1e-4, betas=(0.0, 0.9)),
            torch.optim.Adam(critic.parameters(), lr=1e-4, betas=(0.0, 0.9)))


def make_wgan_gp(batch, images=None, rounds=5, penalty_weight=10.0):
    images = images or synthetic(batch)
    g, critic = Generator(), Discriminator(batch_norm=False)
    opt_g, opt_c = wgan_gp_optimizers(g, critic)

    def step():
        for _ in range(rounds):
            x = images().float() / 127.5 - 1
            with torch.no_grad():
                fake = g(torch.randn(batch, 64))
            critic_round(critic, opt_c, x, fake, torch.rand(batch, 1, 1, 1),
                         penalty_weight)
        generator_round(g, critic, opt_g, torch.randn(batch, 64))

    step.model = g
    return step


# --- Gated PixelCNN ------------------------------------------------------------


class MaskedConv2d(nn.Conv2d):
    """A convolution whose weight is multiplied by a fixed 0/1 mask."""

    def __init__(self, cin, cout, kernel, padding, mask):
        super().__init__(cin, cout, kernel, padding=padding)
        self.register_buffer("mask", mask)

    def forward(self, x):
        return F.conv2d(x, self.weight * self.mask, self.bias,
                        padding=self.padding)


def vertical_mask(k, include_centre_row):
    m = torch.zeros(k, k)
    m[: k // 2 + (1 if include_centre_row else 0)] = 1
    return m


def horizontal_mask(k, include_centre):
    m = torch.zeros(1, k)
    m[0, : k // 2 + (1 if include_centre else 0)] = 1
    return m


class GatedLayer(nn.Module):
    """One gated layer: mask A (first layer) or B, vertical and horizontal
    stacks, optional conditioning added to the vertical stack's gates."""

    def __init__(self, cin, c, k, first, cond_channels=0):
        super().__init__()
        self.first = first
        self.v = MaskedConv2d(cin, 2 * c, k, k // 2,
                              vertical_mask(k, not self.first))
        self.h = MaskedConv2d(cin, 2 * c, (1, k), (0, k // 2),
                              horizontal_mask(k, not self.first))
        self.v2h = nn.Conv2d(2 * c, 2 * c, 1)
        self.out = nn.Conv2d(c, c, 1)
        self.cond = nn.Conv2d(cond_channels, 2 * c, 1) if cond_channels else None
        self.c = c

    def forward(self, v, h, cond=None):
        vc = self.v(v)
        if self.cond is not None:
            vc = vc + self.cond(cond)
        hc = self.h(h) + self.v2h(vc)
        c = self.c
        v = torch.tanh(vc[:, :c]) * torch.sigmoid(vc[:, c:])
        gated = self.out(torch.tanh(hc[:, :c]) * torch.sigmoid(hc[:, c:]))
        h = gated if self.first else h + gated
        return v, h


class GatedPixelCNN(nn.Module):
    def __init__(self, cin=1, classes=256, c=64, cond_channels=0):
        super().__init__()
        self.layers = nn.ModuleList(
            [GatedLayer(cin, c, 7, True, cond_channels)] +
            [GatedLayer(c, c, 3, False, cond_channels) for _ in range(5)])
        self.head1 = nn.Conv2d(c, 128, 1)
        self.head2 = nn.Conv2d(128, classes, 1)

    def forward(self, x, cond=None):
        v = h = x
        for layer in self.layers:
            v, h = layer(v, h, cond)
        return self.head2(F.relu(self.head1(F.relu(h))))


def make_pixelcnn(batch, images=None):
    images = images or synthetic(batch)
    model = GatedPixelCNN()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step():
        u8 = images()
        nll = F.cross_entropy(model(u8.float() / 255), u8.long().squeeze(1))
        opt.zero_grad()
        nll.backward()
        opt.step()

    step.model = model
    return step


# --- VQ-VAE-2 (stage 1) ----------------------------------------------------------


def quantize(z, codebook):
    flat = z.permute(0, 2, 3, 1).reshape(-1, z.shape[1])
    codes = torch.cdist(flat, codebook).argmin(dim=1)
    e = codebook[codes].view(z.shape[0], z.shape[2], z.shape[3], -1)
    e = e.permute(0, 3, 1, 2)
    return z + (e - z).detach(), e, flat.detach(), codes


def restart_dead_codes(codebook, usage, vectors, codes, min_uses=1,
                       decay=0.99):
    """vqvae2.gm's restart: a code whose recent use (`usage`, a moving
    average of how many of a batch's vectors chose it, updated in place)
    falls below `min_uses` moves to one of the batch's vectors, drawn at
    random, and its use starts again at the mean."""
    with torch.no_grad():
        k = codebook.shape[0]
        usage.mul_(decay).add_(torch.bincount(codes, minlength=k).float(),
                               alpha=1 - decay)
        drawn = vectors[torch.randint(0, len(vectors), (k,))]
        dead = usage < min_uses
        codebook[dead] = drawn[dead]
        usage[dead] = len(vectors) / k


class VQVAE2(nn.Module):
    def __init__(self, k=64, d=32):
        super().__init__()
        self.eb1 = nn.Conv2d(1, 64, 4, 2, 1)
        self.eb2 = nn.Conv2d(64, 64, 3, padding=1)
        self.et1 = nn.Conv2d(64, 64, 4, 2, 1)
        self.et2 = nn.Conv2d(64, 64, 3, padding=1)
        self.et3 = nn.Conv2d(64, d, 1)
        self.dt1 = nn.Conv2d(d, 64, 3, padding=1)
        self.dt2 = nn.ConvTranspose2d(64, d, 4, 2, 1)
        self.pre = nn.Conv2d(64 + d, d, 1)
        self.up = nn.ConvTranspose2d(d, d, 4, 2, 1)
        self.d1 = nn.Conv2d(2 * d, 64, 3, padding=1)
        self.d2 = nn.ConvTranspose2d(64, 1, 4, 2, 1)
        self.top = nn.Parameter(torch.empty(k, d).uniform_(-1 / k, 1 / k))
        self.bottom = nn.Parameter(torch.empty(k, d).uniform_(-1 / k, 1 / k))
        self.register_buffer("usage_top", torch.zeros(k))
        self.register_buffer("usage_bottom", torch.zeros(k))

    def forward(self, x):
        hb = F.relu(self.eb2(F.relu(self.eb1(x))))
        zt = self.et3(self.et2(F.relu(self.et1(hb))))
        qt, et, self.vectors_top, self.codes_top = quantize(zt, self.top)
        dt = self.dt2(F.relu(self.dt1(qt)))
        zb = self.pre(torch.cat([hb, dt], 1))
        qb, eb, self.vectors_bottom, self.codes_bottom = quantize(
            zb, self.bottom)
        xhat = self.d2(F.relu(self.d1(torch.cat([self.up(qt), qb], 1))))
        self.recon = F.mse_loss(xhat, x)
        vq = 0.0
        for z, e in ((zt, et), (zb, eb)):
            vq = vq + F.mse_loss(e, z.detach()) + 0.25 * F.mse_loss(z, e.detach())
        return self.recon + vq


def make_vqvae2(batch, images=None, min_uses=1):
    images = images or synthetic(batch)
    model = VQVAE2()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step():
        x = images().float() / 255
        loss = model(x)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if min_uses > 0:
            restart_dead_codes(model.top, model.usage_top, model.vectors_top,
                               model.codes_top, min_uses)
            restart_dead_codes(model.bottom, model.usage_bottom,
                               model.vectors_bottom, model.codes_bottom,
                               min_uses)

    step.model = model
    return step


MODELS = {
    "vae": make_vae,
    "dcgan": make_dcgan,
    "wgan_gp": make_wgan_gp,
    "pixelcnn": make_pixelcnn,
    "vqvae2": make_vqvae2,
}
