# PLSiam (patch-level SimSiam) w/o dec: on the backbone's last feature map (512 channels).
_base_ = './plsiam_r18-d8-mocofcn_1xb8-300i_toyscenes.py'
model = dict(decoder=None, neck=dict(in_channels=512))
