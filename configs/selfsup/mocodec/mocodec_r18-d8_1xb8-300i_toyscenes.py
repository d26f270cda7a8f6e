# The same MoCo v2 without a decoder (pooled backbone map), with MMSeg's backbone.
_base_ = './mocodec_r18-d8-mocofcn_1xb8-300i_toyscenes.py'
model = dict(decoder=None, neck=dict(in_channels=512, hid_channels=512))
