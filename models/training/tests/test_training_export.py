"""Smoke run of the whole training/export path: a few steps, ONNX export, checker, manifest."""
import hashlib
import json
import math
import os

import numpy as np
import onnx
import pytest
import torch

from spacetime_train import networks as N
from spacetime_train.export import main as export_main
from spacetime_train.train import main as train_main

PACKAGE = os.path.join(os.path.dirname(__file__), "..", "..", "spacetime-world-v1")


@pytest.mark.parametrize("kind,channels", [("frame", 32), ("group", 16)])
def test_encoder_is_causal_first_frame_alone(kind, channels):
    torch.manual_seed(0)
    enc = N.autoencoder(kind, channels)[0].eval()
    x = torch.rand(1, 3, 9, 32, 32) * 2 - 1
    y = x.clone()
    y[:, :, 1:] = torch.rand(1, 3, 8, 32, 32)
    with torch.no_grad():
        a, b = enc(x)[0], enc(y)[0]
        single = enc(x[:, :, :1])[0]
    assert a.shape == (1, channels, 3, 4, 4)
    assert torch.allclose(a[:, :, 0], b[:, :, 0]), "latent 0 depends on frame 0 only"
    # Same values up to float rounding: BLAS takes other paths for a batch of 1 block than of 3.
    assert torch.allclose(single[:, :, 0], a[:, :, 0], atol=1e-4), "a single image is a valid input"


def test_frame_autoencoder_keeps_every_frame_of_a_group():
    """v2: the channels of frame k of a latent group depend on frame k alone, and the decoder
    gives each frame back from its own channels (v1 decoded one frozen frame per group)."""
    torch.manual_seed(0)
    enc, dec = (m.eval() for m in N.autoencoder("frame", 32))
    x = torch.rand(1, 3, 5, 32, 32) * 2 - 1
    y = x.clone()
    y[:, :, 3] = torch.rand(1, 3, 32, 32)             # frame 3 is the 3rd frame of latent group 1
    with torch.no_grad():
        a, b = enc(x)[0], enc(y)[0]
        changed = (a - b).abs().amax(dim=(0, 3, 4))[:, 1]       # per channel, latent frame 1
        assert torch.all(changed[16:24] > 0) and torch.all(changed[:16] == 0) and torch.all(changed[24:] == 0)
        frames = dec(a)
        codes = a.clone()
        codes[:, 8:16, 1] = 0                          # only frame 2's code of group 1
        other = dec(codes)
    assert frames.shape == (1, 3, 8, 32, 32)
    moved = (frames - other).abs().amax(dim=(0, 1, 3, 4))
    assert moved[5] > 0 and moved[4] == 0 and moved[6] == 0 and moved[7] == 0


def test_denoiser_any_size_and_frame_count():
    dit = N.Denoiser(depth=1).eval()
    text = torch.randn(2, 5, 192)
    mask = torch.ones(2, 5, dtype=torch.long)
    for t, h, w in [(1, 8, 8), (3, 8, 12), (5, 12, 8)]:
        out = dit(torch.randn(2, 16, t, h, w), torch.rand(2, t), text, mask)
        assert out.shape == (2, 16, t, h, w)


def test_latent_whitening_standardises_every_component_and_inverts():
    torch.manual_seed(0)
    white = N.LatentWhitening(8)
    codes = torch.randn(6, 32, 5, 4, 4) * torch.linspace(0.05, 3.0, 32)[None, :, None, None, None] + 0.5
    white.fit(codes)
    latents = white(codes)[:, :, 1:]
    assert torch.allclose(latents.mean(dim=(0, 2, 3, 4)), torch.zeros(32), atol=1e-4)
    assert torch.allclose(latents.std(dim=(0, 2, 3, 4)), torch.ones(32), atol=1e-4)
    assert torch.allclose(white.inverse(white(codes)), codes, atol=1e-5)
    # Frequency 0 of a group is its mean: a code that does not change inside a group has no motion components.
    still = codes[:, :8, :, :, :].repeat(1, 4, 1, 1, 1)
    assert torch.allclose(N.group_frequencies(still)[:, 8:], torch.zeros(1), atol=1e-5)
    assert torch.allclose(N.group_frequencies(codes), torch.einsum("oc,bcthw->bothw", white.mix, codes), atol=1e-5)


