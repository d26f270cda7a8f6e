# Dilated ResNet-18 with MMSeg's deep stem (ResNetV1c), output stride 8: the backbone that both
# pre-training and segmentation use, so that a checkpoint converts key for key. Every backbone base
# (r18-d16.py, r50b-d8.py, ...) has the variables below. A pre-training model base is a backbone
# base plus a method of methods/ (the algorithm without its encoder: type, values, projector,
# head), wired to the backbone base's data preprocessor, backbone and decoder; a segmentation model
# base (<head>_<backbone>_seg.py) is a segmentation model of seg/ plus the backbone and a decoder.
ssl_norm_cfg = dict(type="BN", requires_grad=True)  # SyncBN for multi-GPU runs
backbone = dict(
    type='mmseg.ResNetV1c',
    depth=18,
    in_channels=3,
    num_stages=4,
    out_indices=(0, 1, 2, 3),
    dilations=(1, 1, 2, 4),
    strides=(1, 2, 1, 1),
    norm_cfg=ssl_norm_cfg,
    norm_eval=False,
    style='pytorch',
    contract_dilation=True)
selfsup_data_preprocessor = dict(
    type='mmselfsup.SelfSupDataPreprocessor',
    mean=(123.675, 116.28, 103.53),
    std=(58.395, 57.12, 57.375),
    bgr_to_rgb=True)
# What every decoder below shares: the last stage's map (in_index 3, 512 channels) in, dropout 0.1
# before the classifier, BatchNorm. A name that starts with __ stays in this file (mmengine drops
# it).
__decoder = dict(
    in_channels=512, in_index=3, dropout_ratio=0.1, norm_cfg=ssl_norm_cfg, align_corners=False)
# MoCoFCN: two 3x3 convs with dilation 6, 256 channels, no input concat
mocofcn_decoder = dict(
    type='mmseg.FCNHead', channels=256, num_convs=2, kernel_size=3, dilation=6, concat_input=False,
    **__decoder)
# PSPNet decoder (pyramid pooling), channels as in MMSeg's ResNet-18 PSPNet
psp_decoder = dict(type='mmseg.PSPHead', channels=128, pool_scales=(1, 2, 3, 6), **__decoder)
# DeepLabv3 decoder (ASPP), dilations for output stride 8 as in MMSeg's DeepLabv3 configs
aspp_decoder = dict(type='mmseg.ASPPHead', channels=128, dilations=(1, 12, 24, 36), **__decoder)
# DeepLabv3+ decoder (DepthwiseSeparableASPPHead): separable ASPP on stage 4 plus a skip from stage
# 1 (in_index 0 of the backbone's outputs: c1_in_channels, projected to c1_channels by
# c1_bottleneck), fused by two separable 3x3 convs (sep_bottleneck). Channels as in MMSeg's
# ResNet-18 DeepLabv3+. Its output is at the stride of stage 1 (4), twice as fine as the other
# decoders' (8).
dlv3p_decoder = dict(
    type='mmseg.DepthwiseSeparableASPPHead', channels=128, dilations=(1, 12, 24, 36),
    c1_in_channels=64, c1_channels=12, **__decoder)
# Non-local decoder (NLHead): conv, embedded-Gaussian non-local block, conv, concat with the input,
# fuse conv; channels as the ResNet-18 PSP/ASPP decoders (MMSeg has no ResNet-18 NLNet config)
nl_decoder = dict(
    type='mmseg.NLHead', channels=128, reduction=2, use_scale=True, mode='embedded_gaussian',
    **__decoder)
# PSPNet with 256 output channels (the draft report's PSPNet*), at every depth
psp256_decoder = dict(type='mmseg.PSPHead', channels=256, pool_scales=(1, 2, 3, 6), **__decoder)
# channels of each decoder's output (the input of a w/dec projector)
decoder_channels = dict(mocofcn=256, psp=128, aspp=128, dlv3p=128, nl=128, psp256=256)
