# PLMoCo+ (patch + image-level MoCo) w/o dec: on the backbone's last feature map (512 channels).
_base_ = './plmocoplus_r18-d8-mocofcn_1xb8-300i_toyscenes.py'
model = dict(
    decoder=None,
    neck=dict(in_channels=512),
    img_neck=dict(in_channels=512, hid_channels=512))