def test_whitening_a_run_keeps_what_its_denoiser_knew():
    """whiten_latents maps the patch projections: on the same clean latents, the denoiser's velocity
    in the whitened space is the old one seen through the new lens."""
    import types
    from spacetime_train.train import CONFIG, build, whiten_latents
    torch.manual_seed(0)
    _, _, _, text, dit = build(CONFIG)
    torch.nn.init.normal_(dit.proj_out.weight, std=0.05)
    codes = torch.randn(2, 32, 9, 8, 8) * torch.linspace(0.05, 3.0, 32)[None, :, None, None, None] + 0.3
    state = {"config": dict(CONFIG), "latent_shift": 0.1, "latent_scale": 0.8,
             "dit": dit.state_dict(), "ema_dit": {k: v.clone() for k, v in dit.state_dict().items()}}
    ids, mask = torch.randint(1, 20, (2, 6)), torch.ones(2, 6, dtype=torch.long)
    t = torch.full((2, 9), 0.0)
    with torch.no_grad():
        old = dit((codes - 0.1) * 0.8, t, text(ids, mask), mask)
        white = whiten_latents(state, dit, types.SimpleNamespace(sample_codes=lambda n: codes), os.devnull)
        new = dit(white(codes), t, text(ids, mask), mask)
    seen = torch.einsum("oc,bcthw->bothw", torch.diag(1 / white.std) @ white.mix / 0.8, old)
    assert float((new - seen).norm() / seen.norm()) < 1e-4
    assert state["config"]["latent_space"] == "whitened" and "latent_whitening" in state


def test_networks_train_under_bfloat16_autocast():
    """train.py trains under bfloat16 autocast where the device multiplies bfloat16 natively
    (native_bf16): every layer must take it (on CPUs torch 1.13's GroupNorm does not by itself) and
    the outputs must stay those of float32."""
    from spacetime_train.train import CONFIG, build
    torch.manual_seed(0)
    _, enc, dec, text, dit = build(CONFIG)
    frames = torch.rand(4, 3, 64, 64) * 2 - 1
    reference = dec.decode_frames(enc.encode_frames(frames)[0])
    with torch.autocast("cpu", dtype=torch.bfloat16):
        recon = dec.decode_frames(enc.encode_frames(frames)[0])
    recon.float().square().mean().backward()
    assert recon.dtype == torch.bfloat16, "autocast did not reach the autoencoder's convolutions"
    assert float((recon.float() - reference).norm() / reference.norm()) < 0.05
    assert all(torch.isfinite(p.grad).all() for net in (enc, dec) for p in net.parameters())

    torch.nn.init.normal_(dit.proj_out.weight, std=0.05)        # zero at initialisation
    ids, mask = torch.randint(1, 20, (2, 6)), torch.ones(2, 6, dtype=torch.long)
    x, t = torch.randn(2, CONFIG["latent_channels"], 9, 8, 8), torch.rand(2, 9)
    reference = dit(x, t, text(ids, mask), mask)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        v = dit(x, t, text(ids, mask), mask)
    v.float().square().mean().backward()
    assert v.dtype == torch.bfloat16, "autocast did not reach the transformer's matrix products"
    assert float((v.float() - reference).norm() / reference.norm()) < 0.03
    assert all(p.grad is not None and torch.isfinite(p.grad).all() for p in dit.parameters() if p.requires_grad)


