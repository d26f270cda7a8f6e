# The FCN decoder of the timm backbones' w/dec rows and of their MoCoFCN segmentation models: the
# settings of vit-t16.py's vit_fcn_decoder (two 3x3 convs, 256 channels, no dilation: a 16 x 16
# token map or a 7 x 7 ConvNeXt map has no room for MoCoFCN's dilation 6, BatchNorm as the ResNet
# decoders). Configs set in_channels from their backbone base's timm_embed_dims.
timm_fcn_decoder = dict(
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
