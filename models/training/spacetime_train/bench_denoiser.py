"""Denoiser step time in PyTorch eager (a guidance pair, batch 2), for comparison with ONNX Runtime
(RuntimeBenchmark). Training steps: bench_training.

    python3 -m spacetime_train.bench_denoiser --weights runs/v2/weights.pt --threads 2
"""
import argparse
import time

import torch

from .package import Model
from .train import WINDOW_LATENTS

PROMPT = "a red circle bounces on a gray background"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--weights", required=True, help="a run's weights.pt")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=30)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    m = Model(args.weights)
    text, mask = m.encode_text([PROMPT, ""])
    x, t = torch.randn(2, m.config["latent_channels"], WINDOW_LATENTS, 8, 8), torch.full((2, WINDOW_LATENTS), 0.5)
    with torch.no_grad():
        for _ in range(5):
            m.dit(x, t, text, mask)
        times = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            m.dit(x, t, text, mask)
            times.append(time.perf_counter() - t0)
    times.sort()
    print(f"PyTorch {torch.__version__} eager denoiser step (guidance pair, batch 2, 144 tokens, "
          f"{args.threads} threads): median {1000 * times[len(times) // 2]:.2f} ms")


if __name__ == "__main__":
    main()
