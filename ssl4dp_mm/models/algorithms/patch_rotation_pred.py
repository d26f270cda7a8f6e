"""Patch-level rotation prediction: predict, at every pixel, how its patch was rotated."""
from typing import Dict, List

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
        label_key (str): Data-sample field holding the per-pixel angle index. Defaults to
            'rot_label'.
        **kwargs: Those of :class:`EncoderDecoderSSL`: ``head`` is a ``DenseClsHead``; there is
            no ``neck``.
    """

    def __init__(self, label_key: str = 'rot_label', **kwargs) -> None:
        super().__init__(**kwargs)
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
