# PLMoCo w/o dec on ViT-Tiny/16: the patch tokens themselves are the cells (192 channels).
_base_ = './plmoco_vit-t16-fcn_1xb16-120i_camvid.py'
model = dict(decoder=None, neck=dict(in_channels=192))
