"""Denoiser step time in PyTorch eager, for comparison with ONNX Runtime (RuntimeBenchmark).

    python3 -m spacetime_train.bench_denoiser --weights runs/default/weights.pt --threads 2
"""
import argparse
import time

import torch

from .package import Model


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--weights", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=30)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    m = Model(args.weights)
    text, mask = m.encode_text(["a red circle bounces on a gray background", ""])
    x, t = torch.randn(2, 16, 9, 8, 8), torch.full((2, 9), 0.5)
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
