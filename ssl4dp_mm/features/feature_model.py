"""The encoder (and decoder) of any of our checkpoints, as a module that returns every layer.

One builder serves pre-training and segmentation alike, because both hold the same parts:

- a pre-training config (``EncoderDecoderSSL``: ``model.backbone``, ``model.decoder``) or a
  segmentation config (MMSeg ``EncoderDecoder``: ``model.backbone``, ``model.decode_head``);
- a pre-training checkpoint (``backbone.*``, ``decoder.*``; neck, head, momentum encoder and queue
  are ignored), an MMSeg checkpoint or a converted one (``backbone.*``, ``decode_head.*``;
  ``conv_seg`` is ignored), or a torchvision ResNet (mapped by
  :func:`ssl4dp_mm.checkpoints.to_seg_state_dict`);
- no checkpoint at all: the config's own initialisation, the "random init" baseline.

The layers are named ``stage1`` ... ``stage4`` (the backbone's outputs, ``out_indices`` + 1) and
``decoder`` (the decode head's ``_forward_feature``: the features right before the 1x1 classifier).
"""
import logging
import os.path as osp
from typing import Dict, List, Optional, Sequence, Union

import torch
import torch.nn as nn
from mmengine.config import Config
from mmengine.logging import MMLogger
from mmengine.registry import DefaultScope

DECODER = 'decoder'


class LayerFeatureModel(nn.Module):
    """Backbone plus optional decoder; :meth:`forward` returns the requested layers by name.

    Args:
        backbone (nn.Module): A backbone that returns a tuple of stage outputs.
        decoder (nn.Module, optional): A decode head without ``conv_seg``. Defaults to None.
        stage_names (Sequence[str]): Names of the backbone outputs, in order.
        mean (Sequence[float]): Per-channel mean (of the channel order the model sees).
        std (Sequence[float]): Per-channel std.
        bgr_to_rgb (bool): Whether to flip BGR images (as read by mmcv/cv2) to RGB. Defaults to
            True.
    """

    def __init__(self,
                 backbone: nn.Module,
                 decoder: Optional[nn.Module],
                 stage_names: Sequence[str],
                 mean: Sequence[float],
                 std: Sequence[float],
                 bgr_to_rgb: bool = True) -> None:
        super().__init__()
        self.backbone = backbone
        self.decoder = decoder
        self.stage_names = list(stage_names)
        self.bgr_to_rgb = bgr_to_rgb
        self.register_buffer('mean', torch.tensor(mean, dtype=torch.float32).view(1, -1, 1, 1))
        self.register_buffer('std', torch.tensor(std, dtype=torch.float32).view(1, -1, 1, 1))
        # where the weights came from: 'random init' or a checkpoint path, per part
        self.backbone_source = 'random init'
        self.decoder_source = 'random init' if decoder is not None else None

    @property
    def layer_names(self) -> List[str]:
        """Every layer this model can return."""
        return self.stage_names + ([DECODER] if self.decoder is not None else [])

    def preprocess(self, img_bgr: torch.Tensor) -> torch.Tensor:
        """NxHxWx3 uint8/float BGR images (mmcv's order) -> normalised Nx3xHxW, as the data
        preprocessor of the config does."""
        img = img_bgr.float().permute(0, 3, 1, 2)
        if self.bgr_to_rgb:
            img = img.flip(1)
        return (img - self.mean) / self.std

    @torch.no_grad()
    def forward(self, img: torch.Tensor,
                layers: Optional[Sequence[str]] = None) -> Dict[str, torch.Tensor]:
        """Features of normalised images.

        Args:
            img (torch.Tensor): Nx3xHxW, already normalised (see :meth:`preprocess`).
            layers (Sequence[str], optional): Layers to return. Defaults to None (all).

        Returns:
            dict[str, torch.Tensor]: ``layer -> NxCxhxw``.
        """
        layers = list(layers) if layers is not None else self.layer_names
        self.check_layers(layers)
        outs = self.backbone(img)
        feats = dict(zip(self.stage_names, outs))
        if DECODER in layers:
            feats[DECODER] = self.decoder._forward_feature(list(outs))
        return {name: feats[name] for name in layers}

    def check_layers(self, layers: Sequence[str]) -> None:
        """Raise a ValueError naming any layer the model does not have."""
        unknown = [name for name in layers if name not in self.layer_names]
        if unknown:
            hint = (' (the config has no decoder: a w/o dec pre-training config, or a model '
                    'without decode_head)' if DECODER in unknown else '')
            raise ValueError(f'unknown layer(s) {unknown}{hint}; this model has {self.layer_names}')


