# "MoCo-v2 + PLR" with the DeepLabv3+ (DepthwiseSeparableASPPHead) decoder (dlv3p_decoder of
# r50b-d8.py, 512 channels, stage-1 skip 256 -> 48), so that the pre-trained decoder loads into the
# reference DeepLabv3+ head key for key; otherwise as
# plr_r50b-d8-mocofcn_1xb16-20e_cityscapes_from-mocov2.py. DeepLabv3+ reads stages 1 and 4 of the
# backbone; its output, and so the angle map, is at stride 4.
_base_ = './plr_r50b-d8-mocofcn_1xb16-20e_cityscapes_from-mocov2.py'
model = dict(
    decoder=dict(_delete_=True, **_base_.dlv3p_decoder),
    head=dict(in_channels=_base_.decoder_channels.dlv3p))
