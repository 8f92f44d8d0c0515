"""The three networks of the default model: a causal video autoencoder, a text encoder, and a
diffusion transformer over spacetime patches. All shapes are dynamic so one set of weights serves
any frame count and any size that is a multiple of the autoencoder's spatial factor.

Layout: frames (B, 3, F, H, W) in [-1, 1]; latents (B, C, T, h, w); T = 1 + (F - 1) / 4 (the first
frame is encoded on its own), h = H / 8, w = W / 8.
"""
from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

SPATIAL = 8
TEMPORAL = 4


# ------------------------------------------------------------------------------ autoencoder

class GroupNorm32(nn.GroupNorm):
    """GroupNorm computed in float32 whatever comes in, and handed on in the input's type: under
    bfloat16 autocast on a CPU, torch 1.13's GroupNorm refuses bfloat16 input with float32 weights
    (and a whole encoder in bfloat16, its norms included, moved the trained latents by 14 %). In
    float32 (training without autocast, export) it is nn.GroupNorm exactly: the exported graphs stay
    those of the shipped package, node for node (recover.py depends on it)."""

    def forward(self, x):
        if x.dtype == torch.float32:
            return super().forward(x)
        return super().forward(x.float()).to(x.dtype)


class ResBlock(nn.Module):
    def __init__(self, ch: int):
        super().__init__()
        self.norm1, self.conv1 = GroupNorm32(8, ch), nn.Conv2d(ch, ch, 3, padding=1)
        self.norm2, self.conv2 = GroupNorm32(8, ch), nn.Conv2d(ch, ch, 3, padding=1)

    def forward(self, x):
        h = self.conv1(F.silu(self.norm1(x)))
        return x + self.conv2(F.silu(self.norm2(h)))


