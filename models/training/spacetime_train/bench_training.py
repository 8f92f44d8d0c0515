"""Training step times of the default model's networks, in float32 and under bfloat16 autocast:
what `train.py --precision` chooses between on the machine at hand.

    python3 -m spacetime_train.bench_training --threads 1

Steps (forward, backward, AdamW) as train.py takes them: the text encoder and denoiser on a batch
of 32 windows (9 latent frames, 144 tokens), and the autoencoder on a batch of 32 frames. The two
precisions alternate in rounds of 5 steps, so that load from elsewhere touches both alike; the
first round warms up.
"""
from __future__ import annotations

import argparse
import random
import time

import torch
import torch.nn.functional as F

from .train import CONFIG, WINDOW_LATENTS, build, frame_batch, native_bf16

PROMPT = "a red circle bounces on a gray background"
PRECISIONS = ("fp32", "bf16")


def denoiser_step():
    tok, _, _, text, dit = build(CONFIG)
    b = 32
    x, t = torch.randn(b, CONFIG["latent_channels"], WINDOW_LATENTS, 8, 8), torch.rand(b, WINDOW_LATENTS)
    ids, mask = (torch.tensor(v) for v in zip(*[tok.encode(PROMPT)] * b))
    opt = torch.optim.AdamW(list(text.parameters()) + list(dit.parameters()), lr=1e-5)

    def step():
        loss = (dit(x, t, text(ids, mask), mask).float() - x).square().mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    return step


def autoencoder_step():
    _, enc, dec, _, _ = build(CONFIG)
    frames = frame_batch(random.Random(0), 32, torch.device("cpu"))
    opt = torch.optim.AdamW(list(enc.parameters()) + list(dec.parameters()), lr=1e-5)

    def step():
        recon = dec.decode_frames(enc.encode_frames(frames)[0]).float()
        loss = F.l1_loss(recon, frames) + F.mse_loss(recon, frames)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    return step


def timed(step, rounds: int) -> dict:
    """{precision: sorted step times in seconds}."""
    times = {p: [] for p in PRECISIONS}
    for round_ in range(rounds + 1):
        for precision in PRECISIONS:
            for _ in range(5):
                t0 = time.perf_counter()
                with torch.autocast("cpu", dtype=torch.bfloat16, enabled=precision == "bf16"):
                    step()
                if round_ > 0:
                    times[precision].append(time.perf_counter() - t0)
    return {p: sorted(ts) for p, ts in times.items()}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=3, help="rounds of 5 steps per precision, after one of warm-up")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    native = native_bf16(torch.device("cpu"))
    print(f"PyTorch {torch.__version__}, {args.threads} thread(s); this CPU {'multiplies' if native else 'does not multiply'}"
          f" bfloat16 natively (train.py --precision auto: {'bf16' if native else 'fp32'})")
    for name, make in (("denoiser + text encoder, 32 windows", denoiser_step), ("autoencoder, 32 frames", autoencoder_step)):
        times = timed(make(), args.rounds)
        medians = {p: ts[len(ts) // 2] for p, ts in times.items()}
        print(f"{name}: " + ", ".join(f"{p} median {medians[p]:.2f} s (min {times[p][0]:.2f})" for p in PRECISIONS)
              + f"; bf16 {medians['fp32'] / medians['bf16']:.1f}x faster")


if __name__ == "__main__":
    main()
