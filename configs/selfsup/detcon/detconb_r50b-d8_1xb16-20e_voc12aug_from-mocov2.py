# "MoCo-v2 + DetCon-B" w/o dec: on the backbone's last map (2048 channels, stride 8); otherwise as
# detconb_r50b-d8-mocofcn_1xb16-20e_voc12aug_from-mocov2.py.
_base_ = './detconb_r50b-d8-mocofcn_1xb16-20e_voc12aug_from-mocov2.py'
model = dict(
    decoder=None,
    neck=dict(in_channels=2048))
