"""PRCL: the pairwise agreement of difference vectors against a direct loop over pairs."""
import torch
import torch.nn.functional as F

from ssl4dp_mm.models.algorithms.prcl import direction_agreement
from ssl4dp_mm.models.utils import match_cells
from tests.models.algorithms.patch_family_utils import OVERLAPPING, batch, tiny_model


def pair_loop(d, valid):
    """Mean cosine over ordered pairs i != j of valid cells, per image (None if < 2 cells)."""
    out = []
    for dn, vn in zip(d, valid):
        cells = [dn[i] for i in range(len(dn)) if vn[i]]
        pairs = []
        for i, di in enumerate(cells):
            for j, dj in enumerate(cells):
                if i != j:
                    ni, nj = di.norm().clamp(min=1e-8), dj.norm().clamp(min=1e-8)
                    pairs.append(torch.dot(di, dj) / (ni * nj))
        out.append(torch.stack(pairs).mean() if pairs else None)
    return out


def test_direction_agreement_matches_pair_loop_on_hand_made_tensors():
    d = torch.tensor([
        [[1., 0., 0.], [1., 1., 0.], [0., 0., 0.], [-1., 2., 3.], [5., 5., 5.]],  # a zero d_i
        [[0., 1., 0.], [0., 2., 0.], [3., -1., 0.], [1., 1., 1.], [2., 0., 1.]],
        [[1., 2., 3.], [4., 5., 6.], [7., 8., 9.], [1., 0., 0.], [0., 1., 0.]],  # one valid cell
    ])
    valid = torch.tensor([[True, True, True, True, False],
                          [True, True, False, True, True],
                          [False, True, False, False, False]])
    mean_cos, has_pairs = direction_agreement(d, valid)
    expected = pair_loop(d, valid)
    assert has_pairs.tolist() == [True, True, False]
    for got, want in zip(mean_cos[:2], expected[:2]):
        torch.testing.assert_close(got, want)
    assert mean_cos[2] == 0
    # aligned differences agree perfectly
    same = torch.tensor([[[1., 2., 0.], [2., 4., 0.], [.5, 1., 0.]]])
    torch.testing.assert_close(direction_agreement(same, torch.ones(1, 3, dtype=torch.bool))[0],
                               torch.ones(1))


def test_loss_matches_pair_loop_over_matched_cells():
    model = tiny_model('prcl')
    views, samples = batch(OVERLAPPING)
    out = model.loss(views, samples)
    boxes = torch.tensor(OVERLAPPING, dtype=torch.float32)
    with torch.no_grad():  # the first momentum update copies the online weights
        q, k = model.project(views[0]), model.project(views[1])
    n, c, hq, wq = q.shape
    wk = k.shape[3]
    index, valid = match_cells(boxes[:, 0], boxes[:, 1], (hq, wq), tuple(k.shape[2:]))
    d = torch.zeros(n, hq * wq, c)
    for b in range(n):
        for i in range(hq * wq):
            j = int(index[b, i])
            d[b, i] = k[b, :, j // wk, j % wk] - q[b, :, i // wq, i % wq]
    per_image = [m for m in pair_loop(d, valid) if m is not None]
    assert len(per_image) == 2
    torch.testing.assert_close(out['loss'], 1 - torch.stack(per_image).mean(), rtol=1e-4,
                               atol=1e-5)
    assert torch.allclose(q.norm(dim=1), torch.ones(1))  # cells are normalised before differencing
    out['loss'].backward()
    assert all(p.grad is None for p in model.encoder_k.parameters())
    assert any(p.grad is not None and p.grad.abs().sum() > 0 for p in model.backbone.parameters())


def test_no_pairs_gives_an_attached_zero():
    model = tiny_model('prcl')
    views, samples = batch([[[0, 0, 10, 10], [50, 50, 60, 60]]] * 2)
    out = model.loss(views, samples)
    assert out['loss'].item() == 0.0
    out['loss'].backward()


def test_differences_from_a_shared_shift_give_zero_loss():
    """If the key view is the query view shifted by one common vector, all d_i agree: loss 0."""
    q = F.normalize(torch.randn(1, 6, 4), dim=2)
    d = (q + torch.tensor([0.3, -0.2, 0.1, 0.5])) - q
    mean_cos, _ = direction_agreement(d, torch.ones(1, 6, dtype=torch.bool))
    torch.testing.assert_close(1 - mean_cos, torch.zeros(1), atol=1e-6, rtol=0)
