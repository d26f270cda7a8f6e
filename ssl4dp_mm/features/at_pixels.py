"""A layer's features at given pixels of the image, read off its bilinear upsampling.

The label maps are never resized to a layer's grid: the feature map is upsampled bilinearly to the
image resolution (``align_corners=False``, as MMSeg's ``resize`` in its decode heads) and read only
at the pixels asked for. :func:`features_at_pixels` evaluates exactly that upsampling at the pixel
centres with ``grid_sample``, without building the full-resolution map (which for a 512-channel
layer on a 720x960 image would take 1.4 GB).
"""
from typing import Sequence

import torch
import torch.nn.functional as F


def features_at_pixels(feat: torch.Tensor, yx: torch.Tensor,
                       image_size: Sequence[int]) -> torch.Tensor:
    """Bilinearly upsampled features at given pixels.

    Equal to ``F.interpolate(feat, image_size, mode='bilinear', align_corners=False)[0, :, y, x]``.

    Args:
        feat (torch.Tensor): 1xCxhxw feature map of one image.
        yx (torch.Tensor): nx2 pixel rows and columns in the image.
        image_size (Sequence[int]): (H, W) of the image.

    Returns:
        torch.Tensor: nxC.
    """
    h, w = image_size
    # pixel centres in [-1, 1]; with align_corners=False this is interpolate's sampling grid
    gx = (yx[:, 1].float() + 0.5) * 2 / w - 1
    gy = (yx[:, 0].float() + 0.5) * 2 / h - 1
    grid = torch.stack([gx, gy], -1).view(1, 1, -1, 2)  # 1x1xnx2, (x, y) order
    out = F.grid_sample(feat, grid, mode='bilinear', padding_mode='border', align_corners=False)
    return out[0, :, 0].t()  # nxC
