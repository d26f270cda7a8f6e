# PRCL w/o dec on ViT-Tiny/16: the cells are the patch tokens (192 channels, stride 16).
_base_ = './prcl_vit-t16-fcn_1xb8-300i_toyscenes.py'
model = dict(decoder=None, neck=dict(in_channels=192))
