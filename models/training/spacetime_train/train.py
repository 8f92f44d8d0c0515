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
from .flow import logit_normal
from .tokenizer import WordTokenizer

WINDOW_LATENTS = 9                 # 33 frames = 4.1 s at 8 fps per model window
WINDOW_FRAMES = 1 + (WINDOW_LATENTS - 1) * N.TEMPORAL
SOURCE_LATENTS = 13                # windows are cut from 49-frame clips, at offset 0 or later
CONFIG = dict(latent_channels=16, dit_dim=192, dit_depth=8, dit_heads=6, patch=2, text_dim=128, text_depth=2)


def build(cfg=CONFIG, vocab_size=None, max_tokens=32):
    tok = WordTokenizer(max_tokens=max_tokens)
    enc = N.VideoEncoder(cfg["latent_channels"])
    dec = N.VideoDecoder(cfg["latent_channels"])
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
                                  "vae_step", "dit_step", "args") if k in state}
    wpath = os.path.join(os.path.dirname(path), "weights.pt")
    torch.save(keep, wpath + ".tmp")
    os.replace(wpath + ".tmp", wpath)


def train_vae(args, state, enc, dec, dev, logf):
    params = list(enc.parameters()) + list(dec.parameters())
    opt = torch.optim.AdamW(params, lr=args.vae_lr, weight_decay=0.0)
    if "vae_opt" in state:
        opt.load_state_dict(state["vae_opt"])
    step = state.get("vae_step", 0)
    rng = random.Random(args.seed * 1000 + step)
    torch.manual_seed(args.seed * 1000 + step)
    t0 = time.time()
    while step < min(args.vae_steps, args.vae_stop_at):
        lr = args.vae_lr * min(1.0, (step + 1) / 200) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * step / args.vae_steps)))
        for g in opt.param_groups:
            g["lr"] = lr
        video, _ = clip_batch(rng, args.vae_batch, WINDOW_FRAMES, pick_size(rng), dev, WINDOW_FRAMES / 8)
        with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=dev.type == "cuda"):
            mean, logvar = enc(video)
            z = mean + torch.randn_like(mean) * torch.exp(0.5 * logvar)
            recon = dec(z)[:, :, N.TEMPORAL - 1:]
        recon = recon.float()
        kl = 0.5 * (mean.float() ** 2 + logvar.float().exp() - 1 - logvar.float()).mean()
        loss = F.l1_loss(recon, video) + F.mse_loss(recon, video) + args.kl_weight * kl
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        step += 1
        if step % 100 == 0 or step == args.vae_steps:
            psnr = -10 * math.log10(F.mse_loss((recon.clamp(-1, 1) + 1) / 2, (video + 1) / 2).item() + 1e-12)
            log(logf, f"vae step {step}/{args.vae_steps} loss {loss.item():.4f} kl {kl.item():.3f} psnr {psnr:.2f}dB "
                      f"lr {lr:.2e} {(time.time() - t0) / 60:.1f}min")
        vae_done = time.time() - t0 > args.vae_minutes * 60
        if step % 500 == 0 or step in (args.vae_steps, args.vae_stop_at) or vae_done or time.time() - args.start > args.max_minutes * 60:
            state.update(vae_step=step, enc=enc.state_dict(), dec=dec.state_dict(), vae_opt=opt.state_dict())
            save(args.ckpt, state)
            if vae_done:
                log(logf, f"vae time budget reached at step {step}")
                args.vae_steps = step
                return True
            if time.time() - args.start > args.max_minutes * 60:
                log(logf, "time budget reached; checkpoint saved")
                return False
    return True


@torch.no_grad()
def latent_statistics(enc, dev, seed):
    rng = random.Random(seed)
    means = []
    for _ in range(8):
        video, _ = clip_batch(rng, 16, WINDOW_FRAMES, pick_size(rng), dev, WINDOW_FRAMES / 8)
        means.append(enc(video)[0].float().flatten())
    allm = torch.cat(means)
    return allm.mean().item(), 1.0 / allm.std().item()


