"""DetCon's ablations: fewer negatives (against the paper's loss written out with the kept
negatives only), one view seen twice, and the ablation configs training."""
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmengine.registry import init_default_scope

from ssl4dp_mm.datasets.transforms import CopyViews
from ssl4dp_mm.models.heads.detcon_head import DetConHead, detcon_loss, sample_negatives
from tests.conftest import load_config, train_few_iters


def kept_loss(pred, target, ids, valid, keep, temperature=0.1):
    """Eq. 3 of DetCon as loops, each anchor's candidates restricted to its positives plus the
    kept targets (``keep[view][image, mask]``)."""
    n_img, m_num = ids[0].shape
    v = [[F.normalize(x, dim=-1) for x in pair] for pair in (pred, target)]
    total = 0.
    for a, b in ((0, 1), (1, 0)):
        direction = 0.
        for n in range(n_img):
            for m in range(m_num):
                if not valid[a][n, m]:
                    continue
                anchor = v[0][a][n, m]
                pos = [(n, j) for j in range(m_num)
                       if ids[b][n, j] == ids[a][n, m] and valid[b][n, j]]
                if not pos:
                    continue
                cands = [v[1][b][k, j] for k in range(n_img) for j in range(m_num)
                         if valid[b][k, j] and ((k, j) in pos or keep[b][k, j])]
                cands += [v[1][a][k, j] for k in range(n_img) for j in range(m_num)
                          if valid[a][k, j] and keep[a][k, j]
                          and not (k == n and ids[a][k, j] == ids[a][n, m])]
                log_z = torch.logsumexp(torch.stack([anchor @ c for c in cands]) / temperature, 0)
                term = -sum((anchor @ v[1][b][k, j]) / temperature - log_z
                            for k, j in pos) / len(pos)
                direction = direction + term / int((ids[a][n] == ids[a][n, m]).sum())
        total = total + direction / (n_img * m_num)
    return total


@pytest.mark.parametrize('seed', [0, 1])
def test_kept_negatives_match_the_written_out_loss(seed):
    g = torch.Generator().manual_seed(seed)
    n, m, d = 3, 4, 5
    pred = [torch.randn(n, m, d, generator=g, dtype=torch.float64) for _ in range(2)]
    target = [torch.randn(n, m, d, generator=g, dtype=torch.float64) for _ in range(2)]
    ids = [torch.tensor([[0, 1, 1, 2], [4, 5, 6, 7], [3, 3, 3, 3]]),
           torch.tensor([[1, 0, 9, 2], [7, 6, 5, 4], [3, 3, 3, 3]])]
    valid = [torch.ones(n, m, dtype=torch.bool), torch.tensor(
        [[1, 1, 1, 0], [1, 1, 1, 1], [1, 1, 1, 1]], dtype=torch.bool)]
    keep = [torch.rand(n, m, generator=g) < 0.3 for _ in range(2)]
    loss = detcon_loss(pred[0], pred[1], target[0], target[1], ids[0], ids[1], valid[0], valid[1],
                       negatives_keep=keep)
    torch.testing.assert_close(loss, kept_loss(pred, target, ids, valid, keep), rtol=1e-10,
                               atol=1e-10)
    # keeping everything is the method itself
    full = detcon_loss(pred[0], pred[1], target[0], target[1], ids[0], ids[1], valid[0], valid[1])
    every = [torch.ones(n, m, dtype=torch.bool)] * 2
    torch.testing.assert_close(detcon_loss(pred[0], pred[1], target[0], target[1], ids[0], ids[1],
                                           valid[0], valid[1], negatives_keep=every), full)


def test_sampled_share_and_head():
    torch.manual_seed(0)
    k1, k2 = sample_negatives(8, 16, 128)
    assert k1.shape == (8, 16) and int(k1.sum() + k2.sum()) == 2  # 256 / 128
    assert int(sum(x.sum() for x in sample_negatives(3, 5, 4))) == math.ceil(30 / 4)
    head = DetConHead(negatives_divisor=128)
    g = torch.Generator().manual_seed(1)
    vecs = [torch.randn(8, 16, 4, generator=g) for _ in range(4)]
    ids = torch.arange(16).repeat(8, 1)
    torch.manual_seed(5)
    a = head(*vecs, ids, ids)
    torch.manual_seed(5)
    assert torch.equal(a, head(*vecs, ids, ids))  # drawn from the (seeded) global generator
    assert not torch.equal(a, DetConHead()(*vecs, ids, ids))
    with pytest.raises(ValueError, match='negatives_divisor'):
        DetConHead(negatives_divisor=0)


def test_copy_views_repeats_every_per_view_key():
    res = dict(img=[np.zeros((4, 4, 3), np.uint8)], coord_box=np.array([[0, 0, 4, 4]], np.float32),
               masks=[np.arange(16).reshape(4, 4)], seg_fields=['masks'], img_shape=[(4, 4)])
    out = CopyViews(2)(res)
    assert len(out['img']) == 2 and out['coord_box'].shape == (2, 4) and len(out['masks']) == 2
    assert out['masks'][0] is not out['masks'][1] and np.array_equal(*out['masks'])
    with pytest.raises(KeyError, match='after MultiViewWithCoord'):
        CopyViews()(dict(img=np.zeros((4, 4, 3))))


@pytest.mark.parametrize('variant', ['neg128', '1view'])
def test_ablation_configs_train(variant, toy_root, tmp_path):
    cfg = load_config(f'selfsup/detcon/detcons_r18-d8-mocofcn_1xb8-300i_toyscenes-{variant}.py',
                      toy_root)
    init_default_scope('mmselfsup')
    runner = train_few_iters(cfg, tmp_path, iters=2)
    losses = runner.message_hub.get_scalar('train/loss').data[0]
    assert len(losses) == 2 and all(math.isfinite(x) for x in losses)
    pairs = runner.message_hub.get_scalar('train/num_pairs').data[0]
    if variant == '1view':  # every sampled id is present in its copy
        assert pairs.min() == 2 * 16  # batch 2, 16 ids