class VideoEncoder(nn.Module):
    """Each block of 4 frames (stacked on channels) is one latent frame. The clip is front-padded
    with 3 copies of its first frame, so latent 0 depends on frame 0 alone (image-to-video)."""

    def __init__(self, latent_channels: int = 16, widths=(32, 64, 128, 160)):
        super().__init__()
        layers = [nn.Conv2d(3 * TEMPORAL, widths[0], 3, padding=1)]
        for cin, cout in zip(widths[:-1], widths[1:]):
            layers += [ResBlock(cin), nn.Conv2d(cin, cout, 3, stride=2, padding=1)]
        layers += [ResBlock(widths[-1]), ResBlock(widths[-1]), GroupNorm32(8, widths[-1]), nn.SiLU(),
                   nn.Conv2d(widths[-1], 2 * latent_channels, 1)]
        self.net = nn.Sequential(*layers)
        self.latent_channels = latent_channels

    def forward(self, frames: torch.Tensor):
        """frames (B, 3, F, H, W), F = 1 + 4k -> (mean, logvar), each (B, C, 1 + k, H/8, W/8)."""
        b, c, f, h, w = frames.shape
        padded = torch.cat([frames[:, :, :1].expand(b, c, TEMPORAL - 1, h, w), frames], dim=2)
        t = padded.shape[2] // TEMPORAL
        blocks = padded.reshape(b, c, t, TEMPORAL, h, w).permute(0, 2, 3, 1, 4, 5).reshape(b * t, c * TEMPORAL, h, w)
        moments = self.net(blocks)
        moments = moments.reshape(b, t, 2 * self.latent_channels, h // SPATIAL, w // SPATIAL).permute(0, 2, 1, 3, 4)
        mean, logvar = moments.chunk(2, dim=1)
        return mean, logvar.clamp(-20, 10)


class VideoDecoder(nn.Module):
    """Latent frame -> 4 frames. Latent 0 of a clip decodes to its first frame (the last of the 4)."""

    def __init__(self, latent_channels: int = 16, widths=(160, 128, 64, 32)):
        super().__init__()
        layers = [nn.Conv2d(latent_channels, widths[0], 3, padding=1), ResBlock(widths[0]), ResBlock(widths[0])]
        for cin, cout in zip(widths[:-1], widths[1:]):
            layers += [nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(cin, cout, 3, padding=1), ResBlock(cout)]
        layers += [GroupNorm32(8, widths[-1]), nn.SiLU(), nn.Conv2d(widths[-1], 3 * TEMPORAL, 3, padding=1)]
        self.net = nn.Sequential(*layers)

    def forward(self, latents: torch.Tensor) -> torch.Tensor:
        """latents (B, C, T, h, w) -> frames (B, 3, 4T, 8h, 8w); a clip's frames are [3:]."""
        b, c, t, h, w = latents.shape
        x = self.net(latents.permute(0, 2, 1, 3, 4).reshape(b * t, c, h, w))
        x = x.reshape(b, t, TEMPORAL, 3, h * SPATIAL, w * SPATIAL).permute(0, 3, 1, 2, 4, 5)
        return x.reshape(b, 3, t * TEMPORAL, h * SPATIAL, w * SPATIAL)


class FrameEncoder(nn.Module):
    """Autoencoder v2 (model v2): every frame is encoded on its own to `frame_channels` at 1/8 size,
    and the 4 frames of a latent group are stacked on channels (latent channels = 4 x
    frame_channels), so a window is still 9 latent frames (144 tokens at 64x64) but every frame
    keeps its own code: no frame inside a group is averaged away (v1 froze motion for 4 frames).
    The clip is front-padded with 3 copies of frame 0's code, so latent 0 depends on frame 0 alone.
    The first stage is a pixel-unshuffle: the convolutions work at half resolution and above."""

    def __init__(self, frame_channels: int = 8, widths=(48, 64, 96)):
        super().__init__()
        self.frame_channels = frame_channels
        self.net = nn.Sequential(
            nn.PixelUnshuffle(2), nn.Conv2d(12, widths[0], 3, padding=1), ResBlock(widths[0]),
            nn.Conv2d(widths[0], widths[1], 3, stride=2, padding=1), ResBlock(widths[1]),
            nn.Conv2d(widths[1], widths[2], 3, stride=2, padding=1), ResBlock(widths[2]),
            GroupNorm32(8, widths[2]), nn.SiLU(), nn.Conv2d(widths[2], 2 * frame_channels, 1))

    def encode_frames(self, frames: torch.Tensor):
        """frames (N, 3, H, W) -> (mean, logvar), each (N, frame_channels, H/8, W/8)."""
        mean, logvar = self.net(frames).chunk(2, dim=1)
        return mean, logvar.clamp(-20, 10)

    def forward(self, frames: torch.Tensor):
        """frames (B, 3, F, H, W), F = 1 + 4k -> (mean, logvar), each (B, 4 * frame_channels, 1 + k, H/8, W/8)."""
        b, c, f, h, w = frames.shape
        moments = self.net(frames.permute(0, 2, 1, 3, 4).reshape(b * f, c, h, w))
        moments = moments.reshape(b, f, 2 * self.frame_channels, h // SPATIAL, w // SPATIAL)
        moments = torch.cat([moments[:, :1].expand(-1, TEMPORAL - 1, -1, -1, -1), moments], dim=1)
        t = moments.shape[1] // TEMPORAL
        mean, logvar = moments.chunk(2, dim=2)                      # (B, 4T, fc, h, w) each

        def stack(x):  # frames of a group onto channels: channel = frame_in_group * fc + c
            return x.reshape(b, t, TEMPORAL * self.frame_channels, h // SPATIAL, w // SPATIAL).permute(0, 2, 1, 3, 4)
        return stack(mean), stack(logvar).clamp(-20, 10)


class FrameDecoder(nn.Module):
    """Autoencoder v2: each frame's channels of a latent frame decode to that frame on their own;
    the last stage is a pixel-shuffle, so no convolution runs at full resolution (the decoder runs
    every window, its cost is part of the real-time factor)."""

    def __init__(self, frame_channels: int = 8, widths=(96, 64, 48)):
        super().__init__()
        self.frame_channels = frame_channels
        self.net = nn.Sequential(
            nn.Conv2d(frame_channels, widths[0], 3, padding=1), ResBlock(widths[0]),
            nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(widths[0], widths[1], 3, padding=1), ResBlock(widths[1]),
            nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(widths[1], widths[2], 3, padding=1), ResBlock(widths[2]),
            GroupNorm32(8, widths[2]), nn.SiLU(), nn.Conv2d(widths[2], 12, 3, padding=1), nn.PixelShuffle(2))

    def decode_frames(self, codes: torch.Tensor) -> torch.Tensor:
        """codes (N, frame_channels, h, w) -> frames (N, 3, 8h, 8w)."""
        return self.net(codes)

    def forward(self, latents: torch.Tensor) -> torch.Tensor:
        """latents (B, 4 * fc, T, h, w) -> frames (B, 3, 4T, 8h, 8w); a clip's frames are [3:]."""
        b, c, t, h, w = latents.shape
        codes = latents.permute(0, 2, 1, 3, 4).reshape(b * t * TEMPORAL, self.frame_channels, h, w)
        x = self.net(codes).reshape(b, t * TEMPORAL, 3, h * SPATIAL, w * SPATIAL)
        return x.permute(0, 2, 1, 3, 4)


def temporal_dct(n: int = TEMPORAL) -> torch.Tensor:
    """Orthonormal DCT-II over n frames, (frequency, frame): row 0 is the mean, row k the k-th
    temporal frequency."""
    k = torch.arange(n, dtype=torch.float64)
    rows = torch.stack([torch.cos(math.pi * (k + 0.5) * f / n) for f in range(n)])
    return (rows / rows.norm(dim=1, keepdim=True)).float()


def group_frequencies(codes: torch.Tensor) -> torch.Tensor:
    """Frame codes (B, 4 x fc, T, h, w), channel = frame_in_group * fc + ch -> their temporal
    frequencies inside each latent group, channel = frequency * fc + ch (orthonormal)."""
    mix = torch.kron(temporal_dct(), torch.eye(codes.shape[1] // TEMPORAL, dtype=codes.dtype))
    return torch.einsum("oc,bcthw->bothw", mix, codes)


class LatentWhitening(nn.Module):
    """The diffusion latents of the frame autoencoder: the 4 frame codes of a latent group become
    their temporal frequencies (an orthonormal DCT over the group, per code channel), and each of the
    4 x frame_channels components is standardised to mean 0 and variance 1 over World clips (fit).

    Why: in the raw codes the group's mean has 22x the variance of the first temporal frequency and
    1100x that of the last (models/README.md). Noise of one level then buries the motion inside a
    group long before the group's position, so the sampler settled where an object is in each group
    before how it moves within one: generated objects stood still for 4 frames and jumped. Standardised,
    every component has the same signal-to-noise ratio at every noise level. Linear and invertible;
    an exported package folds it into its autoencoder graphs (manifest scale 1, shift 0)."""

    def __init__(self, frame_channels: int = 8):
        super().__init__()
        c = TEMPORAL * frame_channels
        # channel frame_in_group * fc + ch -> frequency * fc + ch
        self.register_buffer("mix", torch.kron(temporal_dct(), torch.eye(frame_channels)))
        self.register_buffer("mean", torch.zeros(c))
        self.register_buffer("std", torch.ones(c))

    def _frequencies(self, codes):
        return torch.einsum("oc,bcthw->bothw", self.mix, codes)

    def forward(self, codes: torch.Tensor) -> torch.Tensor:
        """Encoder codes (B, C, T, h, w) -> diffusion latents."""
        return (self._frequencies(codes) - self.mean[:, None, None, None]) / self.std[:, None, None, None]

    def inverse(self, latents: torch.Tensor) -> torch.Tensor:
        """Diffusion latents -> codes for the decoder (the DCT is orthonormal: its inverse is its transpose)."""
        z = latents * self.std[:, None, None, None] + self.mean[:, None, None, None]
        return torch.einsum("oc,bothw->bcthw", self.mix, z)

    @torch.no_grad()
    def fit(self, codes: torch.Tensor) -> None:
        """Mean and spread of each component over codes (N, C, T, h, w) of rendered clips; latent 0,
        the first frame repeated, is left out (its motion components are 0 by construction)."""
        z = self._frequencies(codes[:, :, 1:].float())
        self.mean.copy_(z.mean(dim=(0, 2, 3, 4)))
        self.std.copy_(z.std(dim=(0, 2, 3, 4)).clamp(min=1e-6))


class LatentSpace:
    """Encoder codes <-> the diffusion latents the denoiser learns, as a run's state (or weights)
    records them: whitened (LatentWhitening), or shifted and scaled to unit spread."""

    def __init__(self, state: dict, device="cpu"):
        self.shift, self.scale = state["latent_shift"], state["latent_scale"]
        self.whitening = None
        if "latent_whitening" in state:
            self.whitening = LatentWhitening(state["config"]["latent_channels"] // TEMPORAL).to(device)
            self.whitening.load_state_dict(state["latent_whitening"])

    def to_latents(self, codes: torch.Tensor) -> torch.Tensor:
        return self.whitening(codes) if self.whitening is not None else (codes - self.shift) * self.scale

    def to_codes(self, latents: torch.Tensor) -> torch.Tensor:
        return self.whitening.inverse(latents) if self.whitening is not None else latents / self.scale + self.shift


def autoencoder(kind: str, latent_channels: int):
    """(encoder, decoder) of a config's autoencoder: "frame" (v2) or "group" (v1, the first package)."""
    if kind == "frame":
        return FrameEncoder(latent_channels // TEMPORAL), FrameDecoder(latent_channels // TEMPORAL)
    return VideoEncoder(latent_channels), VideoDecoder(latent_channels)


# ------------------------------------------------------------------------------ building blocks
# Each is plain PyTorch for training; torch.onnx.export writes it in the fused form ONNX Runtime runs
# fastest on a CPU (com.microsoft operators), with the same math.

def attention(q, k, v, heads: int, key_mask=None):
    """Scaled dot-product attention over (B, S, D) queries and (B, L, D) keys and values, in heads;
    key_mask (B, L), 1 = attend, 0 = padding (-1e4 added to its scores). Exported as ONNX Runtime's
    fused com.microsoft.MultiHeadAttention: one kernel instead of three transposes, two batched
    matmuls, a scale, a mask and a softmax."""
    if torch.onnx.is_in_onnx_export():
        return _FusedAttention.apply(q, k, v, heads, key_mask)
    return _attention(q, k, v, heads, key_mask)


def _attention(q, k, v, heads, key_mask):
    b, s, d = q.shape
    hd = d // heads
    q = (q * (1.0 / math.sqrt(hd))).reshape(b, s, heads, hd).transpose(1, 2)
    k = k.reshape(b, -1, heads, hd).permute(0, 2, 3, 1)
    v = v.reshape(b, -1, heads, hd).transpose(1, 2)
    scores = torch.matmul(q, k)
    if key_mask is not None:
        scores = scores + ((1.0 - key_mask.to(q.dtype)) * -1e4)[:, None, None, :]
    return torch.matmul(scores.softmax(dim=-1), v).transpose(1, 2).reshape(b, s, d)


class _FusedAttention(torch.autograd.Function):
    """Export only: traces as _attention and exports as com.microsoft.MultiHeadAttention, whose
    default scale is the same 1/sqrt(head size). The key mask goes in as an additive score bias
    (B, heads, S, L), the same for every layer (ONNX Runtime computes it once): the kernel's own
    2-D key_padding_mask gives wrong results on CPU in ONNX Runtime 1.19 (measured)."""

    @staticmethod
    def forward(ctx, q, k, v, heads, key_mask):
        return _attention(q, k, v, heads, key_mask)

    @staticmethod
    def symbolic(g, q, k, v, heads, key_mask):
        mha = "com.microsoft::MultiHeadAttention"
        if key_mask is None:
            return g.op(mha, q, k, v, num_heads_i=heads)
        const = lambda values, dtype: g.op("Constant", value_t=torch.tensor(values, dtype=dtype))
        bias = g.op("Mul", g.op("Sub", const(1.0, torch.float32), g.op("Cast", key_mask, to_i=1)),
                    const(-1e4, torch.float32))                                        # (B, L)
        bias = g.op("Unsqueeze", bias, const([1, 2], torch.int64))                     # (B, 1, 1, L)
        dims = lambda x, i: g.op("Slice", g.op("Shape", x), const([i], torch.int64), const([i + 1], torch.int64))
        shape = g.op("Concat", dims(key_mask, 0), const([heads], torch.int64), dims(q, 1), dims(key_mask, 1), axis_i=0)
        none = g.op("prim::Constant")
        none.setType(torch._C.OptionalType.ofTensor())
        return g.op(mha, q, k, v, none, none, g.op("Expand", bias, shape), num_heads_i=heads)


class Attention(nn.Module):
    """Multi-head attention: x is (B, N, D) or token rows (B*N, D) with batch = B; the output has
    the shape of x. Keys and values are two GEMMs (slices of one kv weight)."""

    def __init__(self, dim: int, heads: int, kv_dim: int | None = None):
        super().__init__()
        self.heads = heads
        self.q = nn.Linear(dim, dim)
        self.kv = nn.Linear(kv_dim or dim, 2 * dim)
        self.out = nn.Linear(dim, dim)

    def forward(self, x, batch, context=None, key_mask=None):
        context = x if context is None else context
        d = self.q.out_features
        q = self.q(x).reshape(batch, -1, d)
        k = F.linear(context, self.kv.weight[:d], self.kv.bias[:d]).reshape(batch, -1, d)
        v = F.linear(context, self.kv.weight[d:], self.kv.bias[d:]).reshape(batch, -1, d)
        return self.out(attention(q, k, v, self.heads, key_mask).reshape(x.shape))


def add_layer_norm(x, residual, norm: nn.LayerNorm):
    """(norm(x + residual), x + residual), exported as ONNX Runtime's fused
    com.microsoft.SkipLayerNormalization: one pass instead of an Add and a LayerNormalization, whose
    kernel alone took longer than the fused one (measured on token rows of the denoiser)."""
    if torch.onnx.is_in_onnx_export():
        return _SkipLayerNorm.apply(x, residual, norm.weight, norm.bias, norm.eps)
    s = x + residual
    return norm(s), s


class _SkipLayerNorm(torch.autograd.Function):
    """Export only: traces as add_layer_norm, exports as com.microsoft.SkipLayerNormalization."""

    @staticmethod
    def forward(ctx, x, residual, weight, bias, eps):
        s = x + residual
        return F.layer_norm(s, (s.shape[-1],), weight, bias, eps), s

    @staticmethod
    def symbolic(g, x, residual, weight, bias, eps):
        out, _, _, s = g.op("com.microsoft::SkipLayerNormalization", x, residual, weight, bias, epsilon_f=eps, outputs=4)
        return out, s


def gelu_tanh(x):
    """GELU, tanh approximation (as F.gelu(approximate="tanh")), written in the form ONNX Runtime
    fuses into one FastGelu kernel (F.gelu's own export stays eight element-wise nodes)."""
    return (x * 0.5) * (1.0 + torch.tanh((x + 0.044715 * torch.pow(x, 3.0)) * 0.7978845608028654))


class GeluTanh(nn.Module):
    def forward(self, x):
        return gelu_tanh(x)


# ------------------------------------------------------------------------------ text encoder

class TextEncoder(nn.Module):
    def __init__(self, vocab_size: int, max_tokens: int, dim: int = 128, out_dim: int = 192, depth: int = 2):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim)
        self.pos = nn.Parameter(torch.zeros(1, max_tokens, dim))
        nn.init.normal_(self.pos, std=0.02)
        self.layers = nn.ModuleList([nn.ModuleDict({
            "norm1": nn.LayerNorm(dim), "attn": Attention(dim, 4),
            "norm2": nn.LayerNorm(dim), "mlp": nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim)),
        }) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim)
        self.proj = nn.Linear(dim, out_dim)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        x = self.embed(input_ids) + self.pos[:, : input_ids.shape[1]]
        for layer in self.layers:
            x = x + layer["attn"](layer["norm1"](x), x.shape[0], key_mask=attention_mask)
            x = x + layer["mlp"](layer["norm2"](x))
        return self.proj(self.norm(x))


# ------------------------------------------------------------------------------ denoiser

def sincos(positions: torch.Tensor, dim: int, max_period: float = 10000.0) -> torch.Tensor:
    """Sinusoidal embedding of float positions (...,) -> (..., dim)."""
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(half, dtype=torch.float32, device=positions.device) / half)
    args = positions.float().unsqueeze(-1) * freqs
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


def spacetime_positions(t: int, h: int, w: int, dim: int, device) -> torch.Tensor:
    """Factorised 3-D sin-cos position of every patch token, computed in the graph from the grid
    size, so the same weights run at any frame count, height and width. (t*h*w, dim)."""
    dt, dy = dim // 4, dim // 4 * 1
    dx = dim - dt - dy
    tt = torch.arange(t, device=device).float()
    yy = torch.arange(h, device=device).float()
    xx = torch.arange(w, device=device).float()
    et = sincos(tt, dt, 100.0)[:, None, None, :].expand(t, h, w, dt)
    ey = sincos(yy, dy, 100.0)[None, :, None, :].expand(t, h, w, dy)
    ex = sincos(xx, dx, 100.0)[None, None, :, :].expand(t, h, w, dx)
    return torch.cat([et, ey, ex], dim=-1).reshape(t * h * w, dim)


class DiTBlock(nn.Module):
    """Self-attention over all spacetime tokens, cross-attention to text, MLP; adaLN-single
    modulation (PixArt-alpha) from the per-frame conditioning vector.

    Tokens are the rows of one (B*N, D) matrix, frame-major, so every Linear is one GEMM with its
    bias; the modulation is one row per latent frame, (B*T, 1, 6D), and broadcasts over a frame's
    n tokens when the rows are viewed as (B*T, n, D)."""

    def __init__(self, dim: int, heads: int, mlp_ratio: int = 4):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, elementwise_affine=True)
        self.attn = Attention(dim, heads)
        self.norm_cross = nn.LayerNorm(dim)
        self.cross = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, elementwise_affine=True)
        self.mlp = nn.Sequential(nn.Linear(dim, mlp_ratio * dim), GeluTanh(), nn.Linear(mlp_ratio * dim, dim))
        self.table = nn.Parameter(torch.randn(6, dim) / math.sqrt(dim))

    def forward(self, x, mod, text, text_mask, n):
        d = self.table.shape[1]
        shift1, scale1, gate1, shift2, scale2, gate2 = (mod + self.table.reshape(1, 1, 6 * d)).chunk(6, dim=-1)
        frames, rows, batch = (lambda y: y.reshape(-1, n, d)), (lambda y: y.reshape(-1, d)), text.shape[0]
        attended = rows(gate1 * frames(self.attn(rows(frames(self.norm1(x)) * (1 + scale1) + shift1), batch)))
        h, x = add_layer_norm(x, attended, self.norm_cross)                     # h = norm_cross(x + attended)
        h, x = add_layer_norm(x, self.cross(h, batch, context=text, key_mask=text_mask), self.norm2)
        x = x + rows(gate2 * frames(self.mlp(rows(frames(h) * (1 + scale2) + shift2))))
        return x


class Denoiser(nn.Module):
    """Diffusion transformer over 1x2x2 spacetime patches of the latent; predicts the flow velocity.
    One timestep per latent frame: frames given clean (t = 0) act as conditioning."""

    def __init__(self, latent_channels: int = 16, dim: int = 192, depth: int = 8, heads: int = 6, patch: int = 2):
        super().__init__()
        self.patch, self.dim, self.c = patch, dim, latent_channels
        self.proj_in = nn.Linear(latent_channels * patch * patch, dim)
        self.t_embed = nn.Sequential(nn.Linear(256, dim), nn.SiLU(), nn.Linear(dim, dim))
        self.text_pool = nn.Linear(dim, dim)
        self.adaln = nn.Sequential(nn.SiLU(), nn.Linear(dim, 6 * dim))
        self.blocks = nn.ModuleList([DiTBlock(dim, heads) for _ in range(depth)])
        self.norm_out = nn.LayerNorm(dim, elementwise_affine=True)
        self.out_table = nn.Parameter(torch.randn(2, dim) / math.sqrt(dim))
        self.proj_out = nn.Linear(dim, latent_channels * patch * patch)
        nn.init.zeros_(self.adaln[1].weight); nn.init.zeros_(self.adaln[1].bias)
        nn.init.zeros_(self.proj_out.weight); nn.init.zeros_(self.proj_out.bias)

    def forward(self, latents, timesteps, text, text_mask):
        """latents (B, C, T, h, w); timesteps (B, T) in [0, 1] (1 = pure noise); text (B, L, D);
        text_mask (B, L) int -> velocity (B, C, T, h, w)."""
        b, c, t, h, w = latents.shape
        p, d = self.patch, self.dim
        gh, gw = h // p, w // p
        n = gh * gw                                     # tokens per latent frame
        x = latents.reshape(b, c, t, gh, p, gw, p).permute(0, 2, 3, 5, 1, 4, 6).reshape(-1, c * p * p)
        x = (self.proj_in(x).reshape(b, -1, d) + spacetime_positions(t, gh, gw, d, latents.device)).reshape(-1, d)

        maskf = text_mask.to(x.dtype)
        pooled = (text * maskf.unsqueeze(-1)).sum(1) / maskf.sum(1, keepdim=True).clamp(min=1.0)
        cond = self.t_embed(sincos(timesteps * 1000.0, 256)) + self.text_pool(pooled).unsqueeze(1)   # (B, T, D)
        cond = cond.reshape(-1, 1, d)                                                                # (B*T, 1, D)
        mod = self.adaln(cond)                                                                       # (B*T, 1, 6D)
        for block in self.blocks:
            x = block(x, mod, text, text_mask, n)

        shift, scale = cond + self.out_table[0], cond + self.out_table[1]
        x = self.proj_out((self.norm_out(x).reshape(-1, n, d) * (1 + scale) + shift).reshape(-1, d))
        x = x.reshape(b, t, gh, gw, c, p, p).permute(0, 4, 1, 2, 5, 3, 6)
        return x.reshape(b, c, t, h, w)
