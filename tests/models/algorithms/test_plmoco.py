"""PLMoCo: loss against a direct computation, training behaviour, queue and momentum encoder."""
import pytest
import torch
from mmengine.registry import init_default_scope
from mmselfsup.registry import MODELS
from mmselfsup.structures import SelfSupDataSample

from tests.conftest import load_config, train_few_iters
from tests.models.algorithms.patch_family_utils import reference_patch_loss

CFG = 'selfsup/plmoco/plmoco_r18-d8-mocofcn_1xb8-300i_toyscenes.py'
CFG_NODEC = 'selfsup/plmoco/plmoco_r18-d8_1xb8-300i_toyscenes.py'


def tiny_plmoco(**overrides):
    init_default_scope('mmselfsup')
    cfg = load_config(CFG).model
    cfg.update(queue_len=32, feat_dim=8, **overrides)
    cfg.neck.update(hid_channels=16, out_channels=8)
    cfg.decoder.update(channels=16)
    cfg.neck.in_channels = 16
    return MODELS.build(cfg)


def batch(boxes, size=32, n=2, seed=0):
    g = torch.Generator().manual_seed(seed)
    views = [torch.randn(n, 3, size, size, generator=g) for _ in range(2)]
    samples = []
    for b in boxes:
        s = SelfSupDataSample()
        s.set_field(torch.tensor(b, dtype=torch.float32), 'coord_box')
        samples.append(s)
    return views, samples


# the second pair's key view is zoomed in (30 px wide against the query's 50 px, both 4x4 cells):
# several key cells lie within the positive radius of each query cell
BOXES = [[[0, 0, 60, 60], [20, 10, 90, 80]], [[50, 0, 0, 50], [10, 10, 40, 40]]]


@pytest.mark.parametrize('near_positives', ['exclude', 'positive', 'negative'])
def test_loss_matches_direct_computation(near_positives):
    torch.manual_seed(0)
    # the first EMA update copies the online weights: keys use the same net
    model = tiny_plmoco(near_positives=near_positives, max_logits=100)  # many chunks
    views, samples = batch(BOXES)
    queue = model.queue.feats.clone()
    loss = model.loss(views, samples)['loss']
    with torch.no_grad():
        q = model.project(views[0])
        k = model.project(views[1])
    expected = reference_patch_loss(q, k, torch.tensor(BOXES, dtype=torch.float32), queue,
                                    model.head.temperature, model.pos_threshold, near_positives)
    assert torch.isfinite(loss)
    torch.testing.assert_close(loss, expected, rtol=1e-4, atol=1e-5)


def test_near_positives_change_the_loss_where_key_cells_crowd():
    """The zoomed-in key view puts several key cells within the radius: the three modes differ."""
    losses = {}
    for mode in ('exclude', 'positive', 'negative'):
        torch.manual_seed(0)
        model = tiny_plmoco(near_positives=mode)
        losses[mode] = float(model.loss(*batch(BOXES))['loss'])
    # leaving near cells out removes negatives, counting them as positives adds positives
    assert losses['positive'] < losses['exclude'] < losses['negative']


def test_sampled_batch_negatives_use_the_sampled_cells_only():
    torch.manual_seed(0)
    model = tiny_plmoco(num_batch_negatives=20)
    views, samples = batch(BOXES)
    queue = model.queue.feats.clone()
    picked = []
    sample = model.sample_batch_keys

    def spy(num_keys, device):
        cols = sample(num_keys, device)
        picked.append(cols)
        return cols

    model.sample_batch_keys = spy
    loss = model.loss(views, samples)['loss']
    (cols, ) = picked
    assert cols.numel() == 20 and cols.unique().numel() == 20
    with torch.no_grad():
        q = model.project(views[0])
        k = model.project(views[1])
    assert cols.max() < 2 * k.shape[2] * k.shape[3]
    expected = reference_patch_loss(q, k, torch.tensor(BOXES, dtype=torch.float32), queue,
                                    model.head.temperature, model.pos_threshold, 'exclude', cols)
    torch.testing.assert_close(loss, expected, rtol=1e-4, atol=1e-5)
    # at least as many negatives as the batch has key cells: no sampling, the exact loss
    assert sample(21, 'cpu') is not None and sample(20, 'cpu') is None
    model.num_batch_negatives = None
    assert sample(21, 'cpu') is None


def test_unknown_near_mode_is_refused():
    with pytest.raises(ValueError, match='near_positives'):
        tiny_plmoco(near_positives='ignore')


def test_no_overlap_gives_finite_zero_loss():
    model = tiny_plmoco()
    views, samples = batch([[[0, 0, 10, 10], [50, 50, 60, 60]]] * 2)
    out = model.loss(views, samples)
    assert out['loss'].item() == 0.0 and out['num_pos'].item() == 0
    out['loss'].backward()  # still part of the graph: backward works, gradients are zero
    grads = [p.grad for p in model.backbone.parameters() if p.grad is not None]
    assert grads and all(torch.count_nonzero(g) == 0 for g in grads)


def test_queue_advances_and_momentum_encoder_gets_no_gradient():
    model = tiny_plmoco(enqueue_cells=3)
    views, samples = batch([[[0, 0, 60, 60], [10, 10, 70, 70]]] * 2)
    before = model.queue.feats.clone()
    loss = model.loss(views, samples)['loss']
    loss.backward()
    assert int(model.queue.ptr) == 2 * 3  # 3 cells for each of 2 images
    assert not torch.equal(before[:6], model.queue.feats[:6])
    assert torch.equal(before[6:], model.queue.feats[6:])
    assert all(p.grad is None and not p.requires_grad for p in model.encoder_k.parameters())
    assert any(p.grad is not None for p in model.backbone.parameters())


@pytest.mark.parametrize('cfg_path', [CFG, CFG_NODEC])
def test_training_changes_weights_with_finite_loss(cfg_path, toy_root, tmp_path):
    cfg = load_config(cfg_path, toy_root, **{'model.queue_len': 64})
    init_default_scope('mmselfsup')
    runner = train_few_iters(cfg, tmp_path, iters=3)
    model = runner.model
    start = torch.load(tmp_path / 'iter_3.pth', map_location='cpu', weights_only=True)
    assert start['meta']['iter'] == 3
    losses = runner.message_hub.get_scalar('train/loss').data[0]
    assert len(losses) == 3 and all(torch.isfinite(torch.tensor(losses)))
    assert len(set(losses)) > 1, 'the loss should change between iterations'
    state = model.state_dict()
    for prefix in ('backbone.', 'neck.') + (('decoder.', ) if model.with_decoder else ()):
        keys = [k for k in state if k.startswith(prefix) and k.endswith('weight')]
        assert any(not torch.equal(state[k], runner.initial_state[k]) for k in keys), prefix
    assert int(model.queue.ptr) == (3 * 2 * model.enqueue_cells) % model.queue.length
