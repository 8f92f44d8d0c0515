"""An adversarial loss for the decoder (training only; nothing of it is exported).

A decoder trained on pixel errors alone draws what is likely on average where its latent leaves the
outline open: a soft, round blob, which the World judge reads as a circle whatever the caption said
(models/README.md). A patch discriminator that tells rendered frames from decoded ones rewards a
decoder that commits to crisp outlines instead, as the autoencoders of latent diffusion are trained
(Esser et al., "Taming Transformers", 2021: a patch GAN with hinge loss, its weight set against the
reconstruction loss's gradient at the decoder's last layer)."""
import torch
import torch.nn as nn
import torch.nn.functional as F

from .networks import GroupNorm32


class PatchDiscriminator(nn.Module):
    """A logit per overlapping patch of about 22x22 pixels of a frame (N, 3, H, W) in [-1, 1]."""

    def __init__(self, widths=(32, 64, 128)):
        super().__init__()
        a, b, c = widths
        self.net = nn.Sequential(
            nn.Conv2d(3, a, 4, 2, 1), nn.LeakyReLU(0.2),
            nn.Conv2d(a, b, 4, 2, 1), GroupNorm32(8, b), nn.LeakyReLU(0.2),
            nn.Conv2d(b, c, 3, 1, 1), GroupNorm32(8, c), nn.LeakyReLU(0.2),
            nn.Conv2d(c, 1, 3, 1, 1))

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        return self.net(frames)


def discriminator_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """Hinge loss: rendered patches above +1, decoded ones below -1."""
    return 0.5 * (F.relu(1 - real_logits).mean() + F.relu(1 + fake_logits).mean())


def generator_loss(fake_logits: torch.Tensor) -> torch.Tensor:
    return -fake_logits.mean()


def adaptive_weight(reconstruction: torch.Tensor, adversarial: torch.Tensor, last_layer: torch.Tensor) -> torch.Tensor:
    """The adversarial term's weight that gives its gradient at `last_layer` the reconstruction
    term's size, so that one weight (--adversarial-weight) means the same whatever the losses' scales."""
    g_rec = torch.autograd.grad(reconstruction, last_layer, retain_graph=True)[0]
    g_adv = torch.autograd.grad(adversarial, last_layer, retain_graph=True)[0]
    return (g_rec.norm() / (g_adv.norm() + 1e-4)).clamp(0.0, 1e4).detach()


class Adversary:
    """The decoder phase's adversarial loss (train.py --adversarial-weight): a patch
    discriminator trained beside the decoder, its state kept in the checkpoint ("disc", "disc_opt").
    Its weight ramps up over the first 200 steps of the decoder's (restarted) schedule, while the
    discriminator learns what a decoded frame looks like."""

    RAMP = 200

    def __init__(self, args, state: dict, dec, dev):
        self.weight, self.bf16, self.dev = args.adversarial_weight, args.bf16, dev
        self.last_layer = dec.net[-2].weight
        self.disc = PatchDiscriminator().to(dev)
        self.opt = torch.optim.AdamW(self.disc.parameters(), betas=(0.5, 0.9), weight_decay=0.0)
        if "disc" in state:
            self.disc.load_state_dict(state["disc"])
            self.opt.load_state_dict(state["disc_opt"])
        self.last = {}

    def generator_term(self, reconstruction: torch.Tensor, recon: torch.Tensor, step: int) -> torch.Tensor:
        self.disc.requires_grad_(False)
        with torch.autocast(self.dev.type, dtype=torch.bfloat16, enabled=self.bf16):
            adversarial = generator_loss(self.disc(recon).float())
        self.disc.requires_grad_(True)
        w = adaptive_weight(reconstruction, adversarial, self.last_layer) * self.weight * min(1.0, step / self.RAMP)
        self.last.update(g=adversarial.item(), w=w.item())
        return w * adversarial

    def discriminator_step(self, real: torch.Tensor, fake: torch.Tensor, lr: float) -> None:
        """One step of the discriminator at the decoder's learning rate of the moment."""
        for g in self.opt.param_groups:
            g["lr"] = lr
        with torch.autocast(self.dev.type, dtype=torch.bfloat16, enabled=self.bf16):
            loss = discriminator_loss(self.disc(real).float(), self.disc(fake).float())
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        self.opt.step()
        self.last["d"] = loss.item()

    def describe(self) -> str:
        return f" adversarial g {self.last.get('g', 0):.3f} weight {self.last.get('w', 0):.3f} d {self.last.get('d', 0):.3f}"

    def state(self) -> dict:
        return {"disc": self.disc.state_dict(), "disc_opt": self.opt.state_dict()}
