"""Exemplar-v2: MoCo's loss when labels all differ; exactly the same-label negatives are dropped."""
import math

import pytest
import torch
from mmengine.registry import init_default_scope
from mmengine.structures import LabelData
from mmselfsup.registry import MODELS
from mmselfsup.structures import SelfSupDataSample

from ssl4dp_mm.models.algorithms.exemplar_v2 import label_codes, shares_label
from tests.conftest import load_config, train_few_iters

CFG_NODEC = 'selfsup/exemplar_v2/exemplarv2_r18-d8_1xb8-300i_toyscenes.py'
CFG = 'selfsup/exemplar_v2/exemplarv2_r18-d8-mocofcn_1xb8-300i_toyscenes.py'
T = 0.2  # the configs' temperature


def tiny(type_='ExemplarV2', **overrides):
    init_default_scope('mmselfsup')
    cfg = load_config(CFG_NODEC).model
    cfg.update(type=type_, queue_len=12, feat_dim=8, **overrides)
    cfg.neck.update(hid_channels=16, out_channels=8)
    if type_ != 'ExemplarV2':
        cfg.pop('multi_label')
    return MODELS.build(cfg)


def batch(labels, size=32, seed=0):
    g = torch.Generator().manual_seed(seed)
    views = [torch.randn(len(labels), 3, size, size, generator=g) for _ in range(2)]
    samples = []
    for label in labels:
        s = SelfSupDataSample()
        s.gt_label = LabelData(value=torch.as_tensor(label).reshape(-1))
        samples.append(s)
    return views, samples


def direct_loss(q, k, queue, keep):
    """InfoNCE, one loop iteration per (query, queue entry); ``keep(i, j)`` picks negatives."""
    total = 0.
    for i in range(q.size(0)):
        pos = math.exp(float(q[i] @ k[i]) / T)
        denom = pos + sum(math.exp(float(q[i] @ queue[j]) / T)
                          for j in range(queue.size(0)) if keep(i, j))
        total -= math.log(pos / denom)
    return total / q.size(0)


def test_label_codes_and_true_negative_rule():
    single = label_codes([torch.tensor([3]), torch.tensor(0), torch.tensor([-1])])
    assert single.tolist() == [3, 0, -1]
    queue = torch.tensor([3, 0, -1, 7])
    mask = shares_label(single[:, None], queue[None, :])
    assert mask.tolist() == [[True, False, False, False], [False, True, False, False],
                             [False, False, False, False]]  # -1 (unlabelled) shares nothing
    hot = [[1, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 0]]
    codes = label_codes([torch.tensor(h) for h in hot], multi_label=True)
    assert codes.tolist() == [0b0101, 0b0010, 0]
    queue_hot = [[0, 0, 1, 1], [0, 1, 1, 0], [1, 1, 1, 1], [0, 0, 0, 1]]
    queue = torch.cat([label_codes([torch.tensor(h) for h in queue_hot], True), torch.tensor([-1])])
    mask = shares_label(codes[:, None], queue[None, :], multi_label=True)
    for i, a in enumerate(hot):
        for j in range(5):
            b = queue_hot[j] if j < 4 else [0] * 4  # the -1 entry: never written, no label
            common = {c for c in range(4) if a[c] and b[c]}
            assert bool(mask[i, j]) == bool(common), (i, j)
    with pytest.raises(ValueError, match='multi_label=True'):
        label_codes([torch.tensor([1, 0])])
    with pytest.raises(ValueError, match='63'):
        label_codes([torch.zeros(64)], multi_label=True)


def test_equals_moco_when_all_labels_differ():
    torch.manual_seed(0)
    moco = tiny('MoCoDec')
    exemplar = tiny()
    result = exemplar.load_state_dict(moco.state_dict(), strict=False)
    assert result.missing_keys == ['queue.labels'] and not result.unexpected_keys
    exemplar.queue.labels.copy_(torch.arange(12) + 100)  # no queued key shares a batch label
    views, samples = batch([0, 1, 2, 3])
    torch.manual_seed(1)  # the same batch shuffle in both
    loss_moco = moco.loss(views, samples)['loss']
    torch.manual_seed(1)
    out = exemplar.loss(views, samples)
    assert torch.allclose(out['loss'], loss_moco, atol=1e-6, rtol=0)
    assert out['removed_negatives'] == 0
    assert torch.equal(exemplar.queue.feats, moco.queue.feats)


