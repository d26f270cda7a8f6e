"""Region masks at the feature stride, and features averaged inside each region.

A mask map holds one region id per pixel (``-1``: no region, e.g. an ignored label). DetCon
(Hénaff et al., 2021, https://arxiv.org/abs/2103.10957; deepmind ``detcon_b.py``,
``create_binary_mask``) brings it to the feature map by average-pooling the one-hot masks over each
stride x stride block and taking the arg-max over ids: every feature cell belongs to the region that
covers most of its block (ties go to the smallest id, as ``argmax`` gives).
:func:`downsample_mask_ids` does exactly that without building the one-hot tensor;
:func:`mask_pool` averages features over the cells of each requested region.
"""
from typing import Tuple

import torch


def downsample_mask_ids(masks: torch.Tensor, size: Tuple[int, int]) -> torch.Tensor:
    """The majority region id of each feature cell.

    Pixel ``(y, x)`` of an ``H x W`` map falls in cell ``(y * h // H, x * w // W)``; when ``H`` and
    ``W`` are multiples of ``h`` and ``w`` these are the stride x stride blocks of an average pool.

    Args:
        masks (torch.Tensor): NxHxW integer region ids, ``-1`` for pixels of no region.
        size (tuple[int, int]): Feature-map ``(h, w)``.

    Returns:
        torch.Tensor: Nxhxw long, the id that covers most pixels of each cell (the smallest one on a
        tie), ``-1`` where a cell has no pixel of any region.
    """
    if masks.dim() != 3:
        raise ValueError(f'masks must be NxHxW, got shape {tuple(masks.shape)}')
    n, height, width = masks.shape
    h, w = size
    masks = masks.long()
    num_ids = int(masks.max().clamp(min=0)) + 1
    rows = torch.arange(height, device=masks.device) * h // height  # H
    cols = torch.arange(width, device=masks.device) * w // width  # W
    cell = (rows[:, None] * w + cols[None, :]).expand(n, -1, -1)  # NxHxW
    image = torch.arange(n, device=masks.device)[:, None, None].expand(-1, height, width)
    keep = masks >= 0
    flat = ((image * h * w + cell) * num_ids + masks)[keep]  # P
    counts = torch.bincount(flat, minlength=n * h * w * num_ids).view(n, h * w, num_ids)
    ids = counts.argmax(dim=2)  # Nx(h*w), first maximum on a tie
    ids[counts.sum(dim=2) == 0] = -1
    return ids.view(n, h, w)


def mask_pool(feats: torch.Tensor, id_map: torch.Tensor,
              ids: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """Average the feature vectors of the cells of each requested region.

    Args:
        feats (torch.Tensor): NxCxhxw features.
        id_map (torch.Tensor): Nxhxw region id per cell (:func:`downsample_mask_ids`).
        ids (torch.Tensor): NxM region ids to pool, per image; negative ids select nothing.

    Returns:
        tuple[torch.Tensor, torch.Tensor]: ``pooled`` NxMxC (zeros for a region with no cell) and
        ``area`` NxM, the number of cells of each region.
    """
    if id_map.shape[-2:] != feats.shape[-2:]:
        raise ValueError(f'id_map {tuple(id_map.shape)} does not match feats {tuple(feats.shape)}')
    binary = (id_map.flatten(1)[:, None, :] == ids[:, :, None]) & (ids[:, :, None] >= 0)  # NxMxS
    binary = binary.to(feats.dtype)
    area = binary.sum(dim=2)  # NxM
    weights = binary / area.clamp(min=1)[:, :, None]  # NxMxS
    pooled = torch.bmm(weights, feats.flatten(2).transpose(1, 2))  # NxMxC
    return pooled, area


def pool_regions(feats: torch.Tensor, masks: torch.Tensor,
                 ids: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """Bring pixel masks to the feature map and average the features of the sampled regions.

    Args:
        feats (torch.Tensor): NxCxhxw features of one view.
        masks (torch.Tensor): NxHxW region ids of that view (pixels).
        ids (torch.Tensor): NxM sampled region ids.

    Returns:
        tuple[torch.Tensor, torch.Tensor]: ``pooled`` NxMxC and ``valid`` NxM (bool: the region owns
        at least one feature cell of the view).
    """
    id_map = downsample_mask_ids(masks, feats.shape[-2:])  # Nxhxw
    pooled, area = mask_pool(feats, id_map, ids)
    return pooled, area > 0


def stack_region_fields(data_samples: list, device=None) -> Tuple[torch.Tensor, torch.Tensor]:
    """The packed ``masks`` (NxVxHxW) and ``mask_ids`` (NxVxM) of a batch of data samples.

    Raises a ``KeyError`` naming the missing field when the pipeline did not pack it
    (``PackDenseSSLInputs(field_keys=['coord_box', 'masks', 'mask_ids'])``).
    """
    for key in ('masks', 'mask_ids'):
        if key not in data_samples[0]:
            raise KeyError(f'data samples have no {key!r}: the pipeline needs a mask transform, '
                           "SampleMaskIds and PackDenseSSLInputs(field_keys=[..., 'masks', "
                           "'mask_ids'])")
    masks = torch.stack([ds.masks for ds in data_samples]).to(device)
    ids = torch.stack([ds.mask_ids for ds in data_samples]).to(device)
    return masks, ids
