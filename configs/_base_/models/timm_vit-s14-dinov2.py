# DINOv2's ViT-S/14 (384 dims, 6 heads, 12 blocks, LayerScale; Oquab et al. 2023) as timm's
# vit_small_patch14_dinov2 through TimmDenseBackbone (ssl4dp_mm/models/backbones/timm_dense.py):
# the patch tokens of the last block after the final LayerNorm (class token dropped), an
# N x 384 x H/14 x W/14 map, are the cells. img_size=518 keeps DINOv2's stored position grid
# (37 x 37), so the released checkpoint loads unresized; timm's dynamic_img_size interpolates it
# (bicubic) to every input's grid, so views of any multiple of 14 px work (224 px: 16 x 16 tokens).
# With registers: model_name='vit_small_patch14_reg4_dinov2' and dinov2_vits14_reg4_pretrain.pth
# (the registers are dropped from the map). The weights come from the continued pre-training's
# init_checkpoint (or backbone.checkpoint): a local file, in DINOv2's, DINOv3's or timm's layout.
# The variable names start with timm_ so that a config can inherit a ResNet method base and this.
timm_embed_dims = 384
timm_feat_stride = 14
timm_backbone = dict(
    _delete_=True,  # replaces a ResNet backbone it is merged into
    type='mmseg.TimmDenseBackbone',
    model_name='vit_small_patch14_dinov2',
    img_size=518,
    dynamic_img_pad=True,  # segmentation pads inputs off the 14 px grid; pre-training refuses them
    out_indices=(-1, ),
    norm=True)
# Fine-tuning (FT-10%, FT-100%; the vit_ protocol pieces' AdamW): layer-wise lr decay 0.65 over
# timm's grouping of the model (ViTLayerDecayOptimWrapperConstructor): the 12 blocks above the stem.
timm_layer_decay = dict(num_layers=12, decay_rate=0.65)
