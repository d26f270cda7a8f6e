# PLMoCo w/o dec on ViT-S/16: the patch tokens themselves are the cells (384 channels).
_base_ = './plmoco_vit-s16-fcn_1xb16-120i_camvid.py'
model = dict(decoder=None, neck=dict(in_channels=384))
