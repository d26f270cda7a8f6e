"""PLMoCo+: patch-level MoCo and image-level MoCo on one encoder(-decoder)."""
from typing import Dict, List, Optional, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmselfsup.registry import MODELS
from mmselfsup.structures import SelfSupDataSample
from mmselfsup.utils import batch_shuffle_ddp, batch_unshuffle_ddp

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
        backbone (dict): Backbone config.
        neck (dict): Dense projector config (``DenseProjector``).
        head (dict): ``ContrastiveHead`` config (holds the temperature of both terms).
        img_neck (dict): Image-level projector config (pools the map to one vector).
        decoder (dict, optional): Decode-head config; None for w/o dec. Defaults to None.
        queue_len (int): Number of negative cells in the cell queue. Defaults to 65536.
        img_queue_len (int): Number of negative images in the image queue. Defaults to 65536.
        feat_dim (int): Output dimension of both projectors. Defaults to 128.
        momentum (float): Momentum of the key encoder. Defaults to 0.999.
        pos_threshold (float): Largest distance of a positive cell pair, in cell diagonals.
            Defaults to 0.7.
        enqueue_cells (int): Key cells per image pushed to the cell queue each step. Defaults to 16.
        patch_weight (float): Weight of the patch-level loss. Defaults to 0.5.
        img_weight (float): Weight of the image-level loss. Defaults to 0.5.
        in_index (int): Backbone output used without a decoder. Defaults to -1.
        pretrained (str, optional): Defaults to None.
        data_preprocessor (dict, optional): Defaults to None.
        init_cfg (dict | list[dict], optional): Defaults to None.
    """

    def __init__(self,
                 backbone: dict,
                 neck: dict,
                 head: dict,
                 img_neck: dict,
                 decoder: Optional[dict] = None,
                 queue_len: int = 65536,
                 img_queue_len: int = 65536,
                 feat_dim: int = 128,
                 momentum: float = 0.999,
                 pos_threshold: float = 0.7,
                 enqueue_cells: int = 16,
                 patch_weight: float = 0.5,
                 img_weight: float = 0.5,
                 in_index: int = -1,
                 pretrained: Optional[str] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[Union[List[dict], dict]] = None) -> None:
        super().__init__(
            backbone=backbone,
            neck=neck,
            head=head,
            decoder=decoder,
            queue_len=queue_len,
            feat_dim=feat_dim,
            momentum=momentum,
            pos_threshold=pos_threshold,
            enqueue_cells=enqueue_cells,
            in_index=in_index,
            pretrained=pretrained,
            data_preprocessor=data_preprocessor,
            init_cfg=init_cfg)
        self.img_neck = MODELS.build(img_neck)
        self.img_queue = FeatureQueue(img_queue_len, feat_dim)
        self.patch_weight = patch_weight
        self.img_weight = img_weight
        # PLMoCo built a momentum encoder without img_neck; build it again with it
        self.encoder_k = self.build_momentum_encoder(momentum)

    def online_modules(self) -> nn.ModuleDict:
        """Backbone, decoder (if any), dense projector and, once built, the image projector."""
        modules = super().online_modules()
        if hasattr(self, 'img_neck'):
            modules['img_neck'] = self.img_neck
        return modules

    def project_both(self, img: torch.Tensor, modules=None):
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
        with torch.no_grad():
            self.encoder_k.update_parameters(self.online_modules())
            im_k, idx_unshuffle = batch_shuffle_ddp(im_k)  # shuffle for BatchNorm
            k_cells, k_img = self.project_both(im_k, self.encoder_k.module)
            k_cells = batch_unshuffle_ddp(k_cells, idx_unshuffle)  # NxCxhkxwk
            k_img = batch_unshuffle_ddp(k_img, idx_unshuffle)  # NxC

        loss_patch, num_pos = self.patch_loss(q_cells, k_cells, boxes)
        loss_img = self.head(*image_logits(q_img, k_img, self.img_queue.feats))  # Nx1 vs NxL
        self.img_queue.enqueue(k_img)
        loss = self.patch_weight * loss_patch + self.img_weight * loss_img
        # logged parts are named without 'loss': mmengine sums every '*loss*' key into the total
        return dict(loss=loss, patch_nce=loss_patch.detach(), img_nce=loss_img.detach(),
                    num_pos=num_pos)