@pytest.mark.parametrize('multi_label', [False, True])
def test_exactly_the_same_label_negatives_are_dropped(multi_label):
    torch.manual_seed(0)
    model = tiny(multi_label=multi_label)
    if multi_label:
        batch_labels = [[1, 0, 0, 1], [0, 1, 0, 0], [0, 0, 0, 0], [1, 1, 1, 1]]
        queue_hot = [[1, 0, 0, 0], [0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 1, 0], [1, 1, 0, 0],
                     [0, 0, 0, 0], [0, 1, 0, 0], [1, 0, 1, 0], [0, 0, 1, 1], [0, 1, 0, 1],
                     [0, 0, 1, 0], [1, 0, 0, 0]]
        queue_labels = label_codes([torch.tensor(h) for h in queue_hot], True)
        queue_labels[5] = -1  # an entry never written

        def same(i, j):
            return j != 5 and any(a and b for a, b in zip(batch_labels[i], queue_hot[j]))
    else:
        batch_labels = [0, 1, 2, 0]
        queue_labels = torch.tensor([0, 1, 2, 3, 0, 1, -1, -1, 2, 5, 0, 4])

        def same(i, j):
            return int(queue_labels[j]) == batch_labels[i]

    model.queue.labels.copy_(queue_labels)
    old_queue = model.queue.feats.clone()
    views, samples = batch(batch_labels)
    out = model.loss(views, samples)

    with torch.no_grad():
        q = model.project(views[0])  # the online net did not change; BN uses batch statistics
    k = model.queue.feats[:4]  # this batch's keys, written at the start of the queue
    expected = direct_loss(q, k, old_queue, keep=lambda i, j: not same(i, j))
    assert out['loss'].item() == pytest.approx(expected, rel=1e-5)
    dropped = sum(same(i, j) for i in range(4) for j in range(12))
    assert dropped > 0 and out['removed_negatives'].item() == pytest.approx(dropped / 4)
    # and it is not the loss that drops nothing
    assert out['loss'].item() != pytest.approx(direct_loss(q, k, old_queue, lambda i, j: True))
    # the queue keeps the batch's labels beside its keys
    expected_codes = label_codes([torch.as_tensor(b) for b in batch_labels], multi_label)
    assert model.queue.labels[:4].tolist() == expected_codes.tolist()


def test_all_negatives_removed_gives_zero_loss_and_finite_gradients():
    model = tiny()
    model.queue.labels.fill_(3)
    views, samples = batch([3, 3])
    out = model.loss(views, samples)
    assert out['loss'].item() == pytest.approx(0., abs=1e-6)
    out['loss'].backward()
    grads = [p.grad for p in model.parameters() if p.grad is not None]
    assert grads and all(torch.isfinite(g).all() for g in grads)


def test_missing_labels_are_a_clear_error():
    model = tiny()
    views, _ = batch([0, 1])
    with pytest.raises(KeyError, match='gt_label'):
        model.loss(views, [SelfSupDataSample(), SelfSupDataSample()])


def test_config_trains(toy_root, tmp_path):
    cfg = load_config(CFG, toy_root, **{'model.queue_len': 64})  # w/dec; w/o dec: multi-hot below
    runner = train_few_iters(cfg, tmp_path)
    model = runner.model
    assert torch.isfinite(torch.tensor(runner.message_hub.get_scalar('train/loss').current()))
    assert (model.queue.labels >= 0).sum() == 4  # 2 iterations x batch 2, labels 1..5
    key = 'backbone.stem.0.weight'
    assert not torch.equal(model.state_dict()[key], runner.initial_state[key])


def test_multi_hot_labels_train(toy_root, tmp_path):
    cfg = load_config(CFG_NODEC, toy_root, **{
        'model.queue_len': 64, 'model.multi_label': True,
        'train_dataloader.dataset.label_type': 'multi_hot'})
    runner = train_few_iters(cfg, tmp_path)
    assert torch.isfinite(torch.tensor(runner.message_hub.get_scalar('train/loss').current()))
    assert (runner.model.queue.labels > 0).sum() >= 1
