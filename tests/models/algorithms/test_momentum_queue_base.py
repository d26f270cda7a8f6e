"""MomentumQueueSSL: the key branch (EMA step, shuffle, unshuffle) against direct computations, and
where the momentum encoder sits among the modules (checkpoints and the optimizer's order)."""
import torch

from tests.models.algorithms.patch_family_utils import tiny_model


def top_level(names):
    """The first component of each dotted name, in order of first appearance."""
    seen = []
    for name in names:
        head = name.split('.')[0]
        if head not in seen:
            seen.append(head)
    return seen


def test_key_forward_steps_the_ema_then_gives_keys_in_image_order():
    torch.manual_seed(0)
    model = tiny_model('plmoco')  # momentum 0.99
    online = model.online_modules()
    im_k = torch.randn(4, 3, 32, 32)

    # an embedding that depends on the batch order only through the shuffle: rows come back as given
    cells, sums = model.key_forward(im_k, lambda img, modules: (img, img.sum((1, 2, 3))))
    assert torch.equal(cells, im_k) and torch.equal(sums, im_k.sum((1, 2, 3)))
    # the first step copies the online weights
    assert int(model.encoder_k.steps) == 1
    for (name, p_k), p in zip(model.encoder_k.module.named_parameters(), online.parameters()):
        assert torch.equal(p_k, p), name

    # the next steps move the key weights by 1 - momentum towards the online ones
    before = [p.clone() for p in model.encoder_k.module.parameters()]
    with torch.no_grad():
        for p in online.parameters():
            p.add_(torch.randn_like(p))
    k = model.key_forward(im_k)  # NxCxhxw, the default embedding: project
    m = model.momentum
    for p_k, old, p in zip(model.encoder_k.module.parameters(), before, online.parameters()):
        torch.testing.assert_close(p_k, m * old + (1 - m) * p)
    assert not k.requires_grad
    # the keys: the key encoder's projection of the unshuffled batch (BatchNorm statistics are
    # those of the same images, summed in another order)
    with torch.no_grad():
        direct = model.project(im_k, model.encoder_k.module)
    torch.testing.assert_close(k, direct, rtol=1e-4, atol=1e-5)


def test_extra_online_modules_are_averaged_and_the_key_encoder_keeps_its_place():
    torch.manual_seed(0)
    model = tiny_model('plmocoplus')
    key = model.encoder_k.module
    assert list(key) == ['backbone', 'decoder', 'neck', 'img_neck']
    for name in key:  # built once every online module existed: a copy of each, no gradient
        online = {n: p.shape for n, p in getattr(model, name).named_parameters()}
        assert {n: p.shape for n, p in key[name].named_parameters()} == online
        assert key[name] is not getattr(model, name)
        assert not any(p.requires_grad for p in key[name].parameters())
    # checkpoint keys and the optimizer's parameter order: encoder_k right after the online
    # modules, the queues around the image projector as the class builds them
    assert top_level(model.state_dict()) == [
        'backbone', 'neck', 'decoder', 'encoder_k', 'queue', 'img_neck', 'img_queue'
    ]
    assert top_level(n for n, _ in model.named_parameters()) == [
        'backbone', 'neck', 'decoder', 'encoder_k', 'img_neck'
    ]


def test_a_method_without_negatives_has_no_queue():
    torch.manual_seed(0)
    model = tiny_model('prcl')
    assert model.queue is None
    assert top_level(model.state_dict()) == ['backbone', 'neck', 'decoder', 'encoder_k']
