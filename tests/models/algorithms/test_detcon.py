"""DetCon: the loss against the paper's equations written out by hand, and training from configs."""
import math

import pytest
import torch
import torch.nn.functional as F
from mmengine.registry import init_default_scope
from mmselfsup.registry import MODELS
from mmselfsup.structures import SelfSupDataSample

from ssl4dp_mm.models.heads.detcon_head import detcon_loss
from tests.conftest import load_config, train_few_iters

CFGS = {
    'S': 'selfsup/detcon/detcons_r18-d8-mocofcn_1xb8-300i_toyscenes.py',
    'S-nodec': 'selfsup/detcon/detcons_r18-d8_1xb8-300i_toyscenes.py',
    'B': 'selfsup/detcon/detconb_r18-d8-mocofcn_1xb8-300i_toyscenes.py',
    'B-nodec': 'selfsup/detcon/detconb_r18-d8_1xb8-300i_toyscenes.py',
}


def paper_loss(pred, target, ids, valid, temperature):
    """Equation 3 of Hénaff et al. (2021) as loops, in both directions (view a predicts view b).

    For an anchor mask m of image n in view a, with v = normalised vectors and tau the temperature:
        l = -1/|P| sum_{p in P} log( exp(v_m . v'_p / tau) / sum_{c in C} exp(v_m . v_c / tau) )
    P: masks of the same image in view b with the same id (present in both views);
    C: every present mask of every image in view b, and in view a all but the anchor's own mask.
    Each anchor is weighted by 1 / (times its id was sampled in its view); the sum is divided by
    the number of sampled masks N*M (deepmind's byol_nce_detcon averages over all of them).
    """
    n_img, m_num = ids[0].shape
    v = [[F.normalize(x, dim=-1) for x in pair] for pair in (pred, target)]  # [pred/target][view]
    total = 0.
    for a, b in ((0, 1), (1, 0)):
        direction = 0.
        for n in range(n_img):
            for m in range(m_num):
                if not valid[a][n, m]:
                    continue
                anchor = v[0][a][n, m]
                positives = [(n, j) for j in range(m_num)
                             if ids[b][n, j] == ids[a][n, m] and valid[b][n, j]]
                if not positives:
                    continue
                cands = [v[1][b][k, j] for k in range(n_img) for j in range(m_num)
                         if valid[b][k, j]]
                cands += [v[1][a][k, j] for k in range(n_img) for j in range(m_num)
                          if valid[a][k, j] and not (k == n and ids[a][k, j] == ids[a][n, m])]
                log_z = torch.logsumexp(torch.stack([anchor @ c for c in cands]) / temperature, 0)
                term = -sum((anchor @ v[1][b][k, j]) / temperature - log_z
                            for k, j in positives) / len(positives)
                repeats = int((ids[a][n] == ids[a][n, m]).sum())
                direction = direction + term / repeats
        total = total + direction / (n_img * m_num)
    return total


def test_loss_closed_form():
    """Two images, one mask each, orthonormal vectors: every number can be written down."""
    e1, e2 = torch.eye(2, dtype=torch.float64)
    ids = torch.zeros(2, 1, dtype=torch.long)
    pred1 = torch.stack([e1, e2])[:, None]  # image 0 -> e1, image 1 -> e2
    # each view: anchor . positive = 1, other image in view b: 0, other image in view a: 0
    loss = detcon_loss(pred1, pred1.clone(), pred1.clone(), pred1.clone(), ids, ids,
                       temperature=0.1)
    expected = 2 * math.log(1 + 2 * math.exp(-10))  # -log(e^10 / (e^10 + e^0 + e^0)), 2 directions
    assert abs(loss.item() - expected) < 1e-12
    # a single mask of a single image has no negative at all: loss 0
    one = detcon_loss(pred1[:1], pred1[:1], pred1[:1], pred1[:1], ids[:1], ids[:1])
    assert one.item() == 0.0


