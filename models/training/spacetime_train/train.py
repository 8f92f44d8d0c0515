"""Trains the default model: the autoencoder first, then text encoder + denoiser on its latents.

    python3 -m spacetime_train.train --out runs/default --device cuda            # both phases
    python3 -m spacetime_train.train --out runs/default --phase dit --dit-steps N # resume / continue

Deterministic for a given seed, device and step counts. A checkpoint is written every few hundred
steps and at the end, so a run killed at any point resumes where it stopped.
"""
from __future__ import annotations

import argparse
import copy
import json
import math
import os
import random
import time

import torch
import torch.nn.functional as F

from . import networks as N
from .data import clip_batch, pick_size
from .world import render, sample_scene
from .adversary import Adversary
from .flow import logit_normal
from .latents import SOURCE_LATENTS, LatentCache, fill
from .tokenizer import WordTokenizer

WINDOW_LATENTS = 9                 # 33 frames = 4.1 s at 8 fps per model window
WINDOW_FRAMES = 1 + (WINDOW_LATENTS - 1) * N.TEMPORAL
# Model v2: per-frame autoencoder codes (8 channels a frame, 4 frames stacked per latent frame).
CONFIG = dict(vae="frame", latent_channels=32, dit_dim=192, dit_depth=8, dit_heads=6, patch=2, text_dim=128,
              text_depth=2)
# The first package (spacetime-world-v1 1.0.0): one code per group of 4 frames.
CONFIG_V1 = dict(vae="group", latent_channels=16, dit_dim=192, dit_depth=8, dit_heads=6, patch=2, text_dim=128,
                 text_depth=2)


def build(cfg=CONFIG, vocab_size=None, max_tokens=32):
    tok = WordTokenizer(max_tokens=max_tokens)
    enc, dec = N.autoencoder(cfg.get("vae", "group"), cfg["latent_channels"])
    text = N.TextEncoder(vocab_size or tok.vocab_size, max_tokens, cfg["text_dim"], cfg["dit_dim"], cfg["text_depth"])
    dit = N.Denoiser(cfg["latent_channels"], cfg["dit_dim"], cfg["dit_depth"], cfg["dit_heads"], cfg["patch"])
    return tok, enc, dec, text, dit


def log(path, msg):
    line = f"{time.strftime('%H:%M:%S')} {msg}"
    print(line, flush=True)
    with open(path, "a") as f:
        f.write(line + "\n")


def save(path, state):
    tmp = path + ".tmp"
    torch.save(state, tmp)
    os.replace(tmp, path)
    # The weights the export needs (EMA for the denoiser and text encoder), without optimiser state.
    keep = {k: state[k] for k in ("config", "enc", "dec", "ema_text", "ema_dit", "latent_shift", "latent_scale",
                                  "latent_whitening", "vae_step", "dec_step", "dec_restart_step", "dit_step", "args") if k in state}
    wpath = os.path.join(os.path.dirname(path), "weights.pt")
    torch.save(keep, wpath + ".tmp")
    os.replace(wpath + ".tmp", wpath)


