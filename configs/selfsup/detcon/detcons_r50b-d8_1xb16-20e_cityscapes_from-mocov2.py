# "MoCo-v2 + DetCon-S" w/o dec: on the backbone's last map (2048 channels, stride 8); otherwise as
# detcons_r50b-d8-mocofcn_1xb16-20e_cityscapes_from-mocov2.py.
_base_ = './detcons_r50b-d8-mocofcn_1xb16-20e_cityscapes_from-mocov2.py'
model = dict(
    decoder=None,
    neck=dict(in_channels=2048))
