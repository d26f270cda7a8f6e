# PLMoCo+ w/o dec on ViT-Tiny/16: patch tokens as cells, and their mean for the image-level term.
_base_ = './plmocoplus_vit-t16-fcn_1xb8-300i_toyscenes.py'
model = dict(decoder=None, neck=dict(in_channels=192), img_neck=dict(in_channels=192))
