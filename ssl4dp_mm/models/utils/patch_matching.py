"""Match feature-map cells of two views through their positions in the original image.

A view's ``coord_box`` ``[x_l, y_t, x_r, y_b]`` (see ``ssl4dp_mm.datasets.transforms.coord_box``)
maps cell ``(i, j)`` of an ``h x w`` feature map to the original-image point
``(x_l + (j + .5) / w * (x_r - x_l), y_t + (i + .5) / h * (y_b - y_t))``; flips are already in the
box. Distances are measured in units of a cell's diagonal (the larger of the two views'), as in
PixPro (Xie et al., 2021), whose positive threshold 0.7 is the default here.
"""
from typing import NamedTuple, Tuple

import torch


def cell_centers(boxes: torch.Tensor, h: int, w: int) -> torch.Tensor:
    """Original-image coordinates of every cell centre.

    Args:
        boxes (torch.Tensor): Nx4 ``coord_box`` of N views.
        h (int): Feature-map height.
        w (int): Feature-map width.

    Returns:
        torch.Tensor: Nx(h*w)x2 ``(x, y)``, cells in row-major order (as ``flatten(2)`` gives).
    """
    boxes = boxes.float()
    fx = (torch.arange(w, device=boxes.device, dtype=torch.float32) + 0.5) / w  # w
    fy = (torch.arange(h, device=boxes.device, dtype=torch.float32) + 0.5) / h  # h
    x = boxes[:, 0:1] + fx[None] * (boxes[:, 2:3] - boxes[:, 0:1])  # Nxw
    y = boxes[:, 1:2] + fy[None] * (boxes[:, 3:4] - boxes[:, 1:2])  # Nxh
    xx = x[:, None, :].expand(-1, h, w)  # Nxhxw
    yy = y[:, :, None].expand(-1, h, w)  # Nxhxw
    return torch.stack([xx, yy], dim=-1).reshape(boxes.size(0), h * w, 2)


def cell_diagonal(boxes: torch.Tensor, h: int, w: int) -> torch.Tensor:
    """Length of one cell's diagonal in original-image pixels, N."""
    boxes = boxes.float()
    cw = (boxes[:, 2] - boxes[:, 0]).abs() / w
    ch = (boxes[:, 3] - boxes[:, 1]).abs() / h
    return torch.sqrt(cw * cw + ch * ch)


def near_radius(box_q: torch.Tensor, box_k: torch.Tensor, size_q: Tuple[int, int],
                size_k: Tuple[int, int], threshold: float = 0.7) -> torch.Tensor:
    """N: the positive radius in original-image pixels, ``threshold`` times the larger cell
    diagonal of the two views."""
    diag = torch.maximum(cell_diagonal(box_q, *size_q), cell_diagonal(box_k, *size_k))  # N
    return threshold * diag


class CellMatch(NamedTuple):
    """The matching of query to key cells and the geometry it was computed from.

    Attributes:
        index (torch.Tensor): NxSq long, the nearest key cell of each query cell (``0..Sk-1``).
        valid (torch.Tensor): NxSq bool, whether that key cell is within ``radius``.
        centers_q (torch.Tensor): NxSqx2 original-image centres of the query cells.
        centers_k (torch.Tensor): NxSkx2 original-image centres of the key cells.
        radius (torch.Tensor): N positive radius in original-image pixels (:func:`near_radius`).
    """
    index: torch.Tensor
    valid: torch.Tensor
    centers_q: torch.Tensor
    centers_k: torch.Tensor
    radius: torch.Tensor


def match_cell_geometry(box_q: torch.Tensor,
                        box_k: torch.Tensor,
                        size_q: Tuple[int, int],
                        size_k: Tuple[int, int],
                        threshold: float = 0.7) -> CellMatch:
    """:func:`match_cells` with the cell centres and radius it used, for callers that need them
    again (PLMoCo's near-positive handling) instead of recomputing them.

    Args:
        box_q (torch.Tensor): Nx4 boxes of the query views.
        box_k (torch.Tensor): Nx4 boxes of the key views.
        size_q (tuple[int, int]): Query feature map ``(h, w)``.
        size_k (tuple[int, int]): Key feature map ``(h, w)``.
        threshold (float): Largest kept distance, in cell diagonals. Defaults to 0.7.

    Returns:
        CellMatch: index, valid, both views' cell centres and the radius.
    """
    centers_q = cell_centers(box_q, *size_q)  # NxSqx2
    centers_k = cell_centers(box_k, *size_k)  # NxSkx2
    radius = near_radius(box_q, box_k, size_q, size_k, threshold)  # N
    dist = torch.cdist(centers_q, centers_k)  # NxSqxSk
    min_dist, index = dist.min(dim=2)  # NxSq
    valid = min_dist < radius[:, None]
    return CellMatch(index, valid, centers_q, centers_k, radius)


def match_cells(box_q: torch.Tensor,
                box_k: torch.Tensor,
                size_q: Tuple[int, int],
                size_k: Tuple[int, int],
                threshold: float = 0.7) -> Tuple[torch.Tensor, torch.Tensor]:
    """For each query cell, the nearest key cell of the same image, and whether it is close enough.

    A pair is kept when the distance between the cell centres, divided by the larger cell diagonal
    of the two views, is below ``threshold`` (:func:`near_radius`). A query cell whose centre lies
    inside the key view is always kept (its nearest key centre is at most half a key cell away in x
    and in y); cells outside the key view are dropped unless they lie within the threshold of its
    border cells. Other key cells within the radius exist too when the key view is zoomed in; what
    they are to the loss is the caller's choice (``ssl4dp_mm.models.utils.cell_nce``).

    Args:
        box_q (torch.Tensor): Nx4 boxes of the query views.
        box_k (torch.Tensor): Nx4 boxes of the key views.
        size_q (tuple[int, int]): Query feature map ``(h, w)``.
        size_k (tuple[int, int]): Key feature map ``(h, w)``.
        threshold (float): Largest kept distance, in cell diagonals. Defaults to 0.7.

    Returns:
        tuple[torch.Tensor, torch.Tensor]: ``index`` NxSq (long, the matched key cell in
        ``0..Sk-1``) and ``valid`` NxSq (bool).
    """
    match = match_cell_geometry(box_q, box_k, size_q, size_k, threshold)
    return match.index, match.valid
