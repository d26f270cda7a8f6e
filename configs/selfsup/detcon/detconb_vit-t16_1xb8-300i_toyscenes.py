# DetCon-B w/o dec on ViT-Tiny/16: masks pooled on the patch-token map (192 channels, stride 16).
_base_ = './detconb_vit-t16-fcn_1xb8-300i_toyscenes.py'
model = dict(decoder=None, neck=dict(in_channels=192))
