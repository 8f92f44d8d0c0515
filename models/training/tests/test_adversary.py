import pytest
import torch

from spacetime_train.adversary import PatchDiscriminator, adaptive_weight, discriminator_loss, generator_loss


def test_hinge_losses():
    ones = torch.ones(2, 1, 4, 4)
    assert float(discriminator_loss(ones, -ones)) == 0.0                 # both sides past the margin
    assert float(discriminator_loss(-ones, ones)) == pytest.approx(2.0)  # both wrong by 2
    assert float(generator_loss(ones * 3)) == -3.0


def test_discriminator_sees_patches_of_any_frame_size():
    d = PatchDiscriminator()
    assert d(torch.zeros(2, 3, 64, 64)).shape == (2, 1, 16, 16)
    assert d(torch.zeros(1, 3, 64, 96)).shape == (1, 1, 16, 24)


def test_adaptive_weight_matches_the_gradients_at_the_last_layer():
    torch.manual_seed(0)
    layer = torch.nn.Linear(4, 4)
    x = torch.randn(8, 4)
    rec = (layer(x) ** 2).mean()
    adv = 10 * layer(x).sum()
    w = adaptive_weight(rec, adv, layer.weight)
    g_rec = torch.autograd.grad(rec, layer.weight, retain_graph=True)[0]
    g_adv = torch.autograd.grad(w * adv, layer.weight)[0]
    assert float(g_adv.norm()) == pytest.approx(float(g_rec.norm()), rel=1e-3)