@pytest.mark.parametrize('seed', [0, 1, 2])
def test_loss_matches_paper_equations(seed):
    g = torch.Generator().manual_seed(seed)
    n, m, d = 3, 4, 5
    pred = [torch.randn(n, m, d, generator=g, dtype=torch.float64) for _ in range(2)]
    target = [torch.randn(n, m, d, generator=g, dtype=torch.float64) for _ in range(2)]
    ids = [torch.tensor([[0, 1, 1, 2], [4, 5, 6, 7], [3, 3, 3, 3]]),  # repeats in images 0 and 2
           torch.tensor([[1, 0, 9, 2], [7, 6, 5, 4], [3, 3, 3, 3]])]  # 9: not in view 1
    valid = [torch.tensor([[1, 1, 1, 1], [1, 0, 1, 1], [1, 1, 1, 1]], dtype=torch.bool),
             torch.tensor([[1, 1, 1, 0], [1, 1, 1, 1], [1, 1, 1, 1]], dtype=torch.bool)]
    loss = detcon_loss(pred[0], pred[1], target[0], target[1], ids[0], ids[1], valid[0], valid[1],
                       temperature=0.1)
    expected = paper_loss(pred, target, ids, valid, 0.1)
    torch.testing.assert_close(loss, expected, rtol=1e-10, atol=1e-10)
    # DetCon-S: the same vectors are anchors and targets
    loss_s = detcon_loss(pred[0], pred[1], pred[0], pred[1], ids[0], ids[1], valid[0], valid[1])
    torch.testing.assert_close(loss_s, paper_loss(pred, pred, ids, valid, 0.1), rtol=1e-10,
                               atol=1e-10)


def test_absent_masks_are_left_out():
    """An absent mask's vector changes nothing; making it present changes the loss."""
    g = torch.Generator().manual_seed(3)
    vecs = [torch.randn(2, 3, 4, generator=g, dtype=torch.float64) for _ in range(4)]
    ids = torch.tensor([[0, 1, 2], [0, 1, 2]])
    valid = torch.tensor([[1, 1, 0], [1, 1, 1]], dtype=torch.bool)
    base = detcon_loss(*vecs, ids, ids, valid, valid)
    changed = [v.clone() for v in vecs]
    for v in changed:
        v[0, 2] = 100 * torch.randn(4, generator=g, dtype=torch.float64)
    torch.testing.assert_close(detcon_loss(*changed, ids, ids, valid, valid), base)
    assert not torch.allclose(detcon_loss(*changed, ids, ids), base)
    # no mask shared by the two views: no positive anywhere, the loss is 0
    none = detcon_loss(*vecs, ids, ids + 10)
    assert none.item() == 0.0


def tiny(kind):
    init_default_scope('mmselfsup')
    cfg = load_config(CFGS[kind]).model
    cfg.decoder.update(channels=16)
    cfg.neck.update(in_channels=16, hid_channels=16, out_channels=8)
    if 'predictor' in cfg:
        cfg.predictor.update(in_channels=8, hid_channels=16, out_channels=8)
    return MODELS.build(cfg)