def frame_batch(rng: random.Random, n: int, dev) -> torch.Tensor:
    """n frames (n, 3, H, W) in [-1, 1] for the per-frame autoencoder: n / 4 scenes, 4 frames of each
    at a random start time and a random spacing (more scenes per batch than whole clips would give)."""
    h, w = pick_size(rng)
    scenes = [sample_scene(rng, aspect=w / h, clip_seconds=WINDOW_FRAMES / 8, held_out="exclude") for _ in range(n // 4)]
    video = render(scenes, h, w, 4, fps=rng.uniform(1.0, 8.0), start_time=rng.uniform(0.0, 3.0), device=dev)
    return video.reshape(-1, h, w, 3).permute(0, 3, 1, 2).float() / 127.5 - 1.0


@torch.no_grad()
def held_out_psnr(enc, dec, dev, seed: int = 99) -> dict:
    """PSNR (dB) of encode + decode on fixed renders the run never trains on, per trained size."""
    out = {}
    for h, w in ((64, 64), (64, 96), (96, 64)):
        rng = random.Random(seed)
        scenes = [sample_scene(rng, aspect=w / h, clip_seconds=4.0, held_out="any") for _ in range(12)]
        video = render(scenes, h, w, 17, device=dev).permute(0, 4, 1, 2, 3).float() / 127.5 - 1.0
        recon = dec(enc(video)[0])[:, :, N.TEMPORAL - 1:].clamp(-1, 1)
        out[f"{w}x{h}"] = -10 * math.log10(F.mse_loss((recon + 1) / 2, (video + 1) / 2).item() + 1e-12)
    return out


def edge_map(frames: torch.Tensor) -> torch.Tensor:
    """(N, 1, H, W): 1 within one pixel of a colour edge of frames (N, 3, H, W), else 0. World frames
    are flat colours, so any step between neighbouring pixels is an object's outline."""
    step_x = (frames[:, :, :, 1:] - frames[:, :, :, :-1]).abs().amax(dim=1, keepdim=True)
    step_y = (frames[:, :, 1:, :] - frames[:, :, :-1, :]).abs().amax(dim=1, keepdim=True)
    edges = F.pad(step_x, (0, 1)) + F.pad(step_x, (1, 0)) + F.pad(step_y, (0, 0, 0, 1)) + F.pad(step_y, (0, 0, 1, 0))
    return F.max_pool2d((edges > 0.1).float(), 3, stride=1, padding=1)


def reconstruction_loss(recon: torch.Tensor, frames: torch.Tensor, edge_weight: float = 0.0) -> torch.Tensor:
    """L1 + squared error per pixel, pixels near an outline weighing 1 + edge_weight times as much.
    A decoder trained on the plain mean rounds corners off (they are few pixels): the World judge
    then reads small squares and triangles as circles (models/README.md)."""
    per_pixel = ((recon - frames).abs() + (recon - frames) ** 2).mean(dim=1, keepdim=True)
    if edge_weight <= 0:
        return per_pixel.mean()
    w = 1 + edge_weight * edge_map(frames)
    return (per_pixel * w).sum() / w.sum()


def noised_latent(mean: torch.Tensor, logvar: torch.Tensor, fixed_std: float, learned_scale: float = 1.0) -> torch.Tensor:
    """What the decoder decodes in training: the encoder's mean plus noise, of std `fixed_std` when it
    is >= 0, else of the encoder's learned spread times `learned_scale`. The noise keeps the decoder
    reading latents that are not exactly the encoder's, as the denoiser's are: a decoder trained on
    the means alone reconstructs renders better but reads generated clips worse (models/README.md,
    twenty-first session)."""
    if fixed_std >= 0:
        return mean + torch.randn_like(mean) * fixed_std
    return mean + torch.randn_like(mean) * torch.exp(0.5 * logvar) * learned_scale


class DenoiserEstimates:
    """Decoder batches of what the sampler hands the decoder: rendered 17-frame clips, encoded, noised to
    a level in (0, max_noise] and denoised in one step by the (frozen, EMA) text encoder and denoiser,
    x0 = x_t - t v; the decoder learns to make the rendered frames from that estimate. A sample's last
    latents are such an estimate at a low noise level (DPM-Solver++'s last step starts at 0.25 with 10
    steps and shift 3), softer than the encoder's codes the decoder otherwise sees."""

    CLIP_FRAMES = 17

    def __init__(self, state: dict, text, dit, tok, clips: int, max_noise: float, dev):
        text.load_state_dict(state["ema_text"]); dit.load_state_dict(state["ema_dit"])
        self.text, self.dit, self.tok = text.eval().requires_grad_(False), dit.eval().requires_grad_(False), tok
        self.space = N.LatentSpace(state, dev)
        self.clips, self.max_noise, self.dev = clips, max_noise, dev

    @torch.no_grad()
    def batch(self, rng: random.Random, enc) -> tuple[torch.Tensor, torch.Tensor]:
        """(codes (B, 4 fc, T, h, w) for the decoder, frames (B, 3, 4T - 3, H, W) to make from them)."""
        frames, captions = clip_batch(rng, self.clips, self.CLIP_FRAMES, pick_size(rng), self.dev, self.CLIP_FRAMES / 8)
        x0 = self.space.to_latents(enc(frames)[0])
        t = torch.tensor([rng.uniform(0.02, self.max_noise) for _ in range(self.clips)], device=self.dev)
        tb = t[:, None, None, None, None]
        xt = (1 - tb) * x0 + tb * torch.randn_like(x0)
        ids, mask = (torch.tensor(x, device=self.dev) for x in zip(*[self.tok.encode(c) for c in captions]))
        v = self.dit(xt, t[:, None].expand(-1, x0.shape[2]), self.text(ids, mask), mask).float()
        return self.space.to_codes(xt - tb * v), frames


def train_vae(args, state, enc, dec, dev, logf, decoder_only=False, estimates: DenoiserEstimates | None = None):
    """Per-frame autoencoder (config vae="frame"). The learning rate warms up, then decays on a
    cosine to 1 % at the last step. Divergence is visible and undone: when the held-out PSNR drops
    3 dB under the best seen, the run logs DIVERGED, returns to the best checkpoint and halves the
    rate.

    decoder_only (--phase decoder): the decoder alone on the frozen encoder, so that the latents, and
    the denoiser trained on them, stay valid while reconstructions get sharper. It has its own step
    count (dec_step, on top of vae_step), schedule (--decoder-steps, --decoder-lr) and state keys.
    With `estimates`, that share of its batches (--estimate-share) are the denoiser's estimates of
    rendered clips (DenoiserEstimates) instead of the encoder's codes of single frames."""
    if args.config["vae"] != "frame":
        raise SystemExit("only the per-frame autoencoder (model v2) is trained by this code")
    key, name = ("dec", "decoder") if decoder_only else ("vae", "vae")
    total, stop_at = (args.decoder_steps, args.decoder_steps) if decoder_only else (args.vae_steps, args.vae_stop_at)
    base_lr, warmup, seed = (args.decoder_lr, 100, 7000) if decoder_only else (args.vae_lr, 200, 1000)
    minutes = 1e9 if decoder_only else args.vae_minutes
    trained = {"dec": dec} if decoder_only else {"enc": enc, "dec": dec}
    if decoder_only:
        enc.eval()
        enc.requires_grad_(False)
    params = [p for net in trained.values() for p in net.parameters()]
    opt = torch.optim.AdamW(params, lr=base_lr, weight_decay=0.0)
    if f"{key}_opt" in state:
        opt.load_state_dict(state[f"{key}_opt"])
    step = state.get(f"{key}_step", 0)
    lr_scale = state.get(f"{key}_lr_scale", 1.0)
    best = state.get(f"{key}_best", {"psnr": -1.0})
    begin = 0   # where the schedule starts: 0, or a warm restart's first step
    if decoder_only and args.decoder_restart_steps > 0 and (step >= total or "dec_restart_step" in state):
        # A warm restart past the end of the schedule: a new warm-up and cosine of its own (a fresh optimiser).
        begin = state.setdefault("dec_restart_step", step)
        total = stop_at = begin + args.decoder_restart_steps
        base_lr = args.decoder_restart_lr
        if step == begin:
            for k in ("dec_opt", "dec_best", "dec_lr_scale"):
                state.pop(k, None)
            opt = torch.optim.AdamW(params, lr=base_lr, weight_decay=0.0)
            lr_scale, best = 1.0, {"psnr": -1.0}
        log(logf, f"decoder warm restart at step {begin}: learning rate {base_lr:.1e} for {args.decoder_restart_steps} "
                  f"steps, latent noise {args.latent_noise:g} x{args.latent_noise_scale:g}, estimate share {args.estimate_share:g}")
    adversary = None
    if decoder_only and args.adversarial_weight > 0:
        adversary = Adversary(args, state, dec, dev)
        log(logf, f"decoder adversarial weight {args.adversarial_weight:g} (a patch discriminator, adversary.py)")
    rng = random.Random(args.seed * seed + step)
    torch.manual_seed(args.seed * seed + step)
    t0 = time.time()
    while step < min(total, stop_at):
        progress = (step - begin) / (total - begin)
        lr = lr_scale * base_lr * min(1.0, (step - begin + 1) / warmup) * (0.01 + 0.99 * 0.5 * (1 + math.cos(math.pi * progress)))
        for g in opt.param_groups:
            g["lr"] = lr
        if estimates is not None and rng.random() < args.estimate_share:
            with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=args.bf16):
                codes, clips = estimates.batch(rng, enc)
                recon = dec(codes)[:, :, N.TEMPORAL - 1:]
            # clip frames (B, 3, F, H, W) -> single frames, as the loss below takes them
            frames = clips.permute(0, 2, 1, 3, 4).reshape(-1, *clips.shape[1:2], *clips.shape[3:])
            recon = recon.permute(0, 2, 1, 3, 4).reshape(frames.shape)
        else:
            frames = frame_batch(rng, args.vae_batch, dev)
            with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=args.bf16):
                with torch.set_grad_enabled(not decoder_only):
                    mean, logvar = enc.encode_frames(frames)
                recon = dec.decode_frames(noised_latent(mean, logvar, args.latent_noise, args.latent_noise_scale))
        recon = recon.float()
        if decoder_only:
            kl = reg = torch.zeros(())
        elif args.latent_noise >= 0:
            kl = (mean.float() ** 2).mean()
            reg = args.latent_l2 * kl
        else:
            kl = 0.5 * (mean.float() ** 2 + logvar.float().exp() - 1 - logvar.float()).mean()
            reg = args.kl_weight * kl
        loss = reconstruction_loss(recon, frames, args.edge_weight) + reg
        if adversary is not None:
            loss = loss + adversary.generator_term(loss, recon, step - begin)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        grad_norm = torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        if adversary is not None:
            adversary.discriminator_step(frames, recon.detach(), lr)
        step += 1
        if step % 100 == 0 or step == total:
            psnr = -10 * math.log10(F.mse_loss((recon.detach().clamp(-1, 1) + 1) / 2, (frames + 1) / 2).item() + 1e-12)
            log(logf, f"{name} step {step}/{total} loss {loss.item():.4f} kl {kl.item():.3f} psnr {psnr:.2f}dB "
                      f"grad {grad_norm.item():.2f} lr {lr:.2e} {(time.time() - t0) / 60:.1f}min"
                      + (adversary.describe() if adversary is not None else ""))
        out_of_time = time.time() - args.start > args.max_minutes * 60 or time.time() - t0 > minutes * 60
        if step % 500 == 0 or step == total or out_of_time:
            for net in trained.values():
                net.eval()
            held = held_out_psnr(enc, dec, dev)
            for net in trained.values():
                net.train()
            mean_psnr = sum(held.values()) / len(held)
            log(logf, f"{name} eval step {step}: held-out PSNR " + " ".join(f"{k} {v:.2f}dB" for k, v in held.items()))
            if mean_psnr < best["psnr"] - 3.0:
                lr_scale *= 0.5
                log(logf, f"{name} DIVERGED at step {step}: held-out PSNR {mean_psnr:.2f} dB, best {best['psnr']:.2f} dB at "
                          f"step {best['step']}; back to that checkpoint, learning rate x{lr_scale:g}")
                for k, net in trained.items():
                    net.load_state_dict(best[k])
                opt.load_state_dict(best["opt"])
                step = best["step"]
                rng = random.Random(args.seed * seed + step + 7)
                state[f"{key}_lr_scale"] = lr_scale
                continue
            if mean_psnr >= best["psnr"]:
                best = {"psnr": mean_psnr, "step": step, "opt": copy.deepcopy(opt.state_dict()),
                        **{k: copy.deepcopy(net.state_dict()) for k, net in trained.items()}}
            state.update({f"{key}_step": step, f"{key}_opt": opt.state_dict(), f"{key}_lr_scale": lr_scale,
                          f"{key}_best": best, "vae_held_out_psnr": held},
                         **{k: net.state_dict() for k, net in trained.items()})
            if adversary is not None:
                state.update(adversary.state())
            save(args.ckpt, state)
            if out_of_time:
                log(logf, f"{name} time budget reached at step {step}; checkpoint saved")
                return False
    return True


