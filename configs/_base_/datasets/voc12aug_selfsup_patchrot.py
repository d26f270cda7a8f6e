# One view per image with the loading and view augmentation of voc12aug_selfsup.py, its 16x16
# patches then turned (PLR; pieces/selfsup.py): 14x14 patches of a 224 px view (the patch size of
# the toy and CamVid configs: ours).
_base_ = './voc12aug_selfsup.py'
train_pipeline = [
    *_base_.load_pipeline, *_base_.view_pipeline, _base_.patch_rotation, _base_.pack_rotation
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
