# One view per image with the loading (halved to 1024x512) and view augmentation of
# cityscapes_selfsup.py, its 16x16 patches then turned (PLR; pieces/selfsup.py).
_base_ = './cityscapes_selfsup.py'
train_pipeline = [
    *_base_.load_pipeline, *_base_.view_pipeline, _base_.patch_rotation, _base_.pack_rotation
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