def adopt_decoder(run: str, decoder_run: str) -> None:
    """Puts the decoder trained by --phase decoder in decoder_run into run's checkpoint (and its
    weights.pt), which may have trained the denoiser meanwhile on the same frozen encoder."""
    state = torch.load(os.path.join(run, "checkpoint.pt"), map_location="cpu", weights_only=False)
    tuned = torch.load(os.path.join(decoder_run, "checkpoint.pt"), map_location="cpu", weights_only=False)
    if any(not torch.equal(state["enc"][n], tuned["enc"][n]) for n in state["enc"]):
        raise SystemExit(f"{decoder_run} was trained on another encoder than {run}")
    state.update(dec=tuned["dec"], dec_step=tuned["dec_step"], vae_held_out_psnr=tuned["vae_held_out_psnr"])
    if "dec_restart_step" in tuned:
        state["dec_restart_step"] = tuned["dec_restart_step"]
    save(os.path.join(run, "checkpoint.pt"), state)


@torch.no_grad()
def latent_statistics(enc, dev, seed):
    rng = random.Random(seed)
    means = []
    for _ in range(8):
        video, _ = clip_batch(rng, 16, WINDOW_FRAMES, pick_size(rng), dev, WINDOW_FRAMES / 8)
        means.append(enc(video)[0].float().flatten())
    allm = torch.cat(means)
    return allm.mean().item(), 1.0 / allm.std().item()


DEFAULT_TASK_MIX = (0.40, 0.25, 0.15, 0.10, 0.10)


