# DetCon-B w/o dec: masks pooled on the backbone's last feature map (512 channels, stride 8).
_base_ = './detconb_r18-d8-mocofcn_1xb8-300i_toyscenes.py'
model = dict(decoder=None, neck=dict(in_channels=512))