def region_batch(n=2, size=32, m=4, seed=0):
    g = torch.Generator().manual_seed(seed)
    views = [torch.randn(n, 3, size, size, generator=g) for _ in range(2)]
    samples = []
    for _ in range(n):
        s = SelfSupDataSample()
        masks = torch.randint(0, 3, (2, size // 8, size // 8), generator=g)
        s.set_field(masks.repeat_interleave(8, 1).repeat_interleave(8, 2), 'masks')  # 2xHxW
        s.set_field(torch.randint(0, 3, (1, m), generator=g).repeat(2, 1), 'mask_ids')
        samples.append(s)
    return views, samples


@pytest.mark.parametrize('kind', ['S', 'B'])
def test_model_loss_is_the_head_on_its_projections(kind):
    torch.manual_seed(0)
    model = tiny(kind)
    views, samples = region_batch()
    masks = torch.stack([s.masks for s in samples])
    ids = torch.stack([s.mask_ids for s in samples])
    out = model.loss(views, samples)
    assert torch.isfinite(out['loss'])
    # recompute by hand from the same modules (train-mode BN over both views, as the model does)
    img = torch.cat(views)
    z, valid = model.project_regions(img, torch.cat([masks[:, 0], masks[:, 1]]),
                                     torch.cat([ids[:, 0], ids[:, 1]]))
    if kind == 'S':
        p = t = z
    else:
        p = model.predictor([z.flatten(0, 1)])[0].view(z.shape[0], z.shape[1], -1)
        t = z  # the first EMA update copies the online weights
    expected = detcon_loss(p[:2], p[2:], t[:2], t[2:], ids[:, 0], ids[:, 1], valid[:2], valid[2:])
    torch.testing.assert_close(out['loss'], expected, rtol=1e-5, atol=1e-6)
    out['loss'].backward()
    assert any(p.grad is not None for p in model.backbone.parameters())
    if kind == 'B':
        assert all(p.grad is None for p in model.target_net.parameters())
        assert any(p.grad is not None for p in model.predictor.parameters())


@pytest.mark.parametrize('kind', sorted(CFGS))
def test_training_from_config(kind, toy_root, tmp_path):
    cfg = load_config(CFGS[kind], toy_root)
    init_default_scope('mmselfsup')
    runner = train_few_iters(cfg, tmp_path, iters=2)
    losses = runner.message_hub.get_scalar('train/loss').data[0]
    assert len(losses) == 2 and all(math.isfinite(x) for x in losses)
    assert losses[0] != losses[1], 'the loss should change between iterations'
    assert runner.message_hub.get_scalar('train/num_pairs').data[0].min() > 0
    state = runner.model.state_dict()
    for prefix in ('backbone.', 'neck.') + (('decoder.', ) if runner.model.with_decoder else ()):
        keys = [k for k in state if k.startswith(prefix) and k.endswith('weight')]
        assert any(not torch.equal(state[k], runner.initial_state[k]) for k in keys), prefix


def _gather_worker(rank, world, port, tensors, out):
    import torch.distributed as dist
    torch.set_num_threads(1)  # a forked child: keep clear of the parent's thread pool
    dist.init_process_group('gloo', init_method=f'tcp://127.0.0.1:{port}', rank=rank,
                            world_size=world)
    try:
        half = slice(rank * 2, rank * 2 + 2)
        loss = detcon_loss(*[t[half] for t in tensors], temperature=0.1)
        torch.save(loss, f'{out}_{rank}.pt')
    finally:
        dist.destroy_process_group()


def test_gather_across_processes_equals_one_big_batch(tmp_path):
    """Two processes with two images each: the negatives are all four images, so the mean of the
    two local losses is the loss of the whole batch on one process (gloo, CPU)."""
    import socket

    import torch.multiprocessing as mp
    g = torch.Generator().manual_seed(5)
    vecs = [torch.randn(4, 3, 6, generator=g, dtype=torch.float64) for _ in range(4)]
    ids1 = torch.randint(0, 3, (4, 3), generator=g)
    ids2 = torch.randint(0, 3, (4, 3), generator=g)
    valid1 = torch.rand(4, 3, generator=g) > 0.2
    valid2 = torch.rand(4, 3, generator=g) > 0.2
    tensors = vecs + [ids1, ids2, valid1, valid2]
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
    mp.start_processes(_gather_worker, args=(2, port, tensors, str(tmp_path / 'r')), nprocs=2,
                       start_method='fork')
    losses = [torch.load(tmp_path / f'r_{r}.pt') for r in range(2)]
    expected = detcon_loss(*tensors, temperature=0.1)
    torch.testing.assert_close((losses[0] + losses[1]) / 2, expected)
    # without gathering, each process sees only its own two images: a different loss
    local = detcon_loss(*[t[:2] for t in tensors], temperature=0.1)
    assert not torch.allclose(local, losses[0])
