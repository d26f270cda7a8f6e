# "DINO + PLMoCo" w/o dec on ViT-S/16: the patch tokens themselves are the cells (384 channels);
# otherwise as plmoco_vit-s16-fcn_1xb16-20e_voc12aug_from-dino.py.
_base_ = './plmoco_vit-s16-fcn_1xb16-20e_voc12aug_from-dino.py'
model = dict(decoder=None, neck=dict(in_channels=384))
