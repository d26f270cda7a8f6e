"""The defaults of a frozen-feature evaluation per dataset; the model config of a ViT checkpoint.

Without ``--config``, ``tools/evaluate_frozen.py`` builds the dataset's MoCoFCN LP-100% model; a
ViT checkpoint (MMSeg ``VisionTransformer`` names, ``backbone.layers.N.*``) gets the ViT LP-100%
leaf of its width and dataset instead: the linear head on the tokens, or the FCN decoder when the
checkpoint has one (:func:`vit_default_config`).
"""
import os.path as osp
from typing import Optional

from ..paths import PROJECT_ROOT

# dataset -> (MMSeg dataset type, data root, default model config, image scale (h, w))
FROZEN_DATASETS = {
    'toy': ('ToyScenesDataset', 'data/toy_scenes', 'configs/seg/mocofcn/'
            'mocofcn_r18-d8_lp-300i_toyscenes.py', None),
    # the CamVid benchmark's LP-100%: images at 240x180, labels scored at 480x360
    'camvid': ('CamVidDataset', '../shared/datasets/camvid', 'configs/seg/mocofcn/'
               'mocofcn_r18-d8_lp-100i_camvid-half.py', (180, 240)),
}
# dataset -> the ViT LP-100% leaf pattern ({kind}: linear / fcn, {size}: t16 / s16 / b16)
VIT_CONFIGS = {'toy': 'configs/seg/vit/{kind}_vit-{size}_lp-300i_toyscenes.py',
               'camvid': 'configs/seg/vit/{kind}_vit-{size}_lp-100i_camvid-half.py'}
VIT_SIZES = {192: 't16', 384: 's16', 768: 'b16'}  # embed_dims -> size tag of the configs
# the token map of a ViT: its last block (after the final LayerNorm), class token dropped, as an
# H/16 x W/16 map; resolves to stage12 (ssl4dp_mm.evaluation.resolve_layer)
VIT_TOKEN_LAYER = 'backbone.layers.11'


def vit_default_config(dataset: str, checkpoint: str) -> Optional[str]:
    """The default config for a ViT checkpoint (see :data:`VIT_CONFIGS`), or None when the
    checkpoint is not an MMSeg-named ViT (ResNets keep the dataset's default), cannot be read
    (reported when the model loads it) or no leaf exists."""
    from ..checkpoints import load_checkpoint_file
    from ..checkpoints.layouts import state_dict_of
    try:
        state = state_dict_of(load_checkpoint_file(checkpoint))
    except (ValueError, FileNotFoundError):
        return None
    proj = state.get('backbone.patch_embed.projection.weight')
    if proj is None or not any(k.startswith('backbone.layers.') for k in state):
        return None
    size = VIT_SIZES.get(int(proj.shape[0]))
    if size is None or dataset not in VIT_CONFIGS:
        return None
    has_decoder = any(k.startswith(('decoder.', 'decode_head.')) and '.conv_seg.' not in k
                      for k in state)
    path = osp.join(PROJECT_ROOT,
                    VIT_CONFIGS[dataset].format(kind='fcn' if has_decoder else 'linear', size=size))
    return path if osp.isfile(path) else None
