# EDMoCo (MoCo w/dec, encoder at 1/100 of the lr) with the DeepLabv3+ (DepthwiseSeparableASPPHead)
# decoder (r18-d8.py: dlv3p_decoder) pre-trained on CamVid; otherwise as
# edmoco_r18-d8-mocofcn_1xb16-120i_camvid.py. DeepLabv3+ reads stages 1 and 4 of the backbone and
# outputs at stride 4; its map is average-pooled into the image vector, so the skip
# (c1_bottleneck) and the fuse convs (sep_bottleneck) train with the rest.
_base_ = './edmoco_r18-d8-mocofcn_1xb16-120i_camvid.py'
model = dict(
    decoder=dict(_delete_=True, **_base_.dlv3p_decoder),
    neck=dict(in_channels=_base_.decoder_channels.dlv3p))
