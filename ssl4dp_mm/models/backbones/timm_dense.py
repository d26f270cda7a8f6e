"""Any timm backbone (DINOv2 / DINOv3 ViTs, ConvNeXt, ...) as a dense encoder of NCHW maps."""
import contextlib
from collections import OrderedDict
from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmengine.model import BaseModule
from mmseg.registry import MODELS

from ...checkpoints.layouts import state_dict_of
from ...checkpoints.safe_io import load_checkpoint_file
from ...checkpoints.timm_layouts import to_timm_state


def create_timm_model(model_name: str, device: Optional[str] = None, **kwargs) -> nn.Module:
    """``timm.create_model`` without pretrained weights, with ``dynamic_img_size=True`` for the
    models that take it (ViT, Eva) unless ``kwargs`` set it.

    Args:
        model_name (str): The timm model name.
        device (str, optional): Device to build on ('meta': shapes only). Defaults to None.
        **kwargs: Passed to ``timm.create_model``.
    """
    try:
        import timm
    except ImportError as err:
        raise ImportError('TimmDenseBackbone needs timm >= 1.0.20 (pip install "timm>=1.0.20,<2"; '
                          'requirements/runtime.txt)') from err
    explicit = 'dynamic_img_size' in kwargs
    kwargs.setdefault('dynamic_img_size', True)
    with torch.device(device) if device else contextlib.nullcontext():
        try:
            return timm.create_model(model_name, pretrained=False, **kwargs)
        except TypeError as err:  # a CNN: its class takes no dynamic_img_size
            if explicit or 'dynamic_img_size' not in str(err):
                raise
            kwargs.pop('dynamic_img_size')
            return timm.create_model(model_name, pretrained=False, **kwargs)


