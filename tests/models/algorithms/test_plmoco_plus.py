"""PLMoCo+: both InfoNCE terms against direct loops, their weighting, queues and momentum
encoder."""
import pytest
import torch
import torch.nn.functional as F

from tests.models.algorithms.patch_family_utils import (OVERLAPPING, batch, reference_patch_loss,
                                                        tiny_model)


def reference_image_loss(q, k, queue, temperature):
    """MoCo's InfoNCE per image: its own key first, then the queue."""
    losses = []
    for qn, kn in zip(q, k):
        logits = torch.stack([torch.dot(qn, kn)] + [torch.dot(qn, e) for e in queue])
        losses.append(-F.log_softmax(logits / temperature, 0)[0])
    return torch.stack(losses).mean()


@pytest.mark.parametrize('weights', [(0.5, 0.5), (0.2, 0.8)])
def test_loss_is_the_weighted_sum_of_both_infonce_terms(weights):
    torch.manual_seed(0)
    model = tiny_model('plmocoplus', patch_weight=weights[0], img_weight=weights[1])
    views, samples = batch(OVERLAPPING)
    cell_queue, img_queue = model.queue.feats.clone(), model.img_queue.feats.clone()
    out = model.loss(views, samples)
    # the first update of the momentum encoder copies the online weights: keys use the same net
    with torch.no_grad():
        q_cells, q_img = model.project_both(views[0])
        k_cells, k_img = model.project_both(views[1])
    boxes = torch.tensor(OVERLAPPING, dtype=torch.float32)
    temperature = model.head.temperature
    patch = reference_patch_loss(q_cells, k_cells, boxes, cell_queue, temperature,
                                 model.pos_threshold)
    image = reference_image_loss(q_img, k_img, img_queue, temperature)
    torch.testing.assert_close(out['patch_nce'], patch, rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(out['img_nce'], image, rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(out['loss'], weights[0] * patch + weights[1] * image,
                               rtol=1e-4, atol=1e-5)


def test_one_momentum_encoder_with_both_projectors_and_two_queues():
    model = tiny_model('plmocoplus', enqueue_cells=3)
    assert set(model.encoder_k.module) == {'backbone', 'decoder', 'neck', 'img_neck'}
    views, samples = batch(OVERLAPPING)
    img_queue = model.img_queue.feats.clone()
    out = model.loss(views, samples)
    out['loss'].backward()
    assert int(model.queue.ptr) == 2 * 3  # 3 cells per image
    assert int(model.img_queue.ptr) == 2  # one key per image
    assert not torch.equal(img_queue[:2], model.img_queue.feats[:2])
    assert all(p.grad is None and not p.requires_grad for p in model.encoder_k.parameters())
    for module in (model.backbone, model.decoder, model.neck, model.img_neck):
        assert any(p.grad is not None and p.grad.abs().sum() > 0 for p in module.parameters())
    # the logged parts are not named '*loss*', so mmengine's total is the weighted loss alone
    out = model.loss(views, samples)
    parsed, log_vars = model.parse_losses(out)
    torch.testing.assert_close(parsed, out['loss'])
    assert {'patch_nce', 'img_nce', 'num_pos'} <= set(log_vars)
