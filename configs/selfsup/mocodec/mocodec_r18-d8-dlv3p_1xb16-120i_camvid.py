# MoCo w/dec with the DeepLabv3+ (DepthwiseSeparableASPPHead) decoder (r18-d8.py: dlv3p_decoder)
# pre-trained on CamVid; otherwise as mocodec_r18-d8-mocofcn_1xb16-120i_camvid.py. DeepLabv3+ reads
# stages 1 and 4 of the backbone; its output, and so every cell, is at stride 4.
_base_ = './mocodec_r18-d8-mocofcn_1xb16-120i_camvid.py'
model = dict(
    decoder=dict(_delete_=True, **_base_.dlv3p_decoder),
    neck=dict(in_channels=_base_.decoder_channels.dlv3p))
