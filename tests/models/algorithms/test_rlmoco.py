"""RLMoCo: loss against a direct loop over regions, queue flags, and training from configs."""
import math

import pytest
import torch
import torch.nn.functional as F
from mmengine.registry import init_default_scope
from mmselfsup.registry import MODELS
from mmselfsup.structures import SelfSupDataSample

from ssl4dp_mm.models.algorithms.rlmoco import first_occurrence
from tests.conftest import load_config, train_few_iters

CFG = 'selfsup/rlmoco/rlmoco_r18-d8-mocofcn_1xb8-300i_toyscenes.py'
CFG_NODEC = 'selfsup/rlmoco/rlmoco_r18-d8_1xb8-300i_toyscenes.py'


def tiny_rlmoco(**overrides):
    init_default_scope('mmselfsup')
    cfg = load_config(CFG).model
    cfg.update(queue_len=16, feat_dim=8, **overrides)
    cfg.decoder.update(channels=16)
    cfg.neck.update(in_channels=16, hid_channels=16, out_channels=8)
    return MODELS.build(cfg)


def batch(ids, size=32, seed=0):
    """Two views of len(ids) images; masks: 4x4 feature cells of ids 0..4 each 8x8 pixels."""
    g = torch.Generator().manual_seed(seed)
    n = len(ids)
    views = [torch.randn(n, 3, size, size, generator=g) for _ in range(2)]
    samples = []
    for view_ids in ids:
        s = SelfSupDataSample()
        cells = torch.randint(0, 5, (2, size // 8, size // 8), generator=g)
        s.set_field(cells.repeat_interleave(8, 1).repeat_interleave(8, 2), 'masks')
        s.set_field(torch.tensor(view_ids), 'mask_ids')
        samples.append(s)
    return views, samples


def reference_loss(q, valid_q, ids_q, k, valid_k, ids_k, queue, queue_labels, temperature):
    """InfoNCE per region, by hand: each region of view 1 (counted once) whose id is present in
    view 2 of the same image; negatives: every other distinct present key region of the batch and
    the queue entries not flagged 0."""
    n, m = ids_q.shape
    keys = [(b, j) for b in range(n) for j in range(m)
            if valid_k[b, j] and int(ids_k[b, j]) not in ids_k[b, :j].tolist()]
    losses = []
    for b in range(n):
        for i in range(m):
            if not valid_q[b, i] or int(ids_q[b, i]) in ids_q[b, :i].tolist():
                continue
            pos = [(bb, j) for bb, j in keys if bb == b and ids_k[bb, j] == ids_q[b, i]]
            if not pos:
                continue
            qi = q[b, i]
            logits = [qi @ k[pos[0]]]
            logits += [qi @ k[bb, j] for bb, j in keys if (bb, j) != pos[0]]
            logits += [qi @ e for e, lab in zip(queue, queue_labels) if lab != 0]
            losses.append(-F.log_softmax(torch.stack(logits) / temperature, 0)[0])
    return torch.stack(losses).mean(), len(losses)


def test_first_occurrence():
    ids = torch.tensor([[3, 1, 3, 3, 2], [0, 0, 1, 0, 1]])
    assert first_occurrence(ids).tolist() == [[True, True, False, False, True],
                                              [True, False, True, False, False]]


def test_loss_matches_direct_computation():
    torch.manual_seed(0)
    model = tiny_rlmoco()  # the first EMA update copies the online weights: keys use the same net
    ids = [[[0, 1, 1, 4], [1, 0, 3, 4]], [[2, 2, 2, 2], [2, 2, 2, 2]], [[0, 3, 1, 2], [4, 4, 4, 4]]]
    views, samples = batch(ids)
    model.queue.labels[:5] = 0  # entries flagged 0 are no negatives
    queue, queue_labels = model.queue.feats.clone(), model.queue.labels.clone()
    out = model.loss(views, samples)
    masks = torch.stack([s.masks for s in samples])
    ids_t = torch.tensor(ids)
    with torch.no_grad():
        q, valid_q = model.project_regions(views[0], masks[:, 0], ids_t[:, 0])
        k, valid_k = model.project_regions(views[1], masks[:, 1], ids_t[:, 1])
    expected, count = reference_loss(F.normalize(q, dim=2), valid_q, ids_t[:, 0],
                                     F.normalize(k, dim=2), valid_k, ids_t[:, 1], queue,
                                     queue_labels, model.head.temperature)
    assert out['num_pos'].item() == count > 0
    torch.testing.assert_close(out['loss'], expected, rtol=1e-4, atol=1e-5)
    # all 3 x 4 key regions were enqueued, flagged 1 where present and not a repeat
    assert int(model.queue.ptr) == 12
    usable = valid_k & first_occurrence(ids_t[:, 1])
    assert model.queue.labels[:12].tolist() == usable.long().flatten().tolist()
    torch.testing.assert_close(model.queue.feats[:12], F.normalize(k, dim=2).flatten(0, 1))


def test_no_shared_region_gives_finite_zero_loss():
    model = tiny_rlmoco()
    views, samples = batch([[[0, 0, 1, 1], [2, 2, 3, 3]]] * 2)
    out = model.loss(views, samples)
    assert out['loss'].item() == 0.0 and out['num_pos'].item() == 0
    out['loss'].backward()
    assert all(p.grad is None and not p.requires_grad for p in model.encoder_k.parameters())


@pytest.mark.parametrize('cfg_path', [CFG, CFG_NODEC])
def test_training_from_config(cfg_path, toy_root, tmp_path):
    cfg = load_config(cfg_path, toy_root, **{'model.queue_len': 100})
    init_default_scope('mmselfsup')
    runner = train_few_iters(cfg, tmp_path, iters=2)
    losses = runner.message_hub.get_scalar('train/loss').data[0]
    assert len(losses) == 2 and all(math.isfinite(x) for x in losses)
    assert losses[0] != losses[1], 'the loss should change between iterations'
    assert runner.message_hub.get_scalar('train/num_pos').data[0].min() > 0
    model = runner.model
    state = model.state_dict()
    for prefix in ('backbone.', 'neck.') + (('decoder.', ) if model.with_decoder else ()):
        keys = [k for k in state if k.startswith(prefix) and k.endswith('weight')]
        assert any(not torch.equal(state[k], runner.initial_state[k]) for k in keys), prefix
    assert int(model.queue.ptr) == 2 * 2 * 16  # 2 iterations x 2 images x 16 regions
    assert (model.queue.labels[:64] >= 0).all() and (model.queue.labels[:64] == 1).any()