def sample_task_masks(b, t, gen, dev, mix=DEFAULT_TASK_MIX):
    """Per-sample clean-frame mask (B, T) for the tasks one model serves, drawn in the shares `mix`:
    text-to-video, first frames given (image-to-video, extend forward), last frames given (extend
    backward), both ends (connect, loop), and independent per-frame noise (robust long-video
    conditioning)."""
    bounds = torch.tensor(mix, dtype=torch.float64).cumsum(0) / sum(mix)
    clean = torch.zeros(b, t, device=dev)
    r = torch.rand(b, 1, generator=gen, device=dev)
    k1 = torch.randint(1, t, (b,), generator=gen, device=dev)
    k2 = torch.randint(1, max(2, t // 2), (b,), generator=gen, device=dev)
    idx = torch.arange(t, device=dev).unsqueeze(0)
    first = idx < k1.unsqueeze(1)
    last = idx >= (t - k1).unsqueeze(1)
    both = (idx < k2.unsqueeze(1)) | (idx >= (t - k2).unsqueeze(1))
    t2v, fwd, bwd, ends = (bounds[i].item() for i in range(4))
    clean = torch.where((r >= t2v) & (r < fwd), first.float(), clean)
    clean = torch.where((r >= fwd) & (r < bwd), last.float(), clean)
    clean = torch.where((r >= bwd) & (r < ends), both.float(), clean)
    independent = (r >= ends).squeeze(1)
    return clean, independent


def task_mix(text: str) -> tuple[float, ...]:
    """Parses --task-mix: five non-negative shares, comma-separated, not all zero."""
    try:
        mix = tuple(float(v) for v in text.split(","))
    except ValueError:
        mix = ()
    if len(mix) != 5 or min(mix) < 0 or sum(mix) <= 0:
        raise argparse.ArgumentTypeError(f"task mix {text!r}: expected five non-negative shares "
                                         "(text-to-video, first given, last given, both ends, independent), e.g. "
                                         + ",".join(str(v) for v in DEFAULT_TASK_MIX))
    return mix


def dit_learning_rate(args, step: int, seconds: float, restart_step: int | None) -> float | None:
    """The denoiser's learning rate after `seconds` of training (over all resumed runs), or None
    when training is over. Warm-up, then a cosine decay to 10 % at --dit-steps or after
    --dit-minutes, whichever comes first; then, for --restart-minutes, a warm restart: warm-up
    again from `restart_step` (the step the restart began at) to --restart-lr, and a second cosine."""
    progress = max(step / args.dit_steps, seconds / (args.dit_minutes * 60))
    if progress < 1:
        return args.dit_lr * min(1.0, (step + 1) / 300) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))
    again = (seconds - args.dit_minutes * 60) / (args.restart_minutes * 60) if args.restart_minutes > 0 else 1
    if again >= 1 or step >= args.dit_steps:
        return None
    warm = min(1.0, (step - (step if restart_step is None else restart_step) + 1) / 300)
    return args.restart_lr * warm * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * again)))


def object_map(x0: torch.Tensor) -> torch.Tensor:
    """(B, 1, T, h, w) in [0, 1]: how far each latent position of clean latents (B, C, T, h, w) is
    from its clip's background (the per-channel median over the whole clip), relative to the clip's
    farthest. World clips are a flat background with small objects, so this marks objects and their
    outlines; in a clip without objects it marks whatever departs most (the frame's borders)."""
    flat = x0.flatten(2)
    background = flat.median(dim=2).values[:, :, None, None, None]
    far = (x0 - background).abs().mean(dim=1, keepdim=True)
    return far / far.flatten(1).amax(dim=1).clamp(min=1e-6)[:, None, None, None, None]


def flow_matching_loss(error: torch.Tensor, clean: torch.Tensor, coherence_weight: float = 0.0,
                       objects: torch.Tensor | None = None, object_weight: float = 0.0) -> torch.Tensor:
    """Mean squared velocity error (B, C, T, h, w) over the generated latent frames (clean (B, T) is
    0), plus `coherence_weight` times the mean squared change of that error from one generated latent
    frame to the next. Any positive-definite weighting of the squared error has the same minimiser
    (the posterior mean), so the second term changes what the denoiser learns first, not what it
    converges to: errors that differ between neighbouring latent groups (an object placed elsewhere
    in each) weigh up to 1 + 4 * coherence_weight times as much as errors shared by all. With
    `objects` (object_map of the clean latents), an error at a latent position weighs
    1 + object_weight * its object value: an object's few positions, where shape is decided, count
    for more than the background around it (the weights are normalised, so the loss stays a mean)."""
    per_frame = error[0, :, 0].numel()
    w = (1 - clean)[:, None, :, None, None]
    where = w.expand(-1, -1, -1, *error.shape[3:])
    if objects is not None and object_weight > 0:
        emphasis = 1 + object_weight * objects
        where = where * emphasis / emphasis.mean(dim=(2, 3, 4), keepdim=True)
    loss = (error ** 2 * where).sum() / (where.sum() * error.shape[1]).clamp(min=1)
    if coherence_weight > 0:
        pairs = w[:, :, 1:] * w[:, :, :-1]
        change = error[:, :, 1:] - error[:, :, :-1]
        loss = loss + coherence_weight * (change ** 2 * pairs).sum() / (pairs.sum() * per_frame).clamp(min=1)
    return loss


class DecodedLoss:
    """--pixel-weight: the denoiser's data estimate x0 = x_t - t v, decoded by the frozen decoder, is
    compared with the decoded clean latents in pixels, outlines weighing 1 + edge_weight times
    (reconstruction_loss). The velocity loss weighs every latent channel alike; what the judge reads
    (an object's outline: a corner or a point) lives in a few latent positions and in directions
    that matter more in pixels than their share of the latent's variance. Only the first `windows`
    windows of a batch, and only latent frames generated at noise levels up to `max_noise` (above it
    the estimate is the blurred mean of many clips, whatever the loss). The per-frame decoder decodes
    each latent frame on its own, so only those latent frames are decoded."""

    def __init__(self, dec, space: N.LatentSpace, windows: int, max_noise: float, edge_weight: float):
        if not isinstance(dec, N.FrameDecoder):
            raise SystemExit("the decoded loss needs the per-frame autoencoder (model v2)")
        self.dec = dec.eval().requires_grad_(False)
        self.space, self.windows, self.max_noise, self.edge_weight = space, windows, max_noise, edge_weight

    def __call__(self, xt, v, x0, t, clean) -> torch.Tensor:
        k = min(self.windows, xt.shape[0])
        counted = ((clean[:k] == 0) & (t[:k] <= self.max_noise)).nonzero(as_tuple=True)   # (window, latent frame)
        if counted[0].numel() == 0:
            return xt.new_zeros(())
        # the counted latent frames as clips of one latent frame each: (M, C, 1, h, w)
        pick = lambda y: y[:k].permute(0, 2, 1, 3, 4)[counted].unsqueeze(2)
        estimate = pick(xt) - t[:k][counted][:, None, None, None, None] * pick(v).float()
        frames = self.dec(self.space.to_codes(estimate))                         # (M, 3, 4, H, W)
        with torch.no_grad():
            truth = self.dec(self.space.to_codes(pick(x0)))
        flat = lambda y: y.transpose(1, 2).reshape(-1, *y.shape[1:2], *y.shape[3:]).float()
        return reconstruction_loss(flat(frames), flat(truth), self.edge_weight)


