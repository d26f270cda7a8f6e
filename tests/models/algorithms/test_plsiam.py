"""PLSiam: the per-cell negative cosine against a direct loop, and the stop-gradient."""
import torch

from ssl4dp_mm.models.utils import match_cells
from tests.models.algorithms.patch_family_utils import OVERLAPPING, batch, tiny_model


def cosine(a, b):
    return torch.dot(a, b) / (a.norm() * b.norm())


def reference_direction(head, z_online, z_target, index, valid):
    """Negative cosine between predicted online cells and matched target cells, cell by cell."""
    pred = head.predictor([z_online])[0]
    n, _, h, w = pred.shape
    wt = z_target.shape[3]
    terms = []
    for b in range(n):
        for i in range(h * w):
            if valid[b, i]:
                j = int(index[b, i])
                terms.append(-cosine(pred[b, :, i // w, i % w], z_target[b, :, j // wt, j % wt]))
    return torch.stack(terms).mean()


def test_head_matches_loop_on_hand_made_tensors():
    model = tiny_model('plsiam')
    head = model.head
    g = torch.Generator().manual_seed(3)
    z1 = torch.randn(2, 8, 2, 3, generator=g)
    z2 = torch.randn(2, 8, 3, 2, generator=g)
    index = torch.tensor([[0, 5, 1, 2, 3, 4], [5, 5, 0, 1, 1, 2]])
    valid = torch.tensor([[True, True, False, True, False, True],
                          [False, True, True, True, False, False]])
    loss = head(z1, z2, index, valid)
    torch.testing.assert_close(loss, reference_direction(head, z1, z2, index, valid))


def test_head_stops_the_gradient_of_the_target():
    head = tiny_model('plsiam').head
    z1 = torch.randn(2, 8, 2, 2, requires_grad=True)
    z2 = torch.randn(2, 8, 2, 2, requires_grad=True)
    index = torch.tensor([[0, 1, 2, 3], [3, 2, 1, 0]])
    head(z1, z2, index, torch.ones(2, 4, dtype=torch.bool)).backward()
    assert z2.grad is None  # the target branch gets no gradient
    assert z1.grad is not None and z1.grad.abs().sum() > 0


def test_target_view_gets_no_gradient_through_its_own_term():
    model = tiny_model('plsiam')
    views, samples = batch(OVERLAPPING)
    v1, v2 = (v.clone().requires_grad_(True) for v in views)
    boxes = torch.tensor(OVERLAPPING, dtype=torch.float32)
    z1 = model.neck([model.encode(v1)])[0]
    z2 = model.neck([model.encode(v2)])[0]
    index, valid = match_cells(boxes[:, 0], boxes[:, 1], z1.shape[2:], z2.shape[2:])
    model.head(z1, z2, index, valid).backward()  # D(p1, sg(z2))
    assert v2.grad is None
    assert v1.grad is not None and v1.grad.abs().sum() > 0


def test_loss_is_symmetric_negative_cosine_over_matched_cells():
    model = tiny_model('plsiam')
    views, samples = batch(OVERLAPPING)
    out = model.loss(views, samples)
    boxes = torch.tensor(OVERLAPPING, dtype=torch.float32)
    with torch.no_grad():
        z1 = model.neck([model.encode(views[0])])[0]
        z2 = model.neck([model.encode(views[1])])[0]
        i12, v12 = match_cells(boxes[:, 0], boxes[:, 1], z1.shape[2:], z2.shape[2:])
        i21, v21 = match_cells(boxes[:, 1], boxes[:, 0], z2.shape[2:], z1.shape[2:])
        expected = 0.5 * (reference_direction(model.head, z1, z2, i12, v12) +
                          reference_direction(model.head, z2, z1, i21, v21))
    torch.testing.assert_close(out['loss'], expected, rtol=1e-4, atol=1e-5)
    assert out['num_pos'] == v12.sum() + v21.sum()
    assert not hasattr(model, 'encoder_k') and not hasattr(model, 'queue')


def test_no_overlap_gives_an_attached_zero():
    model = tiny_model('plsiam')
    views, samples = batch([[[0, 0, 10, 10], [50, 50, 60, 60]]] * 2)
    out = model.loss(views, samples)
    assert out['loss'].item() == 0.0 and out['num_pos'].item() == 0
    out['loss'].backward()
