"""The shared shape of every dense pre-training method: backbone, optional decoder, neck, head."""
from typing import Dict, List, Optional, Tuple, Union

import torch
import torch.nn as nn
from mmselfsup.models.algorithms.base import BaseModel

from ..utils.decoder import build_decoder


def check_token_grid(backbone: nn.Module, img: torch.Tensor) -> None:
    """Refuse views that a patch-embedding backbone (ViT) would pad.

    The cell geometry (``ssl4dp_mm.models.utils.patch_matching``, mask pooling) takes an h x w map
    to tile the view exactly. A ViT cuts the view into ``patch_size`` squares and MMSeg's
    ``PatchEmbed`` pads a view that is not a multiple of it (``patch_pad='corner'``: at the bottom
    and right), so its last tokens would cover padding and every cell centre would be off. ResNets
    have no ``patch_size`` and are not checked.

    Args:
        backbone (nn.Module): The encoder.
        img (torch.Tensor): NxCxHxW views.

    Raises:
        ValueError: If H or W is not a multiple of the backbone's ``patch_size``.
    """
    patch = getattr(backbone, 'patch_size', None)
    if isinstance(patch, int) and (img.shape[-2] % patch or img.shape[-1] % patch):
        raise ValueError(f'views of {img.shape[-2]}x{img.shape[-1]} px are not a multiple of the '
                         f'ViT patch size {patch}: the token map would not tile the view (set the '
                         'crop size of the view pipeline to a multiple of it)')


class EncoderDecoderSSL(BaseModel):
    """Backbone, optional MMSeg decode head as decoder, neck and head.

    ``encode`` gives the dense feature map that a method works on: the decoder's
    ``_forward_feature`` output when a decoder is configured (w/dec), else the backbone's output
    ``in_index`` (w/o dec). Checkpoint keys are ``backbone.*``, ``decoder.*``, ``neck.*``,
    ``head.*``; ``tools/convert_checkpoint.py`` maps ``decoder.*`` to the segmentation model's
    ``decode_head.*``.

    Args:
        backbone (dict): Backbone config (an MMSeg ResNet or VisionTransformer, so that keys match
            the segmentation model; a ViT's patch tokens, class token dropped, are the cells).
        neck (dict, optional): Projector config. Defaults to None.
        head (dict, optional): Loss head config. Defaults to None.
        decoder (dict, optional): Decode-head config, e.g. ``dict(type='mmseg.FCNHead', ...)``; its
            ``conv_seg`` is removed. None means w/o dec. Defaults to None.
        in_index (int): Backbone output used without a decoder. Defaults to -1.
        pretrained (str, optional): Checkpoint to initialise from. Defaults to None.
        data_preprocessor (dict, optional): Defaults to None (``SelfSupDataPreprocessor``).
        init_cfg (dict | list[dict], optional): Defaults to None.
    """

    def __init__(self,
                 backbone: dict,
                 neck: Optional[dict] = None,
                 head: Optional[dict] = None,
                 decoder: Optional[dict] = None,
                 in_index: int = -1,
                 pretrained: Optional[str] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[Union[List[dict], dict]] = None) -> None:
        super().__init__(
            backbone=backbone,
            neck=neck,
            head=head,
            pretrained=pretrained,
            data_preprocessor=data_preprocessor,
            init_cfg=init_cfg)
        self.decoder = build_decoder(decoder) if decoder is not None else None
        self.in_index = in_index

    @property
    def with_decoder(self) -> bool:
        """Whether the method runs through a decoder (w/dec)."""
        return self.decoder is not None

    def online_modules(self) -> nn.ModuleDict:
        """The modules a momentum or target encoder averages: backbone, decoder (if any), neck."""
        modules = dict(backbone=self.backbone)
        if self.with_decoder:
            modules['decoder'] = self.decoder
        if self.with_neck:
            modules['neck'] = self.neck
        return nn.ModuleDict(modules)

    def encode(self, img: torch.Tensor, modules: Optional[nn.ModuleDict] = None) -> torch.Tensor:
        """Dense features of ``img`` (NxCxHxW) -> NxDxhxw.

        Args:
            img (torch.Tensor): The images.
            modules (nn.ModuleDict, optional): Run these (e.g. the momentum encoder's) instead of
                the online ones. Defaults to None.
        """
        modules = modules if modules is not None else self.online_modules()
        check_token_grid(modules['backbone'], img)
        feats = modules['backbone'](img)
        if 'decoder' in modules:
            return modules['decoder']._forward_feature(feats)
        return feats[self.in_index]

    def extract_feat(self, inputs: List[torch.Tensor], **kwargs) -> Tuple[torch.Tensor]:
        """The dense features of the first view, as a one-element tuple."""
        return (self.encode(inputs[0]), )

    def loss(self, inputs: List[torch.Tensor], data_samples: list,
             **kwargs) -> Dict[str, torch.Tensor]:
        raise NotImplementedError