class TextToVelocity(torch.nn.Module):
    """Text encoder and denoiser as one module: what the denoiser phase trains (and DDP wraps)."""

    def __init__(self, text, dit):
        super().__init__()
        self.text, self.dit = text, dit

    def forward(self, xt, t, ids, mask):
        return self.dit(xt, t, self.text(ids, mask), mask)


def native_bf16(dev: torch.device) -> bool:
    """Whether bfloat16 matrix products run natively: on GPUs, and on CPUs with AVX512-BF16 or AMX
    (oneDNN's kernels; elsewhere bfloat16 is emulated and slower than float32). On the development
    machine's AMD EPYC, under bfloat16 autocast, a denoiser training step takes about a third of the
    float32 time and an autoencoder step about four fifths (`python3 -m spacetime_train.bench_training`,
    models/README.md)."""
    if dev.type == "cuda":
        return True
    if dev.type != "cpu":
        return False
    try:
        with open("/proc/cpuinfo") as f:
            flags = f.read()
    except OSError:
        return False
    return any(f" {flag}" in flags for flag in ("avx512_bf16", "amx_bf16"))


def distributed() -> tuple[int, int]:
    """(rank, world size): torchrun sets WORLD_SIZE; gloo on CPU, NCCL on GPUs."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world > 1 and not torch.distributed.is_initialized():
        torch.distributed.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
    return (torch.distributed.get_rank() if world > 1 else 0), world


def whiten_latents(state: dict, dit, cache: LatentCache, logf) -> N.LatentWhitening:
    """Moves a run's denoiser from the scalar-scaled latents x = (codes - shift) * scale to whitened
    ones x' = LatentWhitening(codes), fitted on the latent cache. Its patch projections are mapped
    through x = A x' + a, so that it starts from what it knew, and the optimiser starts afresh; the
    noise is now isotropic in the new space, which the denoiser then learns."""
    white = N.LatentWhitening(state["config"]["latent_channels"] // N.TEMPORAL)
    white.fit(cache.sample_codes(1024))
    shift, scale = state["latent_shift"], state["latent_scale"]
    a_lin = scale * white.mix.T @ torch.diag(white.std)                   # x = a_lin x' + a_off, per position
    a_off = scale * (white.mix.T @ white.mean - shift)
    a_inv = torch.diag(1 / white.std) @ white.mix / scale                   # the DCT is orthonormal
    patch = state["config"]["patch"] ** 2                                   # token index = channel * patch + position
    eye = torch.eye(patch)
    for sd in (state["dit"], state["ema_dit"]):
        w_in, w_out = sd["proj_in.weight"].float(), sd["proj_out.weight"].float()
        sd["proj_in.bias"] = sd["proj_in.bias"].float() + w_in @ torch.kron(a_off, torch.ones(patch))
        sd["proj_in.weight"] = w_in @ torch.kron(a_lin, eye)
        back = torch.kron(a_inv, eye)
        sd["proj_out.weight"], sd["proj_out.bias"] = back @ w_out, back @ sd["proj_out.bias"].float()
    dit.load_state_dict(state["dit"])
    state.pop("dit_opt", None)
    state["latent_whitening"] = white.state_dict()
    state["config"] = {**state["config"], "latent_space": "whitened"}
    log(logf, f"latents whitened at denoiser step {state.get('dit_step', 0)}: component std from "
              f"{white.std.max().item() * scale:.3f} to {white.std.min().item() * scale:.4f} (scaled units)")
    return white


def train_dit(args, state, enc, text, dit, dev, logf, tok, dec=None):
    """Text encoder + denoiser on latents of the frozen autoencoder, read from the run's latent
    cache (latents.py). Under torchrun every rank draws its own batches from the cache (its own
    seed) and DistributedDataParallel averages the gradients, so the ranks' weights stay equal."""
    rank, world = distributed()
    enc.eval()
    for p in enc.parameters():
        p.requires_grad_(False)
    if "latent_shift" not in state:
        state["latent_shift"], state["latent_scale"] = latent_statistics(enc, dev, args.seed)
    cache = LatentCache(args.out, dev)
    if rank == 0:
        fill(args.out, enc, args.seed, args.min_shards, device=dev, clips=args.shard_clips)
    if world > 1:
        torch.distributed.barrier()
    cache.refresh()
    if args.whiten_latents and "latent_whitening" not in state:
        whiten_latents(state, dit, cache, logf)
    space = N.LatentSpace(state)
    decoded = None
    if args.pixel_weight > 0:
        decoded = DecodedLoss(dec, space, args.pixel_windows, args.pixel_max_noise, args.edge_weight)
        if rank == 0:
            log(logf, f"dit decoded loss: weight {args.pixel_weight:g} on {args.pixel_windows} windows a batch, "
                      f"latent frames at noise <= {args.pixel_max_noise:g}, outlines x{1 + args.edge_weight:g}")
    model = TextToVelocity(text, dit)
    params = list(model.parameters())
    trained = torch.nn.parallel.DistributedDataParallel(model) if world > 1 else model
    opt = torch.optim.AdamW(params, lr=args.dit_lr, weight_decay=0.0, betas=(0.9, 0.99))
    ema = {"text": copy.deepcopy(text).eval(), "dit": copy.deepcopy(dit).eval()}
    if "ema_dit" in state:
        ema["text"].load_state_dict(state["ema_text"]); ema["dit"].load_state_dict(state["ema_dit"])
    if "dit_opt" in state:
        opt.load_state_dict(state["dit_opt"])
    step = state.get("dit_step", 0)
    rng = random.Random(args.seed * 7919 + step + 1000003 * rank)
    gen = torch.Generator(device=dev).manual_seed(args.seed * 31 + step + 1000003 * rank)
    empty_ids, empty_mask = tok.encode("")
    t0 = time.time()
    if rank == 0:
        log(logf, f"dit from step {step} (coherence weight {args.coherence_weight}, object weight {args.object_weight}, timestep shift {args.timestep_shift} (unshifted share {args.unshifted_share}), task mix {args.task_mix}, pillar share {args.pillar_share}): latent cache {cache.clips} clips in {len(cache.loaded)} shards, batch {args.dit_batch}"
                  f" x {world} rank(s)")
    seconds = state.get("dit_seconds", 0.0)     # training time of earlier runs of this phase
    refreshed = time.time()
    restart_unshifted = args.unshifted_share if args.restart_unshifted_share is None else args.restart_unshifted_share
    while True:
        trained_seconds = seconds + time.time() - t0
        restarting = args.restart_minutes > 0 and trained_seconds >= args.dit_minutes * 60
        if restarting and "restart_step" not in state:
            state["restart_step"] = step
            if rank == 0:
                log(logf, f"warm restart at step {step}: learning rate {args.restart_lr:.1e} for {args.restart_minutes} min, "
                          f"task mix {args.restart_task_mix}, unshifted share {restart_unshifted}")
        lr = dit_learning_rate(args, step, trained_seconds, state.get("restart_step"))
        if lr is None:
            break
        for g in opt.param_groups:
            g["lr"] = lr
        if time.time() - refreshed > 30:    # by the clock: a GPU takes hundreds of steps between two shards
            cache.refresh()
            refreshed = time.time()
        b = args.dit_batch
        z_all, captions = cache.batch(rng, b, args.pillar_share)
        z_all = space.to_latents(z_all).to(dev)
        offset = 0 if rng.random() < 0.5 else rng.randint(1, SOURCE_LATENTS - WINDOW_LATENTS)
        x0 = z_all[:, :, offset: offset + WINDOW_LATENTS]
        ids, mask = zip(*[tok.encode(c) if rng.random() >= args.caption_dropout else (empty_ids, empty_mask) for c in captions])
        ids = torch.tensor(ids, device=dev)
        mask = torch.tensor(mask, device=dev)

        t_len = x0.shape[2]
        clean, independent = sample_task_masks(b, t_len, gen, dev, args.restart_task_mix if restarting else args.task_mix)
        unshifted = restart_unshifted if restarting else args.unshifted_share
        t_shared = logit_normal((b, 1), gen, dev, args.timestep_shift, unshifted).expand(b, t_len)
        t_indep = logit_normal((b, t_len), gen, dev, args.timestep_shift, unshifted)
        t = torch.where(independent.unsqueeze(1), t_indep, t_shared)
        # Conditioning frames are clean, or sometimes lightly noised (t <= 0.1) so the model learns to
        # trust imperfect context: this is what keeps long generations from drifting.
        cond_t = torch.rand(b, 1, generator=gen, device=dev) * 0.1 * (torch.rand(b, 1, generator=gen, device=dev) < 0.3)
        t = torch.where(clean > 0, cond_t.expand(b, t_len), t)
        noise = torch.randn(x0.shape, generator=gen, device=dev)
        tb = t[:, None, :, None, None]
        xt = (1 - tb) * x0 + tb * noise
        target = noise - x0
        with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=args.bf16):
            v = trained(xt, t, ids, mask)
        objects = object_map(x0) if args.object_weight > 0 else None
        loss = flow_matching_loss(v.float() - target, clean, args.coherence_weight, objects, args.object_weight)
        if decoded is not None:
            with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=args.bf16):
                pixel_loss = decoded(xt, v, x0, t, clean)
            loss = loss + args.pixel_weight * pixel_loss
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        step += 1
        with torch.no_grad():
            decay = min(args.ema, (1 + step) / (10 + step))
            for name, net in (("text", text), ("dit", dit)):
                averaged = list(ema[name].parameters())   # multi-tensor kernels: a few launches a step, not two per tensor
                torch._foreach_mul_(averaged, decay)
                torch._foreach_add_(averaged, list(net.parameters()), alpha=1 - decay)
        if rank == 0 and (step % 100 == 0 or step == args.dit_steps):
            log(logf, f"dit step {step}/{args.dit_steps} loss {loss.item():.4f} lr {lr:.2e} cache {cache.clips} clips "
                      f"{(time.time() - t0) / 60:.1f}min" + (f" decoded {pixel_loss.item():.4f}" if decoded is not None else ""))
        out_of_time = time.time() - args.start > args.max_minutes * 60
        if world > 1:   # every rank stops at the same step
            flag = torch.tensor([float(out_of_time)], device=dev)
            torch.distributed.all_reduce(flag)
            out_of_time = flag.item() > 0
        if step % 250 == 0 or step == args.dit_steps or out_of_time:
            state.update(dit_step=step, text=text.state_dict(), dit=dit.state_dict(), dit_opt=opt.state_dict(),
                         ema_text=ema["text"].state_dict(), ema_dit=ema["dit"].state_dict(),
                         dit_seconds=seconds + time.time() - t0)
            if rank == 0:
                save(args.ckpt, state)
            elif args.rank_weights:   # for the test that compares ranks
                torch.save({"dit": dit.state_dict()}, os.path.join(args.out, f"rank{rank}.pt"))
            if out_of_time:
                if rank == 0:
                    log(logf, "time budget reached; checkpoint saved")
                return False
    state.update(dit_step=step, text=text.state_dict(), dit=dit.state_dict(), dit_opt=opt.state_dict(),
                 ema_text=ema["text"].state_dict(), ema_dit=ema["dit"].state_dict(), dit_seconds=seconds + time.time() - t0)
    if rank == 0:
        save(args.ckpt, state)
        log(logf, f"dit phase done at step {step} ({state['dit_seconds'] / 60:.1f} min of training)")
    return True


