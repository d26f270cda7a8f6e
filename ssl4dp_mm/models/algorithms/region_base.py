"""What the region-level methods share: dense features -> a projected vector per sampled region."""
from typing import Optional, Tuple

import torch
import torch.nn as nn
from torch import Tensor

from ..utils.mask_pooling import pool_regions
from .encoder_decoder_base import EncoderDecoderSSL


class RegionEncoderDecoderSSL(EncoderDecoderSSL):
    """``EncoderDecoderSSL`` plus region vectors: the dense map (decoder output w/dec, backbone
    output w/o) averaged inside each sampled region, then projected by the neck.

    The pipeline provides per view the mask map ``masks`` (region id per pixel, moved with the view)
    and the sampled ids ``mask_ids`` (``SampleMaskIds``); masks are brought to the feature stride by
    average pooling and arg-max, as in DetCon (see :mod:`ssl4dp_mm.models.utils.mask_pooling`).
    The neck takes an (N*M)xC batch of vectors (e.g. ``NonLinearNeck`` or ``MoCoV2Neck`` with
    ``with_avg_pool=False``).
    """

    def region_vectors(self,
                       feats: torch.Tensor,
                       masks: torch.Tensor,
                       ids: torch.Tensor,
                       modules: Optional[nn.ModuleDict] = None) -> Tuple[Tensor, Tensor]:
        """Pool ``feats`` inside the regions ``ids`` of ``masks`` and project them.

        Args:
            feats (torch.Tensor): NxCxhxw dense features.
            masks (torch.Tensor): NxHxW region ids per pixel of the view.
            ids (torch.Tensor): NxM sampled region ids.
            modules (nn.ModuleDict, optional): Use this neck (e.g. the momentum encoder's).
                Defaults to None (the online one).

        Returns:
            tuple[torch.Tensor, torch.Tensor]: ``z`` NxMxD (not normalised) and ``valid`` NxM,
            whether the region owns a feature cell of the view (absent regions pool to zeros).
        """
        modules = modules if modules is not None else self.online_modules()
        pooled, valid = pool_regions(feats, masks, ids)  # NxMxC, NxM
        n, m, c = pooled.shape
        z = modules['neck']([pooled.reshape(n * m, c)])[0]  # (N*M)xD
        return z.view(n, m, -1), valid

    def project_regions(self,
                        img: torch.Tensor,
                        masks: torch.Tensor,
                        ids: torch.Tensor,
                        modules: Optional[nn.ModuleDict] = None) -> Tuple[Tensor, Tensor]:
        """Images NxCxHxW -> region vectors NxMxD and ``valid`` NxM (see :meth:`region_vectors`)."""
        return self.region_vectors(self.encode(img, modules), masks, ids, modules)
