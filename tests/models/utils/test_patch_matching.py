"""``match_cell_geometry`` against a by-hand computation, and ``match_cells`` as its view."""
import math

import torch

from ssl4dp_mm.models.utils import match_cell_geometry, match_cells


def test_geometry_matches_a_by_hand_computation():
    # query view: the left half of a 8x8 image on a 2x2 map; key view: the whole image on 4x4
    box_q = torch.tensor([[0., 0., 4., 8.]])
    box_k = torch.tensor([[0., 0., 8., 8.]])
    match = match_cell_geometry(box_q, box_k, (2, 2), (4, 4), threshold=0.7)
    # query cells are 2x4 px: centres (1, 2), (3, 2), (1, 6), (3, 6)
    assert torch.allclose(match.centers_q[0],
                          torch.tensor([[1., 2.], [3., 2.], [1., 6.], [3., 6.]]))
    # key cells are 2x2 px, centres at 1, 3, 5, 7 in x and y (row-major)
    assert torch.allclose(match.centers_k[0, :5], torch.tensor([[1., 1.], [3., 1.], [5., 1.],
                                                                [7., 1.], [1., 3.]]))
    # radius: 0.7 x the larger diagonal, the query's sqrt(2^2 + 4^2)
    assert math.isclose(match.radius.item(), 0.7 * math.sqrt(20), rel_tol=1e-6)
    # each query centre lies on a key-cell border at distance 1 from its nearest key centres
    assert match.valid.all()
    for cell, (x, y) in enumerate(match.centers_q[0].tolist()):
        key = match.index[0, cell].item()
        kx, ky = match.centers_k[0, key].tolist()
        assert math.isclose(math.hypot(x - kx, y - ky), 1.0, rel_tol=1e-6)


def test_far_views_are_not_matched_and_match_cells_agrees():
    box_q = torch.tensor([[0., 0., 4., 4.], [0., 0., 4., 4.]])
    box_k = torch.tensor([[20., 20., 24., 24.], [0., 0., 4., 4.]])
    match = match_cell_geometry(box_q, box_k, (2, 2), (2, 2))
    assert not match.valid[0].any()
    assert match.valid[1].all()
    assert torch.equal(match.index[1], torch.arange(4))  # same view: each cell matches itself
    index, valid = match_cells(box_q, box_k, (2, 2), (2, 2))
    assert torch.equal(index, match.index) and torch.equal(valid, match.valid)