def warm_start(state: dict, package: str, text, dit, logf) -> None:
    """Starts the denoiser phase from a package's text encoder and denoiser (recovered weights):
    every parameter whose shape matches is copied (a new latent width re-initialises only the
    patch projections). Used when the autoencoder changed and the denoiser must learn its latents."""
    from .recover import recover
    old = recover(package)
    for name, net, key in (("text", text, "ema_text"), ("dit", dit, "ema_dit")):
        own = net.state_dict()
        copied = {k: v for k, v in old[key].items() if k in own and own[k].shape == v.shape}
        own.update(copied)
        net.load_state_dict(own)
        log(logf, f"warm start {name} from {package}: {len(copied)}/{len(own)} tensors copied")
    state["warm_start"] = os.path.abspath(package)


def resume_from_package(package: str) -> dict:
    """A run state rebuilt from a package (recover.py): training goes on from the shipped weights
    when the run directory is gone (a new machine, a later session); optimiser state starts fresh."""
    from .recover import recover
    w = recover(package)
    return {"config": w["config"], "enc": w["enc"], "dec": w["dec"], "text": w["ema_text"], "dit": w["ema_dit"],
            "ema_text": w["ema_text"], "ema_dit": w["ema_dit"], "latent_shift": w["latent_shift"],
            "latent_scale": w["latent_scale"], "vae_step": w["vae_step"], "dit_step": w["dit_step"],
            "resumed_from": os.path.abspath(package)}


