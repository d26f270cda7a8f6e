# Exemplar-v2 w/o dec: on the pooled backbone map (512 channels).
_base_ = './exemplarv2_r18-d8-mocofcn_1xb8-300i_toyscenes.py'
model = dict(decoder=None, neck=dict(in_channels=512, hid_channels=512))
