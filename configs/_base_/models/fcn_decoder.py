# The FCN decoder of the ViT and timm backbones' w/dec rows and of their segmentation models: two
# 3x3 convs, 256 channels, no dilation (a 14 x 14 token map at 224 px, or a 7 x 7 ConvNeXt map, has
# no room for MoCoFCN's dilation 6), BatchNorm as the ResNet decoders, on the last map. The backbone
# bases set in_channels (vit-t16.py's vit_fcn_decoder; the timm configs from timm_embed_dims).
fcn_decoder = dict(
    type='mmseg.FCNHead',
    in_index=-1,
    channels=256,
    num_convs=2,
    kernel_size=3,
    dilation=1,
    concat_input=False,
    dropout_ratio=0.1,
    norm_cfg=dict(type='BN', requires_grad=True),
    align_corners=False)