@MODELS.register_module()
class TimmDenseBackbone(BaseModule):
    """A timm model as a dense backbone: the feature maps of its blocks / stages ``out_indices``.

    ViTs (timm's ``VisionTransformer`` for DINOv2, ``Eva`` for DINOv3): the patch tokens of each
    chosen block as an ``N x C x H/p x W/p`` map; the class token and the registers (DINOv2
    ``_reg`` models, DINOv3's storage tokens) are dropped from it. With ``norm=True`` the final
    norm is applied first, as DINOv2's ``get_intermediate_layers(norm=True)`` and DINOv3's
    ``x_norm_patchtokens``. ViTs are built with ``dynamic_img_size=True``: the position embedding
    is interpolated to each input's token grid (bicubic; DINOv3's RoPE is computed per grid), so
    views of any size work; the input must be a multiple of the patch size (``patch_size``, which
    pre-training checks on every view).

    CNNs (ConvNeXt, ...): the stage outputs (stride 4, 8, 16, 32). With ``norm=True`` the final
    norm of a ConvNeXt (timm keeps it in ``head.norm``; DINOv3's ``norm``) is applied to the last
    stage's map, as DINOv3's ConvNeXt does to its patch tokens.

    Layers after the last chosen index and the classifier are removed (timm's
    ``prune_intermediate_layers``), so every parameter feeds an output. Keys are
    ``model.<timm name>``.

    Weights: ``checkpoint`` (a local file in any layout of
    :mod:`ssl4dp_mm.checkpoints.timm_layouts`: DINOv2, DINOv3, FB / DINOv3 ConvNeXt, timm, or a run
    of ours) is loaded by :meth:`init_weights`, strictly. Continued pre-training loads
    ``init_checkpoint`` through :meth:`state_from_checkpoint` from its optimizer constructor
    instead. Nothing is downloaded.

    Args:
        model_name (str): The timm model, e.g. 'vit_small_patch14_dinov2',
            'vit_small_patch14_reg4_dinov2', 'vit_small_patch16_dinov3', 'convnext_tiny'.
        out_indices (Sequence[int]): Blocks (ViT) or stages (CNN) whose maps are returned, negative
            ones counted from the end; the maps come in increasing order. Defaults to (-1, ).
        norm (bool): Apply the final norm (see above). Defaults to True.
        checkpoint (str, optional): Local checkpoint loaded by :meth:`init_weights`.
            Defaults to None.
        init_cfg (dict, optional): Defaults to None.
        **model_kwargs: Passed to ``timm.create_model`` (``img_size``, ``drop_path_rate``;
            ``embed_dim`` / ``depth`` / ``num_heads`` or ``dims`` / ``depths`` for smaller models).
    """

    def __init__(self,
                 model_name: str,
                 out_indices: Sequence[int] = (-1, ),
                 norm: bool = True,
                 checkpoint: Optional[str] = None,
                 init_cfg: Optional[dict] = None,
                 **model_kwargs) -> None:
        super().__init__(init_cfg=init_cfg)
        self.model_name = model_name
        self.model_kwargs = dict(model_kwargs)
        self.norm = norm
        self.checkpoint = checkpoint
        model = create_timm_model(model_name, **self.model_kwargs)
        head = getattr(model, 'head', None)
        head_norm = getattr(head, 'norm', None)
        num_levels = len(model.feature_info)
        take = model.prune_intermediate_layers(
            [int(i) for i in out_indices], prune_norm=not norm, prune_head=True)
        self.out_indices: List[int] = sorted(take)
        # ConvNeXt's final norm sits in its classifier head, which the pruning removed
        self.head_norm_applied = bool(
            norm and isinstance(head_norm, nn.Module) and not isinstance(head_norm, nn.Identity)
            and self.out_indices[-1] == num_levels - 1)
        if self.head_norm_applied:
            model.head.norm = head_norm
        self.model = model
        info = model.feature_info
        self.out_channels: List[int] = [info[i]['num_chs'] for i in self.out_indices]
        self.strides: List[int] = [info[i]['reduction'] for i in self.out_indices]
        patch = getattr(getattr(model, 'patch_embed', None), 'patch_size', None)
        # an int for square patches: EncoderDecoderSSL refuses views that are not a multiple of it
        self.patch_size = patch[0] if isinstance(patch, tuple) and patch[0] == patch[1] else patch

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        """NxCxHxW images -> one ``N x C_i x H/s_i x W/s_i`` map per out index."""
        feats = self.model.forward_intermediates(
            x, indices=self.out_indices, norm=self.norm, output_fmt='NCHW',
            intermediates_only=True)
        if self.head_norm_applied:
            feats[-1] = self.model.head.norm(feats[-1])  # LayerNorm2d over channels
        return tuple(feats)

    def reference_model(self) -> nn.Module:
        """The same timm architecture unpruned with its classifier, on the meta device (names and
        shapes only): what a checkpoint's keys are checked against."""
        return create_timm_model(self.model_name, device='meta', **self.model_kwargs)

    def state_from_checkpoint(self, state_dict: dict,
                              source: str = 'checkpoint') -> Tuple[OrderedDict, str]:
        """A checkpoint's state dict in this backbone's keys (``model.*``), checked strictly.

        Args:
            state_dict (dict): Any layout of :mod:`ssl4dp_mm.checkpoints.timm_layouts`.
            source (str): The checkpoint's name, for messages. Defaults to 'checkpoint'.

        Returns:
            tuple[OrderedDict, str]: Every key of ``self.state_dict()`` -> tensor, and the layout.

        Raises:
            ValueError: If a size or key does not fit, naming the key.
        """
        mapped, layout = to_timm_state(state_dict, self.model, self.reference_model(),
                                       self.model_name, source)
        return OrderedDict(('model.' + k, v) for k, v in mapped.items()), layout

    def load_checkpoint(self, path: str) -> str:
        """Load a local checkpoint (``weights_only=True``) strictly; returns its layout."""
        state, layout = self.state_from_checkpoint(state_dict_of(load_checkpoint_file(path)), path)
        self.load_state_dict(state, strict=True)
        return layout

    def init_weights(self) -> None:
        """Load ``checkpoint`` if given, else timm's initialisation."""
        if self.checkpoint:
            self.load_checkpoint(self.checkpoint)
            self._is_init = True
        else:
            super().init_weights()
