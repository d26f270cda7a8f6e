"""PLMoCo+: patch-level MoCo and image-level MoCo on one encoder(-decoder)."""
from typing import Dict, List, Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmselfsup.registry import MODELS
from mmselfsup.structures import SelfSupDataSample

from ..utils.contrast import image_logits
from ..utils.queue import FeatureQueue
from .plmoco import PLMoCo


@MODELS.register_module()
class PLMoCoPlus(PLMoCo):
    """PLMoCo plus image-level MoCo (MoCoDec) in one model.

    The dense map of each view (decoder output w/dec, last backbone map w/o dec) is computed once
    and feeds two projectors:

    - ``neck`` (``DenseProjector``): one vector per cell, PLMoCo's patch-level InfoNCE over matched
      cells (:meth:`PLMoCo.patch_loss`, with its cell queue);
    - ``img_neck`` (``MoCoV2Neck`` with ``with_avg_pool=True``): one vector per image, MoCo v2's
      InfoNCE (He et al., 2020, https://arxiv.org/abs/1911.05722) against its own image queue, as in
      :class:`MoCoDec`.

    One momentum encoder averages backbone, decoder and both projectors. Both InfoNCE terms use the
    same ``head`` (temperature). The loss is ``patch_weight * patch + img_weight * image``; the
    defaults average them.

    Args:
        img_neck (dict): Image-level projector config (pools the map to one vector); its output
            dimension is ``feat_dim``, as the dense projector's.
        img_queue_len (int): Number of negative images in the image queue. Defaults to 65536.
        patch_weight (float): Weight of the patch-level loss. Defaults to 0.5.
        img_weight (float): Weight of the image-level loss. Defaults to 0.5.
        **kwargs: Those of :class:`PLMoCo` (``queue_len`` is the cell queue's length).
    """

    def __init__(self,
                 img_neck: dict,
                 img_queue_len: int = 65536,
                 patch_weight: float = 0.5,
                 img_weight: float = 0.5,
                 **kwargs) -> None:
        # img_neck is an online module: built by the base, averaged by the momentum encoder
        super().__init__(extra_online=dict(img_neck=img_neck), **kwargs)
        self.img_queue = FeatureQueue(img_queue_len, self.feat_dim)
        self.patch_weight = patch_weight
        self.img_weight = img_weight

    def project_both(self,
                     img: torch.Tensor,
                     modules: Optional[nn.ModuleDict] = None) -> Tuple[torch.Tensor, torch.Tensor]:
        """Images -> normalised cell vectors NxCxhxw and image vectors NxC (one encoder pass)."""
        modules = modules if modules is not None else self.online_modules()
        feat = self.encode(img, modules)  # NxDxhxw
        cells = F.normalize(modules['neck']([feat])[0], dim=1)  # NxCxhxw
        images = F.normalize(modules['img_neck']([feat])[0], dim=1)  # NxC
        return cells, images

    def loss(self, inputs: List[torch.Tensor], data_samples: List[SelfSupDataSample],
             **kwargs) -> Dict[str, torch.Tensor]:
        im_q, im_k = inputs[0], inputs[1]
        boxes = torch.stack([ds.coord_box for ds in data_samples]).to(im_q.device)  # NxVx4
        q_cells, q_img = self.project_both(im_q)  # NxCxhqxwq, NxC
        k_cells, k_img = self.key_forward(im_k, self.project_both)  # NxCxhkxwk, NxC; no grad

        loss_patch, num_pos = self.patch_loss(q_cells, k_cells, boxes)
        loss_img = self.head(*image_logits(q_img, k_img, self.img_queue.feats))  # Nx1 vs NxL
        self.img_queue.enqueue(k_img)
        loss = self.patch_weight * loss_patch + self.img_weight * loss_img
        # logged parts are named without 'loss': mmengine sums every '*loss*' key into the total
        return dict(loss=loss, patch_nce=loss_patch.detach(), img_nce=loss_img.detach(),
                    num_pos=num_pos)
