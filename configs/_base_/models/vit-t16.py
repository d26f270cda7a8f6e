# ViT-Tiny/16 (DeiT-Ti widths: 192 dims, 3 heads, 12 layers) as MMSeg's VisionTransformer: the
# encoder of the ViT pre-training configs and of their segmentation models, so checkpoints convert
# key for key. The patch tokens of the last layer (class token dropped, after the final LayerNorm)
# come out as an N x 192 x H/16 x W/16 map: they are the cells of the dense methods. Settings that
# timm / DINO checkpoints need: patch_bias=True (their patch_embed.proj has a bias),
# final_norm=True (their `norm`), LayerNorm eps 1e-6. img_size fixes only the stored position grid
# (224 / 16 = 14 x 14, as DINO's); the embedding is interpolated (bicubic) to every input size,
# so views and crops may have any size (a multiple of 16 in pre-training: see encoder_decoder_base).
# The variable names start with vit_ so that a config can inherit a ResNet method base and this one.
_base_ = ['./fcn_decoder.py']
vit_embed_dims = 192
vit_backbone = dict(
    _delete_=True,  # replaces a ResNet backbone it is merged into
    type='mmseg.VisionTransformer',
    img_size=(224, 224),
    patch_size=16,
    in_channels=3,
    embed_dims=vit_embed_dims,
    num_layers=12,
    num_heads=3,
    mlp_ratio=4,
    out_indices=(11, ),
    qkv_bias=True,
    drop_rate=0.0,
    attn_drop_rate=0.0,
    drop_path_rate=0.0,
    with_cls_token=True,
    output_cls_token=False,
    norm_cfg=dict(type='LN', eps=1e-6),
    act_cfg=dict(type='GELU'),
    patch_norm=False,
    patch_bias=True,
    final_norm=True,
    interpolate_mode='bicubic')
# FCN decoder on the last-layer token map (stride 16): fcn_decoder.py's
vit_fcn_decoder = dict(_base_.fcn_decoder, in_channels=vit_embed_dims)
# Linear head on the frozen tokens (Leopart / NeCo linear probe): FCNHead without convolutions, so
# the segmentation model's only layer after the encoder is its 1x1 conv_seg on the token map; the
# logits are upsampled (bilinear) to the label size by MMSeg's loss and at test time.
vit_linear_head = dict(
    type='mmseg.FCNHead',
    in_channels=vit_embed_dims,
    in_index=-1,
    channels=vit_embed_dims,
    num_convs=0,
    concat_input=False,
    dropout_ratio=0.0,
    norm_cfg=dict(type='BN', requires_grad=True),
    align_corners=False)
