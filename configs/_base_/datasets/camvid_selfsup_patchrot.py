# One CamVid view with the loading and view augmentation of camvid_selfsup.py, its patches then
# turned (PLR; pieces/selfsup.py).
_base_ = './camvid_selfsup.py'
train_pipeline = [
    *_base_.load_pipeline, *_base_.view_pipeline, _base_.patch_rotation, _base_.pack_rotation
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