def save_autoencoder(run: str, path: str) -> None:
    """The autoencoder phase's weights and schedule state alone (a few MB, fp32), to commit so that a
    later session continues the autoencoder without the run directory (--resume-from)."""
    state = torch.load(os.path.join(run, "checkpoint.pt"), map_location="cpu", weights_only=False)
    keep = {k: state[k] for k in ("config", "enc", "dec", "vae_step", "vae_lr_scale", "vae_held_out_psnr") if k in state}
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    torch.save(keep, path)


def save_resume_state(run: str, path: str) -> None:
    """What a later session (or another machine) needs to continue a run without its directory
    (--resume-from): the autoencoder (fp32) and the text encoder and denoiser (their EMA weights, in
    fp16, as both the trained and the averaged weights), with the step counts and the time trained
    so the schedules go on. The optimiser state and the latent cache are left out (the cache is
    rebuilt); about 14 MB for model v2."""
    state = torch.load(os.path.join(run, "checkpoint.pt"), map_location="cpu", weights_only=False)
    keep = {k: state[k] for k in ("config", "enc", "dec", "vae_step", "vae_lr_scale", "vae_held_out_psnr", "dec_step", "dec_restart_step",
                                  "latent_shift", "latent_scale", "latent_whitening", "dit_step", "dit_seconds",
                                  "restart_step", "warm_start") if k in state}
    if "ema_dit" in state:
        half = lambda sd: {k: v.half() if v.is_floating_point() else v for k, v in sd.items()}
        keep["ema_text"], keep["ema_dit"] = half(state["ema_text"]), half(state["ema_dit"])
        keep["text"], keep["dit"] = keep["ema_text"], keep["ema_dit"]
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    torch.save(keep, path)


