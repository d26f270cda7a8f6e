"""Patch-level rotation prediction: predict, at every pixel, how its patch was rotated."""
from typing import Dict, List, Optional, Union

import torch
from mmselfsup.registry import MODELS
from mmselfsup.structures import SelfSupDataSample

from .encoder_decoder_base import EncoderDecoderSSL


@MODELS.register_module()
class PatchRotationPred(EncoderDecoderSSL):
    """Patch-level rotation prediction (PLR).

    Image-level rotation prediction (Gidaris et al., 2018, https://arxiv.org/abs/1803.07728) made
    dense: the ``PatchRotation`` transform turns each patch of a grid by its own angle in
    {0, 90, 180, 270} and writes the angle index per pixel (``label_key``); the encoder(-decoder)
    map goes through a 1x1-conv classifier (``DenseClsHead``, 4 classes) trained with per-pixel
    cross-entropy against that map resized to the logits (nearest). No neck.

    Args:
        backbone (dict): Backbone config.
        head (dict): ``DenseClsHead`` config.
        decoder (dict, optional): Decode-head config; None for w/o dec. Defaults to None.
        label_key (str): Data-sample field holding the per-pixel angle index. Defaults to
            'rot_label'.
        in_index (int): Backbone output used without a decoder. Defaults to -1.
        pretrained (str, optional): Defaults to None.
        data_preprocessor (dict, optional): Defaults to None.
        init_cfg (dict | list[dict], optional): Defaults to None.
    """

    def __init__(self,
                 backbone: dict,
                 head: dict,
                 decoder: Optional[dict] = None,
                 label_key: str = 'rot_label',
                 in_index: int = -1,
                 pretrained: Optional[str] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[Union[List[dict], dict]] = None) -> None:
        super().__init__(
            backbone=backbone,
            head=head,
            decoder=decoder,
            in_index=in_index,
            pretrained=pretrained,
            data_preprocessor=data_preprocessor,
            init_cfg=init_cfg)
        self.label_key = label_key

    def loss(self, inputs: List[torch.Tensor], data_samples: List[SelfSupDataSample],
             **kwargs) -> Dict[str, torch.Tensor]:
        img = inputs[0]  # NxCxHxW
        if not all(self.label_key in ds for ds in data_samples):
            raise KeyError(f'PatchRotationPred: data samples lack {self.label_key!r}; put '
                           "PatchRotation in the pipeline and pack it with "
                           f"PackDenseSSLInputs(field_keys=['{self.label_key}'])")
        target = torch.stack([ds.get(self.label_key) for ds in data_samples]).to(img.device)
        if target.dim() == 4:  # NxVxHxW from a multi-view pipeline: the first view's map
            target = target[:, 0]  # NxHxW
        feat = self.encode(img)  # NxDxhxw
        loss, acc = self.head(feat, target)
        return dict(loss=loss, rot_acc=acc)
