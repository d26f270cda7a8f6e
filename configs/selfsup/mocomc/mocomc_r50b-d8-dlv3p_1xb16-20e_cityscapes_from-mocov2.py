# "MoCo-v2 + MoCo + multi-crop/AutoAugment/kNN" with the DeepLabv3+ (DepthwiseSeparableASPPHead)
# decoder (dlv3p_decoder of r50b-d8.py, 512 channels, stage-1 skip 256 -> 48), so that the
# pre-trained decoder loads into the reference DeepLabv3+ head key for key; otherwise as
# mocomc_r50b-d8-mocofcn_1xb16-20e_cityscapes_from-mocov2.py. DeepLabv3+ reads stages 1 and 4 of
# the backbone and outputs at stride 4; its map is average-pooled into the image vectors of the
# large and the small crops and into the kNN queue's features (neck.in_channels wide), so the skip
# (c1_bottleneck) and the fuse convs (sep_bottleneck) train with the rest.
_base_ = './mocomc_r50b-d8-mocofcn_1xb16-20e_cityscapes_from-mocov2.py'
model = dict(
    decoder=dict(_delete_=True, **_base_.dlv3p_decoder),
    neck=dict(in_channels=_base_.decoder_channels.dlv3p))