def load_autoencoder(run: str):
    """(encoder, decoder) of a run's checkpoint, in eval mode."""
    state = torch.load(os.path.join(run, "checkpoint.pt"), map_location="cpu", weights_only=False)
    enc, dec = N.autoencoder(state["config"].get("vae", "group"), state["config"]["latent_channels"])
    enc.load_state_dict(state["enc"]); dec.load_state_dict(state["dec"])
    return enc.eval(), dec.eval()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="run directory (checkpoint.pt, train.log)")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--phase", choices=["all", "vae", "dit", "decoder"], default="all",
                    help="decoder: train the decoder alone on the frozen encoder (after the other phases)")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--vae-steps", type=int, default=6000)
    ap.add_argument("--vae-batch", type=int, default=16)
    ap.add_argument("--vae-lr", type=float, default=1e-3)
    ap.add_argument("--kl-weight", type=float, default=1e-6)
    ap.add_argument("--latent-noise", type=float, default=-1.0,
                    help="autoencoder: >= 0: add noise of this std to the latent (no learned variance) and penalise "
                         "the latent's mean square by --latent-l2; < 0: sample with the learned variance (KL)")
    ap.add_argument("--latent-noise-scale", type=float, default=1.0,
                    help="with the learned noise (--latent-noise < 0): its spread times this")
    ap.add_argument("--latent-l2", type=float, default=1e-4)
    ap.add_argument("--decoder-steps", type=int, default=2500, help="decoder phase: steps of its cosine schedule")
    ap.add_argument("--decoder-lr", type=float, default=5e-4)
    ap.add_argument("--decoder-restart-steps", type=int, default=0,
                    help="decoder phase, once its schedule is over: train this many steps more in a warm restart "
                         "(its own warm-up and cosine from --decoder-restart-lr)")
    ap.add_argument("--decoder-restart-lr", type=float, default=2e-4, help="decoder phase: the warm restart's peak learning rate")
    ap.add_argument("--estimate-share", type=float, default=0.0,
                    help="decoder phase: this share of batches decode the denoiser's one-step estimates of rendered "
                         "clips (what samples end as) instead of the encoder's codes")
    ap.add_argument("--estimate-clips", type=int, default=4, help="decoder phase: 17-frame clips in an estimates batch")
    ap.add_argument("--estimate-max-noise", type=float, default=0.5,
                    help="decoder phase: estimates are made at noise levels drawn from (0.02, this]")
    ap.add_argument("--adversarial-weight", type=float, default=0.0,
                    help="decoder phase: weight of a patch discriminator's loss (adversary.py), relative to the "
                         "reconstruction loss's gradient at the decoder's last layer; 0 = none")
    ap.add_argument("--edge-weight", type=float, default=0.0,
                    help="autoencoder and decoder phases (and the denoiser's decoded loss): pixels within one pixel of "
                         "an outline weigh 1 + this much in the reconstruction loss (sharper corners)")
    ap.add_argument("--dit-steps", type=int, default=12000)
    ap.add_argument("--dit-batch", type=int, default=96)
    ap.add_argument("--dit-lr", type=float, default=4e-4)
    ap.add_argument("--dit-minutes", type=float, default=1e9,
                    help="the denoiser phase ends after this much training time (over all resumed runs); its "
                         "learning rate decays over whichever of --dit-steps and --dit-minutes ends first")
    ap.add_argument("--restart-minutes", type=float, default=0.0,
                    help="denoiser phase: after --dit-minutes, a warm restart of this many training minutes (warm-up to "
                         "--restart-lr, then a second cosine decay to 10 %%)")
    ap.add_argument("--restart-lr", type=float, default=1.5e-4, help="denoiser phase: the warm restart's peak learning rate")
    ap.add_argument("--task-mix", type=task_mix, default=DEFAULT_TASK_MIX,
                    help="denoiser phase: shares of the training tasks (text-to-video, first frames given, last frames "
                         "given, both ends, independent noise per frame)")
    ap.add_argument("--restart-task-mix", type=task_mix, default=DEFAULT_TASK_MIX,
                    help="the task shares during the warm restart (more conditioning tasks: continuity of extensions)")
    ap.add_argument("--coherence-weight", type=float, default=0.0,
                    help="denoiser phase: weight of the loss on the change of the velocity error from one latent "
                         "frame to the next (same optimum; more weight on latent groups that disagree)")
    ap.add_argument("--object-weight", type=float, default=0.0,
                    help="denoiser phase: an error where the clean latent departs from the clip's background weighs up "
                         "to 1 + this much (object_map; objects and outlines, where shape is decided, count for more)")
    ap.add_argument("--pixel-weight", type=float, default=0.0,
                    help="denoiser phase: weight of the decoded loss (DecodedLoss: the data estimate decoded and "
                         "compared in pixels, outlines weighing 1 + --edge-weight); 0 = none")
    ap.add_argument("--pixel-windows", type=int, default=8, help="windows of each denoiser batch the decoded loss takes")
    ap.add_argument("--pixel-max-noise", type=float, default=0.5,
                    help="the decoded loss counts latent frames generated at noise levels up to this")
    ap.add_argument("--pillar-share", type=float, default=0.0,
                    help="denoiser phase: share of each batch drawn from clips with a pillar (object permanence; "
                         "about 0.08 when drawn like any other clip; models/README.md, twentieth session)")
    ap.add_argument("--timestep-shift", type=float, default=1.0,
                    help="denoiser phase: shift of the training noise levels (flow.logit_normal; 1: none, 3: as "
                         "sampling, more training where a clip's layout and motion are decided)")
    ap.add_argument("--unshifted-share", type=float, default=0.0,
                    help="denoiser phase: share of the training noise levels drawn without --timestep-shift (more "
                         "training at the low levels where an object's outline is finished)")
    ap.add_argument("--restart-unshifted-share", type=float,
                    help="the unshifted share during the warm restart (default: --unshifted-share)")
    ap.add_argument("--ema", type=float, default=0.999)
    ap.add_argument("--caption-dropout", type=float, default=0.1)
    ap.add_argument("--vae-stop-at", type=int, default=10**9,
                    help="end the autoencoder phase at this step (its LR schedule still spans --vae-steps)")
    ap.add_argument("--vae-minutes", type=float, default=1e9, help="end the autoencoder phase after this long")
    ap.add_argument("--max-minutes", type=float, default=1e9, help="stop (with a checkpoint) after this long")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--min-shards", type=int, default=8,
                    help="latent-cache shards (64 clips each) written before the denoiser phase starts; "
                         "a producer (python3 -m spacetime_train.latents) adds more while it trains")
    ap.add_argument("--shard-clips", type=int, default=64, help="clips per latent-cache shard written by this process")
    ap.add_argument("--init-package", help="denoiser phase: start text encoder and denoiser from this package's weights")
    ap.add_argument("--resume-package", help="no checkpoint in --out: continue from this package's weights")
    ap.add_argument("--resume-from", help="no checkpoint in --out: continue from this saved state (e.g. the "
                                           "committed autoencoder checkpoint, see save_autoencoder)")
    ap.add_argument("--whiten-latents", action="store_true",
                    help="denoiser phase: train on whitened latents (networks.LatentWhitening); a run on scalar-scaled "
                         "latents is moved over once, its patch projections mapped")
    ap.add_argument("--precision", choices=["auto", "bf16", "fp32"], default="auto",
                    help="bf16 autocast (float32 weights and optimiser; the held-out evaluation in float32) or fp32; "
                         "auto: bf16 where the device multiplies bfloat16 natively (GPUs; CPUs with AVX512-BF16 or AMX)")
    ap.add_argument("--rank-weights", action="store_true", help="under torchrun, ranks > 0 save their weights too")
    args = ap.parse_args(argv)
    args.start = time.time()
    torch.set_num_threads(args.threads)
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True
    os.makedirs(args.out, exist_ok=True)
    args.ckpt = os.path.join(args.out, "checkpoint.pt")
    rank, _ = distributed()
    logf = os.path.join(args.out, "train.log" if rank == 0 else f"train.rank{rank}.log")
    dev = torch.device(args.device)
    args.bf16 = args.precision == "bf16" or (args.precision == "auto" and native_bf16(dev))

    if os.path.exists(args.ckpt):
        state = torch.load(args.ckpt, map_location="cpu", weights_only=False)
    elif args.resume_from:
        state = torch.load(args.resume_from, map_location="cpu", weights_only=False)
        log(logf, f"resumed from {args.resume_from}: vae step {state.get('vae_step')}, dit step {state.get('dit_step')}")
    elif args.resume_package:
        state = resume_from_package(args.resume_package)
        log(logf, f"resumed from package {args.resume_package}: vae step {state['vae_step']}, dit step {state['dit_step']}")
    else:
        state = {}
    resumed = bool(state) and not os.path.exists(args.ckpt)
    state.setdefault("config", CONFIG)
    if resumed and rank == 0:
        # The run directory adopts a resumed state at once: the next phases of train-default-model.sh
        # and the latent producer read the run's checkpoint (without it they started from nothing).
        save(args.ckpt, state)
    args.config = state["config"]
    tok, enc, dec, text, dit = build(args.config)
    state.setdefault("args", {})[args.phase] = {k: v for k, v in vars(args).items() if k not in ("start", "ckpt", "config")}
    for name, model in (("enc", enc), ("dec", dec), ("text", text), ("dit", dit)):
        if name in state:
            model.load_state_dict(state[name])
    if args.init_package and args.phase in ("all", "dit") and "dit" not in state:
        warm_start(state, args.init_package, text, dit, logf)
    for m in (enc, dec, text, dit):
        m.to(dev)
    log(logf, f"start phase={args.phase} device={dev} precision={'bf16' if args.bf16 else 'fp32'} params: enc {sum(p.numel() for p in enc.parameters())} "
              f"dec {sum(p.numel() for p in dec.parameters())} text {sum(p.numel() for p in text.parameters())} "
              f"dit {sum(p.numel() for p in dit.parameters())}")
    if args.phase in ("all", "vae") and state.get("vae_step", 0) < min(args.vae_steps, args.vae_stop_at):
        if not train_vae(args, state, enc, dec, dev, logf):
            return
    if args.phase in ("all", "dit"):
        train_dit(args, state, enc, text, dit, dev, logf, tok, dec)
    if args.phase == "decoder":
        estimates = None
        if args.estimate_share > 0:
            estimates = DenoiserEstimates(state, text, dit, tok, args.estimate_clips, args.estimate_max_noise, dev)
        train_vae(args, state, enc, dec, dev, logf, decoder_only=True, estimates=estimates)
    log(logf, "done: " + json.dumps({k: state.get(k) for k in ("vae_step", "dec_step", "dit_step", "latent_shift", "latent_scale")}))


if __name__ == "__main__":
    main()
