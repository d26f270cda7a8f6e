# patch-level rotation prediction w/o dec: on the backbone's last feature map (512 channels).
_base_ = './plr_r18-d8-mocofcn_1xb8-300i_toyscenes.py'
model = dict(decoder=None, head=dict(in_channels=512))