def sample_task_masks(b, t, gen, dev):
    """Per-sample clean-frame mask (B, T) for the tasks one model serves: text-to-video, first
    frames given (image-to-video, extend forward), last frames given (extend backward), both ends
    (connect, loop), and independent per-frame noise (robust long-video conditioning)."""
    clean = torch.zeros(b, t, device=dev)
    r = torch.rand(b, 1, generator=gen, device=dev)
    k1 = torch.randint(1, t, (b,), generator=gen, device=dev)
    k2 = torch.randint(1, max(2, t // 2), (b,), generator=gen, device=dev)
    idx = torch.arange(t, device=dev).unsqueeze(0)
    first = idx < k1.unsqueeze(1)
    last = idx >= (t - k1).unsqueeze(1)
    both = (idx < k2.unsqueeze(1)) | (idx >= (t - k2).unsqueeze(1))
    clean = torch.where((r >= 0.40) & (r < 0.65), first.float(), clean)
    clean = torch.where((r >= 0.65) & (r < 0.80), last.float(), clean)
    clean = torch.where((r >= 0.80) & (r < 0.90), both.float(), clean)
    independent = (r >= 0.90).squeeze(1)
    return clean, independent


def train_dit(args, state, enc, text, dit, dev, logf, tok):
    enc.eval()
    for p in enc.parameters():
        p.requires_grad_(False)
    if "latent_shift" not in state:
        state["latent_shift"], state["latent_scale"] = latent_statistics(enc, dev, args.seed)
    shift, scale = state["latent_shift"], state["latent_scale"]
    params = list(text.parameters()) + list(dit.parameters())
    opt = torch.optim.AdamW(params, lr=args.dit_lr, weight_decay=0.0, betas=(0.9, 0.99))
    ema = {"text": copy.deepcopy(text).eval(), "dit": copy.deepcopy(dit).eval()}
    if "dit_opt" in state:
        opt.load_state_dict(state["dit_opt"])
        ema["text"].load_state_dict(state["ema_text"]); ema["dit"].load_state_dict(state["ema_dit"])
    step = state.get("dit_step", 0)
    rng = random.Random(args.seed * 7919 + step)
    gen = torch.Generator(device=dev).manual_seed(args.seed * 31 + step)
    empty_ids, empty_mask = tok.encode("")
    t0 = time.time()
    while step < args.dit_steps:
        lr = args.dit_lr * min(1.0, (step + 1) / 500)
        for g in opt.param_groups:
            g["lr"] = lr
        b = args.dit_batch
        with torch.no_grad():
            video, captions = clip_batch(rng, b, 1 + (SOURCE_LATENTS - 1) * N.TEMPORAL, pick_size(rng), dev, WINDOW_FRAMES / 8)
            z_all = (enc(video)[0].float() - shift) * scale
            offset = 0 if rng.random() < 0.5 else rng.randint(1, SOURCE_LATENTS - WINDOW_LATENTS)
            x0 = z_all[:, :, offset: offset + WINDOW_LATENTS]
        ids, mask = zip(*[tok.encode(c) if rng.random() >= args.caption_dropout else (empty_ids, empty_mask) for c in captions])
        ids = torch.tensor(ids, device=dev)
        mask = torch.tensor(mask, device=dev)

        t_len = x0.shape[2]
        clean, independent = sample_task_masks(b, t_len, gen, dev)
        t_shared = logit_normal((b, 1), gen, dev).expand(b, t_len)
        t_indep = logit_normal((b, t_len), gen, dev)
        t = torch.where(independent.unsqueeze(1), t_indep, t_shared)
        # Conditioning frames are clean, or sometimes lightly noised (t <= 0.1) so the model learns to
        # trust imperfect context: this is what keeps long generations from drifting.
        cond_t = torch.rand(b, 1, generator=gen, device=dev) * 0.1 * (torch.rand(b, 1, generator=gen, device=dev) < 0.3)
        t = torch.where(clean > 0, cond_t.expand(b, t_len), t)
        noise = torch.randn(x0.shape, generator=gen, device=dev)
        tb = t[:, None, :, None, None]
        xt = (1 - tb) * x0 + tb * noise
        target = noise - x0
        with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=dev.type == "cuda"):
            v = dit(xt, t, text(ids, mask), mask)
        w = (1 - clean)[:, None, :, None, None]
        loss = ((v.float() - target) ** 2 * w).sum() / (w.sum() * x0.shape[1] * x0.shape[3] * x0.shape[4]).clamp(min=1)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        step += 1
        with torch.no_grad():
            decay = min(args.ema, (1 + step) / (10 + step))
            for name, model in (("text", text), ("dit", dit)):
                for pe, pm in zip(ema[name].parameters(), model.parameters()):
                    pe.lerp_(pm, 1 - decay)
        if step % 100 == 0 or step == args.dit_steps:
            log(logf, f"dit step {step}/{args.dit_steps} loss {loss.item():.4f} lr {lr:.2e} {(time.time() - t0) / 60:.1f}min")
        out_of_time = time.time() - args.start > args.max_minutes * 60
        if step % 500 == 0 or step == args.dit_steps or out_of_time:
            state.update(dit_step=step, text=text.state_dict(), dit=dit.state_dict(), dit_opt=opt.state_dict(),
                         ema_text=ema["text"].state_dict(), ema_dit=ema["dit"].state_dict())
            save(args.ckpt, state)
            if out_of_time:
                log(logf, "time budget reached; checkpoint saved")
                return False
    return True


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="run directory (checkpoint.pt, train.log)")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--phase", choices=["all", "vae", "dit"], default="all")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--vae-steps", type=int, default=6000)
    ap.add_argument("--vae-batch", type=int, default=16)
    ap.add_argument("--vae-lr", type=float, default=1e-3)
    ap.add_argument("--kl-weight", type=float, default=1e-6)
    ap.add_argument("--dit-steps", type=int, default=12000)
    ap.add_argument("--dit-batch", type=int, default=96)
    ap.add_argument("--dit-lr", type=float, default=4e-4)
    ap.add_argument("--ema", type=float, default=0.999)
    ap.add_argument("--caption-dropout", type=float, default=0.1)
    ap.add_argument("--vae-stop-at", type=int, default=10**9,
                    help="end the autoencoder phase at this step (its LR schedule still spans --vae-steps)")
    ap.add_argument("--vae-minutes", type=float, default=1e9, help="end the autoencoder phase after this long")
    ap.add_argument("--max-minutes", type=float, default=1e9, help="stop (with a checkpoint) after this long")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    args = ap.parse_args(argv)
    args.start = time.time()
    torch.set_num_threads(args.threads)
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True
    os.makedirs(args.out, exist_ok=True)
    args.ckpt = os.path.join(args.out, "checkpoint.pt")
    logf = os.path.join(args.out, "train.log")
    dev = torch.device(args.device)

    tok, enc, dec, text, dit = build()
    state = torch.load(args.ckpt, map_location="cpu", weights_only=False) if os.path.exists(args.ckpt) else {}
    state.setdefault("config", CONFIG)
    state.setdefault("args", {})[args.phase] = {k: v for k, v in vars(args).items() if k not in ("start", "ckpt")}
    for name, model in (("enc", enc), ("dec", dec), ("text", text), ("dit", dit)):
        if name in state:
            model.load_state_dict(state[name])
    for m in (enc, dec, text, dit):
        m.to(dev)
    log(logf, f"start phase={args.phase} device={dev} params: enc {sum(p.numel() for p in enc.parameters())} "
              f"dec {sum(p.numel() for p in dec.parameters())} text {sum(p.numel() for p in text.parameters())} "
              f"dit {sum(p.numel() for p in dit.parameters())}")
    if args.phase in ("all", "vae") and state.get("vae_step", 0) < min(args.vae_steps, args.vae_stop_at):
        if not train_vae(args, state, enc, dec, dev, logf):
            return
    if args.phase in ("all", "dit"):
        train_dit(args, state, enc, text, dit, dev, logf, tok)
    log(logf, "done: " + json.dumps({k: state.get(k) for k in ("vae_step", "dit_step", "latent_shift", "latent_scale")}))


if __name__ == "__main__":
    main()
