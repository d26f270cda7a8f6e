"""A 1x1-conv classifier on a dense map, trained with per-pixel cross-entropy."""
from typing import Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmselfsup.registry import MODELS


@MODELS.register_module()
class DenseClsHead(BaseModule):
    """Classify every cell of a feature map; the target map is resized to the logits (nearest).

    Used by patch-level rotation prediction. The classifier is ``classifier`` (not ``conv_seg``), so
    a converted checkpoint never carries it into the segmentation head.

    Args:
        in_channels (int): Channels of the feature map.
        num_classes (int): Number of classes. Defaults to 4.
        ignore_index (int): Target value that is not scored. Defaults to 255.
        init_cfg (dict | list[dict], optional): Defaults to
            ``dict(type='Normal', std=0.01, layer='Conv2d')``.
    """

    def __init__(self,
                 in_channels: int,
                 num_classes: int = 4,
                 ignore_index: int = 255,
                 init_cfg=dict(type='Normal', std=0.01, layer='Conv2d')) -> None:
        super().__init__(init_cfg)
        self.classifier = nn.Conv2d(in_channels, num_classes, 1)
        self.ignore_index = ignore_index

    def forward(self, feat: torch.Tensor,
                target: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Cross-entropy and accuracy over the scored cells.

        Args:
            feat (torch.Tensor): NxCxhxw features.
            target (torch.Tensor): NxHxW integer targets (any size; resized with nearest).

        Returns:
            tuple[torch.Tensor, torch.Tensor]: The loss (an exact 0 attached to the graph when no
            cell is scored) and the accuracy in [0, 1].
        """
        logits = self.classifier(feat)  # NxKxhxw
        target = F.interpolate(
            target[:, None].float(), size=logits.shape[2:], mode='nearest')[:, 0].long()  # Nxhxw
        scored = target != self.ignore_index  # Nxhxw
        if not scored.any():
            return logits.sum() * 0., logits.new_zeros(())
        loss = F.cross_entropy(logits, target, ignore_index=self.ignore_index)
        acc = (logits.argmax(1) == target)[scored].float().mean()
        return loss, acc.detach()