def build_feature_model(config: Union[str, Config],
                        checkpoint: Optional[str] = None,
                        init_seed: int = 0) -> LayerFeatureModel:
    """Build the backbone (and decoder) of ``config`` and load ``checkpoint`` into it.

    Args:
        config (str | Config): A pre-training or segmentation config.
        checkpoint (str, optional): Weights (see the module docstring for the accepted layouts).
            None keeps the config's initialisation (the random-init baseline). Defaults to None.
        init_seed (int): Seed of that initialisation, so the baseline is the same model every
            time (the global torch RNG is left as it was). Defaults to 0.

    Returns:
        LayerFeatureModel: In eval mode (BatchNorm uses its running statistics).

    Raises:
        KeyError: If the config has no ``model.backbone`` or no data-preprocessor mean/std.
        ValueError: If the checkpoint does not fit (see :func:`load_feature_weights`).
    """
    import mmseg.registry  # noqa: F401  (the 'mmseg' scope must exist to build unprefixed types)
    from mmselfsup.registry import MODELS

    from ..models.utils.decoder import build_decoder
    cfg = Config.fromfile(config) if isinstance(config, str) else config
    name = config if isinstance(config, str) else 'the config'
    model_cfg = cfg.get('model')
    if model_cfg is None or model_cfg.get('backbone') is None:
        raise KeyError(f'{name} has no model.backbone')
    decoder_cfg = model_cfg.get('decoder') or model_cfg.get('decode_head')
    pre = model_cfg.get('data_preprocessor') or {}
    if pre.get('mean') is None or pre.get('std') is None:
        raise KeyError(f'{name} has no model.data_preprocessor.mean/std: the images would not be '
                       'normalised as in training')
    mean, std = pre['mean'], pre['std']
    # mmengine flips the channels for either flag (images are read as BGR)
    bgr_to_rgb = bool(pre.get('bgr_to_rgb', False) or pre.get('rgb_to_bgr', False))
    # unprefixed types (``ResNetV1c``, ``FCNHead``) resolve in the config's own scope
    with DefaultScope.overwrite_default_scope(cfg.get('default_scope', 'mmseg')), \
            torch.random.fork_rng(devices=[]):
        torch.manual_seed(init_seed)
        backbone = MODELS.build(model_cfg.backbone)
        _quiet_init_weights(backbone)  # before the decoder draws: same backbone w/ and w/o dec
        decoder = build_decoder(decoder_cfg) if decoder_cfg is not None else None
        _quiet_init_weights(decoder)
    out_indices = model_cfg.backbone.get('out_indices')
    backbone.eval()
    with torch.no_grad():
        num_outs = len(backbone(torch.zeros(1, 3, 64, 64)))
    if out_indices is not None and len(out_indices) == num_outs:
        stage_names = [f'stage{i + 1}' for i in out_indices]
    else:
        stage_names = [f'stage{i + 1}' for i in range(num_outs)]
    model = LayerFeatureModel(backbone, decoder, stage_names, mean, std, bgr_to_rgb)
    if checkpoint is not None:
        load_feature_weights(model, checkpoint)
    return model.eval()


def _quiet_init_weights(*modules: Optional[nn.Module]) -> None:
    """``init_weights`` (the config's initialisation, as training starts from) without mmengine's
    one INFO message per parameter."""
    logger = MMLogger.get_current_instance()
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        for module in modules:
            if module is not None:
                module.init_weights()
    finally:
        logger.setLevel(level)


