# ade20k_selfsup.py with one view whose 16x16 patches are rotated (patch-level rotation).
_base_ = './ade20k_selfsup.py'
train_pipeline = [
    *_base_.load_pipeline, *_base_.view_pipeline, _base_.patch_rotation, _base_.pack_rotation
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
