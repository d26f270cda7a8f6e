"""MoCoMultiCrop: small-crop queries and kNN positives against a direct loop; MoCo v2 inside."""
import math

import pytest
import torch
import torch.nn.functional as F
from mmengine.registry import init_default_scope
from mmselfsup.registry import MODELS
from mmselfsup.structures import SelfSupDataSample

from tests.conftest import load_config, train_few_iters

CFG_NODEC = 'selfsup/mocomc/mocomc_r18-d8_1xb8-300i_toyscenes.py'
CFG = 'selfsup/mocomc/mocomc_r18-d8-mocofcn_1xb8-300i_toyscenes.py'
T = 0.2  # the configs' temperature
WEIGHT = 0.4


def tiny(type_='MoCoMultiCrop', **overrides):
    init_default_scope('mmselfsup')
    cfg = load_config(CFG_NODEC).model
    cfg.update(type=type_, queue_len=16, feat_dim=8, knn_topk=3)
    cfg.update(overrides)
    cfg.neck.update(hid_channels=16, out_channels=8)
    if type_ != 'MoCoMultiCrop':
        for key in ('knn_topk', 'knn_weight'):
            cfg.pop(key)
    return MODELS.build(cfg)


def views(n=2, num_small=2, seed=0):
    g = torch.Generator().manual_seed(seed)
    large = [torch.randn(n, 3, 32, 32, generator=g) for _ in range(2)]
    return large + [torch.randn(n, 3, 24, 24, generator=g) for _ in range(num_small)]


def test_losses_match_a_direct_loop_with_hand_placed_neighbours():
    torch.manual_seed(0)
    model = tiny()
    inputs = views()
    n = 2
    with torch.no_grad():  # the queries' pooled features, to plant neighbours in the kNN queue
        h = torch.cat([model.embed(inputs[0])[0], model.embed(torch.cat(inputs[2:]))[0]])  # 6xD
    knn_queue = F.normalize(torch.randn(16, h.size(1)), dim=1)
    knn_queue[7] = h[0]  # query 0 (large crop of image 0) is its own nearest neighbour at 7
    knn_queue[11] = F.normalize(h[3] + 0.01 * torch.randn_like(h[3]), dim=0)  # near query 3
    model.knn_queue.feats.copy_(knn_queue)
    old_queue = model.queue.feats.clone()

    out = model.loss(inputs, [SelfSupDataSample() for _ in range(n)])

    with torch.no_grad():
        h_l, q_l = model.embed(inputs[0])
        h_s, q_s = model.embed(torch.cat(inputs[2:]))
    h, q = torch.cat([h_l, h_s]), torch.cat([q_l, q_s])  # 6 queries: large, small 1, small 2
    k = model.queue.feats[:n]  # the keys, written at the start of the queue
    loss = loss_knn = 0.
    picked = []
    for r in range(q.size(0)):
        image = r % n
        pos = float(q[r] @ k[image]) / T
        negs = [float(q[r] @ old_queue[j]) / T for j in range(16)]
        log_denom = math.log(math.exp(pos) + sum(math.exp(v) for v in negs))
        loss -= (pos - log_denom) / q.size(0)
        sims = [float(h[r] @ knn_queue[j]) for j in range(16)]
        nearest = sorted(range(16), key=lambda j: -sims[j])[:3]
        picked.append(nearest)
        log_denom_q = math.log(sum(math.exp(v) for v in negs))
        loss_knn -= sum(negs[j] - log_denom_q for j in nearest) / (3 * q.size(0))
    assert picked[0][0] == 7 and picked[3][0] == 11
    assert out['loss'].item() == pytest.approx(loss, rel=1e-5)
    assert out['loss_knn'].item() == pytest.approx(WEIGHT * loss_knn, rel=1e-5)
    # both queues were written in step: the keys' pooled features sit beside the keys
    assert int(model.knn_queue.ptr) == int(model.queue.ptr) == n
    with torch.no_grad():
        h_k, k_direct = model.embed(inputs[1], model.encoder_k.module)
    assert torch.allclose(model.knn_queue.feats[:n], h_k, atol=1e-5)
    assert torch.allclose(k, k_direct, atol=1e-5)


def test_two_views_without_knn_is_moco_v2():
    torch.manual_seed(0)
    moco = tiny('MoCoDec')
    multicrop = tiny(knn_weight=0.)
    multicrop.load_state_dict(moco.state_dict())  # no kNN queue: the same state as MoCoDec
    inputs = views(n=3, num_small=0)
    samples = [SelfSupDataSample() for _ in range(3)]
    torch.manual_seed(1)
    loss_moco = moco.loss(inputs, samples)['loss']
    torch.manual_seed(1)
    out = multicrop.loss(inputs, samples)
    assert set(out) == {'loss'}
    assert torch.allclose(out['loss'], loss_moco, atol=1e-5, rtol=0)


def test_knn_topk_larger_than_queue_is_an_error():
    with pytest.raises(ValueError, match='knn_topk'):
        tiny(knn_topk=17)


def test_config_trains(toy_root, tmp_path):
    cfg = load_config(CFG, toy_root, **{'model.queue_len': 64})  # w/dec (w/o dec: test_configs)
    runner = train_few_iters(cfg, tmp_path)
    hub = runner.message_hub
    for key in ('train/loss', 'train/loss_knn'):
        assert math.isfinite(hub.get_scalar(key).current())
    assert int(runner.model.queue.ptr) == 4  # keys of the large key crops only: 2 iters x batch 2
