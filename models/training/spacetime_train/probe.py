"""The command line the experiments share (experiments/*.py: probes of a run's weights, models/README.md)."""
import argparse

import torch

from .package import Model


def probe_arguments(doc: str, n: int | None = 48, n_help: str = "prompts a group") -> argparse.ArgumentParser:
    """--weights, --n (unless n is None), --seed and --threads; the experiment adds its own."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--weights", required=True, help="a run's weights.pt (or recover.py's from a package)")
    if n is not None:
        ap.add_argument("--n", type=int, default=n, help=n_help)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--threads", type=int, default=1)
    return ap


def probe_model(args: argparse.Namespace) -> Model:
    """The weights in eval mode, with PyTorch on the probe's threads."""
    torch.set_num_threads(args.threads)
    return Model(args.weights)