def split_state_dict(state_dict: Dict[str, torch.Tensor], path: str = '?'):
    """Split a checkpoint's state dict into backbone and decoder parts (prefixes removed).

    Returns:
        tuple[dict, dict]: Backbone and decoder tensors; the decoder part has no ``conv_seg``.

    Raises:
        ValueError: If there are no backbone weights or both ``decoder.*`` and ``decode_head.*``.
    """
    from ..checkpoints.convert import to_seg_state_dict
    if not any(k.startswith('backbone.') for k in state_dict):
        state_dict, _ = to_seg_state_dict(state_dict)  # torchvision ResNet, or a clear error
    has_dec = any(k.startswith('decoder.') for k in state_dict)
    has_head = any(k.startswith('decode_head.') for k in state_dict)
    if has_dec and has_head:
        raise ValueError(f'{path!r} has both decoder.* and decode_head.* weights; which one is the '
                         'decoder is ambiguous')
    backbone, decoder = {}, {}
    for k, v in state_dict.items():
        if k.startswith('backbone.'):
            backbone[k[len('backbone.'):]] = v
        elif k.startswith(('decoder.', 'decode_head.')):
            rest = k.split('.', 1)[1]
            if not rest.startswith('conv_seg.'):  # the classifier is not a feature layer
                decoder[rest] = v
    return backbone, decoder


def load_feature_weights(model: LayerFeatureModel, checkpoint: str) -> None:
    """Load a checkpoint's backbone (strictly) and decoder (strictly, if it has one).

    A checkpoint without decoder weights leaves the decoder random and records that in
    ``model.decoder_source``; the feature readers of analysis and evaluation refuse to use such a
    decoder as a pre-trained layer.

    Raises:
        FileNotFoundError: If ``checkpoint`` does not exist.
        ValueError: On a stem mismatch (plain vs deep ResNet), missing, unexpected or mis-shaped
            keys; the message names the checkpoint and the first offending key.
    """
    from ..checkpoints import load_checkpoint_file, stem_kind
    ckpt = load_checkpoint_file(checkpoint)
    state_dict = ckpt.get('state_dict', ckpt)
    backbone_sd, decoder_sd = split_state_dict(state_dict, checkpoint)
    ckpt_stem = stem_kind(backbone_sd, prefix='')
    model_stem = stem_kind(model.backbone.state_dict(), prefix='')
    if ckpt_stem and model_stem and ckpt_stem != model_stem:
        raise ValueError(f'{checkpoint!r} has a {ckpt_stem}-stem ResNet but the config builds a '
                         f'{model_stem}-stem one; its stem would stay random')
    _load_strict(model.backbone, backbone_sd, checkpoint, 'backbone.')
    model.backbone_source = checkpoint
    if model.decoder is not None and decoder_sd:
        _load_strict(model.decoder, decoder_sd, checkpoint, 'decoder.')
        model.decoder_source = checkpoint


def _load_strict(module: nn.Module, state_dict: Dict[str, torch.Tensor], path: str,
                 prefix: str) -> None:
    own = module.state_dict()
    for k, v in state_dict.items():
        if k in own and tuple(own[k].shape) != tuple(v.shape):
            raise ValueError(f'{path!r} does not fit the config: {prefix}{k} has shape '
                             f'{tuple(v.shape)} in the checkpoint, {tuple(own[k].shape)} in the '
                             'model')
    missing = [k for k in own if k not in state_dict]
    unexpected = [k for k in state_dict if k not in own]
    if missing or unexpected:
        first = (f'missing {prefix}{missing[0]}' if missing else
                 f'unexpected {prefix}{unexpected[0]}')
        raise ValueError(f'{path!r} does not fit the config ({first}; {len(missing)} missing, '
                         f'{len(unexpected)} unexpected {prefix}* keys)')
    module.load_state_dict(state_dict, strict=True)


def describe_source(path: Optional[str]) -> str:
    """A short name for a checkpoint in titles: its last two path parts, or 'random init'."""
    if path is None:
        return 'random init'
    parent = osp.basename(osp.dirname(osp.abspath(path)))
    return f'{parent}/{osp.basename(path)}' if parent else osp.basename(path)
