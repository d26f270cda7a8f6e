"""A projector that keeps the spatial layout: 1x1 conv, (norm), ReLU, 1x1 conv."""
from typing import List, Optional

import torch
import torch.nn as nn
from mmcv.cnn import build_norm_layer
from mmengine.model import BaseModule
from mmselfsup.registry import MODELS


@MODELS.register_module()
class DenseProjector(BaseModule):
    """Per-cell MLP as 1x1 convolutions (DenseCL's dense branch; PixPro's with a norm layer).

    Args:
        in_channels (int): Input channels.
        hid_channels (int): Hidden channels.
        out_channels (int): Output channels.
        norm_cfg (dict, optional): Norm layer after the first conv, e.g. ``dict(type='BN')``.
            Defaults to None.
        init_cfg (dict | list[dict], optional): Defaults to None.
    """

    def __init__(self,
                 in_channels: int,
                 hid_channels: int,
                 out_channels: int,
                 norm_cfg: Optional[dict] = None,
                 init_cfg=None) -> None:
        super().__init__(init_cfg)
        layers = [nn.Conv2d(in_channels, hid_channels, 1, bias=norm_cfg is None)]
        if norm_cfg is not None:
            layers.append(build_norm_layer(norm_cfg, hid_channels)[1])
        layers += [nn.ReLU(inplace=True), nn.Conv2d(hid_channels, out_channels, 1)]
        self.mlp = nn.Sequential(*layers)

    def forward(self, x: List[torch.Tensor]) -> List[torch.Tensor]:
        """[NxCinxhxw] -> [NxCoutxhxw]."""
        assert len(x) == 1, 'DenseProjector takes one feature map'
        return [self.mlp(x[0])]
