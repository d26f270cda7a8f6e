# The same w/o dec (pooled backbone map, 512 channels), the setting of the paper.
_base_ = './mocomc_r18-d8-mocofcn_1xb8-300i_toyscenes.py'
model = dict(decoder=None, neck=dict(in_channels=512, hid_channels=512))
