# ConvNeXt-T (timm's convnext_tiny: widths 96-192-384-768, depths 3-3-9-3; Liu et al. 2022) through
# TimmDenseBackbone (ssl4dp_mm/models/backbones/timm_dense.py): the last stage's map after
# ConvNeXt's final LayerNorm (timm's head.norm, DINOv3's norm), N x 768 x H/32 x W/32, are the
# cells (7 x 7 at 224 px: the grid of DenseCL's and DetCon's ResNet-50). out_indices=(2, ) gives the
# stride-16 stage instead (384 channels; the stages after it are removed). Any timm CNN with
# forward_intermediates fits the same way (model_name='convnext_atto', 'convnext_small', ...).
# The weights come from the continued pre-training's init_checkpoint (or backbone.checkpoint): a
# local file in timm's layout or facebookresearch's / DINOv3's ConvNeXt layout.
timm_embed_dims = 768
timm_feat_stride = 32
timm_backbone = dict(
    _delete_=True,  # replaces a ResNet backbone it is merged into
    type='mmseg.TimmDenseBackbone',
    model_name='convnext_tiny',
    out_indices=(-1, ),
    norm=True)
# Fine-tuning (FT-10%, FT-100%; the vit_ protocol pieces' AdamW): layer-wise lr decay 0.9 per stage
# (MMSeg's ConvNeXt recipe decays 0.9 stage-wise) over timm's coarse grouping
# (ViTLayerDecayOptimWrapperConstructor): the 4 stages and the final norm above the stem.
timm_layer_decay = dict(num_layers=5, decay_rate=0.9, timm_coarse=True)