def test_flow_matching_loss_weighs_errors_that_differ_between_latent_frames():
    """--coherence-weight: an error shared by every generated latent frame costs what it did; one
    that alternates between neighbouring frames (each latent group placed elsewhere) costs
    1 + 4 * weight times as much; clean (conditioning) frames count in neither term."""
    from spacetime_train.train import flow_matching_loss
    b, c, t, h, w = 2, 4, 6, 3, 3
    shared = torch.ones(b, c, t, h, w) * 0.5
    alternating = shared * torch.tensor([1.0, -1.0] * (t // 2)).view(1, 1, t, 1, 1)
    none_clean = torch.zeros(b, t)
    assert flow_matching_loss(shared, none_clean) == pytest.approx(0.25)
    assert flow_matching_loss(shared, none_clean, 2.0) == pytest.approx(0.25)
    assert flow_matching_loss(alternating, none_clean, 2.0) == pytest.approx(0.25 * (1 + 4 * 2.0))

    error = torch.randn(b, c, t, h, w)
    clean = torch.zeros(b, t)
    clean[0, :2] = 1                                  # forward extension: two latents given
    old = (error ** 2 * (1 - clean)[:, None, :, None, None]).sum() / ((1 - clean).sum() * c * h * w)
    assert flow_matching_loss(error, clean) == pytest.approx(float(old))
    poisoned = error.clone()
    poisoned[0, :, :2] = 1e6                          # what the denoiser outputs on given frames is ignored
    assert flow_matching_loss(poisoned, clean, 1.0) == pytest.approx(float(flow_matching_loss(error, clean, 1.0)))


def test_object_weight_puts_the_loss_on_objects():
    """--object-weight: object_map marks where clean latents depart from the clip's flat
    background; the same squared error costs more on the object than on the background, the loss
    of an error spread evenly stays what it was, and weight 0 is the plain loss."""
    from spacetime_train.train import flow_matching_loss, object_map
    b, c, t, h, w = 2, 4, 3, 6, 6
    x0 = torch.full((b, c, t, h, w), -0.5)
    x0[:, :, :, 2:4, 2:4] = 1.5                       # an object on a flat background
    objects = object_map(x0)
    assert objects.shape == (b, 1, t, h, w)
    assert float(objects[:, :, :, 2:4, 2:4].min()) == pytest.approx(1.0)
    assert float(objects[:, :, :, :2].max()) == pytest.approx(0.0)
    clean = torch.zeros(b, t)
    on_object, on_background = torch.zeros(b, c, t, h, w), torch.zeros(b, c, t, h, w)
    on_object[:, :, :, 2, 2] = 1
    on_background[:, :, :, 0, 0] = 1
    plain = float(flow_matching_loss(on_object, clean))
    assert plain == pytest.approx(float(flow_matching_loss(on_background, clean)))
    assert float(flow_matching_loss(on_object, clean, 0.0, objects, 0.0)) == pytest.approx(plain)
    weighted_object = float(flow_matching_loss(on_object, clean, 0.0, objects, 4.0))
    weighted_background = float(flow_matching_loss(on_background, clean, 0.0, objects, 4.0))
    assert weighted_object == pytest.approx(5 * weighted_background)
    even = torch.ones(b, c, t, h, w)
    assert float(flow_matching_loss(even, clean, 0.0, objects, 4.0)) == pytest.approx(1.0)


def test_noised_latent_draws_fixed_or_scaled_learned_noise():
    from spacetime_train.train import noised_latent
    torch.manual_seed(0)
    mean, logvar = torch.randn(4, 8, 16, 16), torch.full((4, 8, 16, 16), math.log(0.1 ** 2))
    assert torch.equal(noised_latent(mean, logvar, 0.0), mean)
    assert abs(float((noised_latent(mean, logvar, 0.05) - mean).std()) - 0.05) < 0.005
    assert abs(float((noised_latent(mean, logvar, -1) - mean).std()) - 0.1) < 0.01
    assert abs(float((noised_latent(mean, logvar, -1, 3.0) - mean).std()) - 0.3) < 0.03
    assert torch.equal(noised_latent(mean, logvar, -1, 0.0), mean)


def test_reconstruction_loss_weighs_outlines_by_edge_weight():
    """--edge-weight: without it, the plain mean of L1 + squared error (what the autoencoder always
    trained on); with it, an error on an object's outline costs up to 1 + weight times one on a
    flat area, so a decoder that rounds corners off pays for it."""
    from spacetime_train.train import edge_map, reconstruction_loss
    frames = -torch.ones(1, 3, 16, 16)
    frames[:, 0, 4:12, 4:12] = 1                                # a red square on black
    edges = edge_map(frames)[0, 0]
    assert edges[4, 4] == 1 and edges[3, 3] == 1 and edges[8, 8] == 0 and edges[0, 0] == 0
    recon = frames + 0.1 * torch.randn(frames.shape, generator=torch.Generator().manual_seed(0))
    assert reconstruction_loss(recon, frames) == pytest.approx(
        float(torch.nn.functional.l1_loss(recon, frames) + torch.nn.functional.mse_loss(recon, frames)))
    corner, flat = frames.clone(), frames.clone()
    corner[:, :, 4, 4] = 0                                      # the square's corner rounded off
    flat[:, :, 0, 0] = 0                                        # a background pixel, equally wrong
    assert reconstruction_loss(corner, frames) == pytest.approx(float(reconstruction_loss(flat, frames)))
    ratio = reconstruction_loss(corner, frames, 4.0) / reconstruction_loss(flat, frames, 4.0)
    assert float(ratio) == pytest.approx(5.0)


def test_smoke_training_and_export(tmp_path):
    run = tmp_path / "run"
    train_main(["--out", str(run), "--device", "cpu", "--vae-steps", "2", "--vae-batch", "4",
                "--dit-steps", "2", "--dit-batch", "2", "--min-shards", "1", "--shard-clips", "4", "--threads", str(os.cpu_count())])
    assert (run / "weights.pt").exists() and "dit step 2/2" in (run / "train.log").read_text()
    # The decoder alone, on the frozen encoder, in a run of its own, then adopted by the first run.
    before = torch.load(run / "checkpoint.pt", weights_only=False)
    tuned = tmp_path / "tuned"
    train_main(["--out", str(tuned), "--device", "cpu", "--resume-from", str(run / "weights.pt"), "--phase", "decoder",
                "--decoder-steps", "3", "--vae-batch", "4", "--adversarial-weight", "0.5", "--threads", str(os.cpu_count())])
    after = torch.load(tuned / "checkpoint.pt", weights_only=False)
    assert after["dec_step"] == 3 and "decoder eval step 3: held-out PSNR" in (tuned / "train.log").read_text()
    assert "adversarial weight 0.5" in (tuned / "train.log").read_text() and "disc" in after and "disc_opt" in after
    assert all(torch.equal(before["enc"][k], after["enc"][k]) for k in before["enc"]), "the encoder must stay frozen"
    assert any(not torch.equal(before["dec"][k], after["dec"][k]) for k in before["dec"]), "the decoder did not train"
    from spacetime_train.train import adopt_decoder
    adopt_decoder(str(run), str(tuned))
    adopted = torch.load(run / "weights.pt", weights_only=False)
    assert adopted["dec_step"] == 3 and adopted["dit_step"] == 2
    assert all(torch.equal(adopted["dec"][k], after["dec"][k]) for k in after["dec"])
    pkg = tmp_path / "pkg"
    export_main(["--weights", str(run / "weights.pt"), "--out", str(pkg), "--fixtures", str(tmp_path / "fx")])
    manifest = json.loads((pkg / "model.json").read_text())
    assert manifest["format_version"] == 1 and manifest["training"]["dec_step"] == 3
    for role in ("text_encoder", "denoiser", "vae_encoder", "vae_decoder"):
        spec = manifest["files"][role]
        model = onnx.load(str(pkg / spec["file"]))
        onnx.checker.check_model(model)
        assert [i.name for i in model.graph.input][:len(spec["inputs"])] == [i["name"] for i in spec["inputs"]]
        assert spec["sha256"] == hashlib.sha256((pkg / spec["file"]).read_bytes()).hexdigest()
    assert manifest["text"]["tokenizer_sha256"] == hashlib.sha256((pkg / "tokenizer.json").read_bytes()).hexdigest()
    # A run continues elsewhere from its resume state alone (no run directory, no optimiser state).
    from spacetime_train.train import save_resume_state
    save_resume_state(str(run), str(tmp_path / "resume.pt"))
    # As train-default-model.sh does it: the autoencoder phase (nothing left to train) takes the resume
    # state, the denoiser phase and the latent producer find it in the run directory.
    train_main(["--out", str(tmp_path / "run2"), "--device", "cpu", "--resume-from", str(tmp_path / "resume.pt"),
                "--phase", "vae", "--vae-steps", "2", "--threads", str(os.cpu_count())])
    from spacetime_train.train import load_autoencoder
    assert all(torch.equal(load_autoencoder(str(tmp_path / "run2"))[0].state_dict()[k], before["enc"][k]) for k in before["enc"])
    train_main(["--out", str(tmp_path / "run2"), "--device", "cpu", "--phase", "dit", "--vae-steps", "2", "--dit-steps", "4",
                "--dit-batch", "2", "--min-shards", "1", "--shard-clips", "4", "--whiten-latents",
                "--dit-minutes", "1e-6", "--restart-minutes", "1000", "--restart-task-mix", "0,1,0,0,0",
                "--restart-unshifted-share", "0.5", "--pixel-weight", "1", "--pixel-windows", "1", "--pixel-max-noise", "1", "--edge-weight", "4",
                "--threads", str(os.cpu_count())])
    log2 = (tmp_path / "run2" / "train.log").read_text()
    assert "dit from step 2" in log2 and "dit step 4/4" in log2, log2
    assert "dit decoded loss: weight 1 on 1 windows a batch, latent frames at noise <= 1, outlines x5" in log2, log2
    # Its main schedule was over, so it trained on in a warm restart, which the resume state keeps.
    assert ("warm restart at step 2: learning rate 1.5e-04 for 1000.0 min, task mix (0.0, 1.0, 0.0, 0.0, 0.0), "
            "unshifted share 0.5") in log2, log2
    save_resume_state(str(tmp_path / "run2"), str(tmp_path / "resume2.pt"))
    assert torch.load(tmp_path / "resume2.pt", weights_only=False)["restart_step"] == 2
    # Moved to whitened latents on the way: the package folds the whitening into its autoencoder graphs.
    assert "latents whitened at denoiser step 2" in log2
    # Its decoder (3 steps, its schedule over) trains on in a warm restart, on the denoiser's estimates
    # of rendered clips (here every batch), in the whitened latent space of this run.
    before_dec = torch.load(tmp_path / "run2" / "checkpoint.pt", weights_only=False)["dec"]
    train_main(["--out", str(tmp_path / "run2"), "--device", "cpu", "--phase", "decoder", "--decoder-steps", "3",
                "--decoder-restart-steps", "2", "--estimate-share", "1", "--estimate-clips", "2",
                "--threads", str(os.cpu_count())])
    log2 = (tmp_path / "run2" / "train.log").read_text()
    assert "decoder warm restart at step 3: learning rate 2.0e-04 for 2 steps" in log2 and "decoder step 5/5" in log2, log2
    after_dec = torch.load(tmp_path / "run2" / "checkpoint.pt", weights_only=False)["dec"]
    assert any(not torch.equal(before_dec[k], after_dec[k]) for k in before_dec), "the decoder did not train"
    pkg2 = tmp_path / "pkg2"
    export_main(["--weights", str(tmp_path / "run2" / "weights.pt"), "--out", str(pkg2), "--fixtures", str(tmp_path / "fx2"),
                 "--training-command", "train-default-model.sh, then train-on-gpu.sh"])
    manifest2 = json.loads((pkg2 / "model.json").read_text())
    assert (manifest2["training"]["dec_step"], manifest2["training"]["dec_restart_step"]) == (5, 3)
    assert manifest2["training"]["command"] == "train-default-model.sh, then train-on-gpu.sh"
    assert manifest["training"]["command"] == "models/training/train-default-model.sh"
    vae = manifest2["vae"]
    assert (vae["scaling_factor"], vae["shift_factor"]) == (1.0, 0.0)
    assert any(n.op_type == "Einsum" for n in onnx.load(str(pkg2 / "vae_encoder.onnx")).graph.node)
    assert any(n.op_type == "Einsum" for n in onnx.load(str(pkg2 / "vae_decoder.onnx")).graph.node)
    # ... and a later session continues from the package: recover finds the whitening in those graphs.
    from spacetime_train.recover import recover
    back, trained = recover(str(pkg2)), torch.load(tmp_path / "run2" / "weights.pt", weights_only=False)
    for key in ("latent_whitening", "enc", "dec", "ema_dit"):
        assert all(torch.allclose(back[key][k].float(), trained[key][k].float()) for k in trained[key]), key
    cases = json.loads((tmp_path / "fx" / "cases.json").read_text())["cases"]
    lat = np.fromfile(tmp_path / "fx" / "case1.latents.f32", dtype="<f4")
    assert lat.size == np.prod(cases[0]["latents_shape"])


def test_shipped_package_is_complete_and_small():
    manifest = json.load(open(os.path.join(PACKAGE, "model.json")))
    total = 0
    for spec in manifest["files"].values():
        path = os.path.join(PACKAGE, spec["file"])
        onnx.checker.check_model(onnx.load(path))
        total += os.path.getsize(path)
    assert total < 40 * 1024 * 1024
    for key in ("name", "version", "license", "description", "training_data", "video", "vae", "transformer",
                "scheduler", "text"):
        assert key in manifest
    assert manifest["video"]["native_fps"] == 8 and manifest["video"]["native_size"] == {"width": 64, "height": 64}


def test_training_noise_levels_shift_like_the_sampling_schedule():
    """--timestep-shift: the logit-normal draw mapped by the sampling schedule's shift, so that the
    high noise levels, where sampling decides layout and motion, get their share of training."""
    from spacetime_train.flow import logit_normal, shift_noise, shifted_sigmas
    g = torch.Generator().manual_seed(0)
    plain = logit_normal((100_000,), g)
    shifted = logit_normal((100_000,), g, shift=3.0)
    assert 0.035 < float((plain > 0.85).float().mean()) < 0.047       # P(z > logit 0.85) = 0.041
    assert 0.25 < float((shifted > 0.85).float().mean()) < 0.27        # P(z > logit 0.654) = 0.262
    assert float(shift_noise(torch.tensor(0.5), 3.0)) == pytest.approx(0.75)
    assert torch.allclose(shifted_sigmas(4, 3.0), shift_noise(torch.tensor([1.0, 0.75, 0.5, 0.25, 0.0]), 3.0))


def test_unshifted_share_keeps_low_noise_levels_in_training():
    """--unshifted-share: that share of the draws keeps the unshifted level, so the low noise levels
    (where outlines are finished) are trained again while the high ones keep most of the shift's share."""
    from spacetime_train.flow import logit_normal
    g = torch.Generator().manual_seed(0)
    low = lambda t: float((t < 0.33).float().mean())
    shifted = logit_normal((100_000,), g, shift=3.0)
    mixed = logit_normal((100_000,), g, shift=3.0, unshifted_share=0.5)
    assert 0.030 < low(shifted) < 0.041                                # P(z < logit 0.141) = 0.035
    assert 0.130 < low(mixed) < 0.145                                  # (0.239 + 0.035) / 2 = 0.137
    assert 0.145 < float((mixed > 0.85).float().mean()) < 0.16         # (0.041 + 0.262) / 2 = 0.152


def test_task_mix_sets_the_share_of_each_conditioning_task():
    """--task-mix / --restart-task-mix: the five shares (text-to-video, first frames given, last
    frames given, both ends, independent noise) are the shares the batches are drawn in."""
    import argparse
    from spacetime_train.train import sample_task_masks, task_mix
    g = torch.Generator().manual_seed(0)
    clean, independent = sample_task_masks(20_000, 9, g, torch.device("cpu"), (0.25, 0.35, 0.20, 0.10, 0.10))
    given = clean > 0
    first = given[:, 0] & ~given[:, -1]
    last = given[:, -1] & ~given[:, 0]
    both = given[:, 0] & given[:, -1]
    none = ~given.any(dim=1) & ~independent
    for share, want in ((none, 0.25), (first, 0.35), (last, 0.20), (both, 0.10), (independent, 0.10)):
        assert float(share.float().mean()) == pytest.approx(want, abs=0.015)
    assert not given[independent].any()
    # first frames given: a prefix of 1..8 latent frames, never the whole window
    k = given[first].sum(dim=1)
    assert int(k.min()) == 1 and int(k.max()) == 8
    assert torch.equal(given[first], torch.arange(9).unsqueeze(0) < k.unsqueeze(1))
    only_t2v, _ = sample_task_masks(1000, 9, g, torch.device("cpu"), (1, 0, 0, 0, 0))
    assert not only_t2v.any()
    assert task_mix("0.4,0.25,0.15,0.1,0.1") == (0.4, 0.25, 0.15, 0.1, 0.1)
    for bad in ("1,2,3", "1,1,1,1,-1", "0,0,0,0,0", "a,b,c,d,e"):
        with pytest.raises(argparse.ArgumentTypeError, match="five non-negative shares"):
            task_mix(bad)


def test_warm_restart_schedule_continues_the_denoiser_at_a_new_peak():
    """--restart-minutes: after the main cosine (to 10 % of --dit-lr at --dit-minutes), the rate
    warms up again from the restart's first step to --restart-lr and decays on a second cosine to
    10 % of it; training ends after both. Without a restart it ends with the main schedule."""
    import types
    from spacetime_train.train import dit_learning_rate
    args = types.SimpleNamespace(dit_steps=10**6, dit_lr=3e-4, dit_minutes=100.0, restart_minutes=50.0, restart_lr=1.5e-4)
    assert dit_learning_rate(args, 5000, 50 * 60, None) == pytest.approx(3e-4 * 0.55)
    assert dit_learning_rate(args, 9999, 100 * 60 - 1e-6, None) == pytest.approx(3e-5, rel=1e-3)
    assert dit_learning_rate(args, 10_000, 100 * 60, 10_000) == pytest.approx(1.5e-4 / 300)
    assert dit_learning_rate(args, 10_299, 101 * 60, 10_000) == pytest.approx(1.5e-4 * (0.1 + 0.45 * (1 + math.cos(math.pi / 50))))
    assert dit_learning_rate(args, 11_000, 125 * 60, 10_000) == pytest.approx(1.5e-4 * 0.55)
    assert dit_learning_rate(args, 12_000, 150 * 60, 10_000) is None
    args.restart_minutes = 0.0
    assert dit_learning_rate(args, 10_000, 100 * 60, None) is None


def test_pillar_share_draws_that_share_of_a_batch_from_pillar_clips(tmp_path):
    """--pillar-share: each clip of a denoiser batch comes from a clip with a pillar with that
    probability (plus the pillar clips an ordinary draw picks); 0 draws like before."""
    import random
    from spacetime_train.latents import LatentCache, write_shard
    caps = [f"a red circle moves right{' behind a pillar' if i % 10 == 0 else ''} on a black background"
            for i in range(200)]
    lat = torch.arange(200, dtype=torch.float16)[:, None, None, None, None].expand(200, 2, 13, 1, 1).contiguous()
    write_shard(str(tmp_path), {"size": (64, 64), "latents": lat, "captions": caps}, 0)
    cache = LatentCache(str(tmp_path))
    cache.refresh()

    def share(p):
        z, c = cache.batch(random.Random(1), 20_000, p)
        assert all(caps[int(i)] == ci for i, ci in zip(z[:, 0, 0, 0, 0], c))   # latents and captions stay paired
        return float(np.mean([" behind a pillar" in x for x in c]))
    assert share(0.0) == pytest.approx(0.10, abs=0.01)
    assert share(0.5) == pytest.approx(0.5 + 0.5 * 0.10, abs=0.015)
    z0, _ = cache.batch(random.Random(3), 64)
    z1, _ = cache.batch(random.Random(3), 64, 0.0)
    assert torch.equal(z0, z1)


def test_decoded_loss_is_zero_for_the_truth_and_counts_only_low_noise_generated_frames():
    from spacetime_train.train import DecodedLoss, build
    torch.manual_seed(0)
    _, _, dec, _, _ = build()
    space = N.LatentSpace({"latent_shift": 0.0, "latent_scale": 1.0})
    loss = DecodedLoss(dec, space, windows=2, max_noise=0.5, edge_weight=4.0)
    x0 = torch.randn(3, 32, 3, 2, 2)
    noise = torch.randn_like(x0)
    t = torch.tensor([[0.0, 0.3, 0.9]] * 3)
    clean = torch.tensor([[1.0, 0.0, 0.0]] * 3)
    xt = (1 - t[:, None, :, None, None]) * x0 + t[:, None, :, None, None] * noise
    exact = noise - x0
    assert float(loss(xt, exact, x0, t, clean)) == pytest.approx(0.0, abs=1e-6)
    wrong = exact.clone()
    wrong[:, :, 2] += 1.0                   # only the frame at noise 0.9: not counted
    assert float(loss(xt, wrong, x0, t, clean)) == pytest.approx(0.0, abs=1e-6)
    wrong[:, :, 1] += 1.0                   # the frame at noise 0.3 is
    assert float(loss(xt, wrong, x0, t, clean)) > 1e-3
    wrong = exact.clone()
    wrong[2] += 1.0                         # the third window is past `windows`
    assert float(loss(xt, wrong, x0, t, clean)) == pytest.approx(0.0, abs=1e-6)
