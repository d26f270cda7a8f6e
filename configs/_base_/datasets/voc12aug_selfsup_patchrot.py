# One view per image (PLR) with the loading and view augmentation of voc12aug_selfsup.py, whose
# 16x16 patches are then turned by random multiples of 90 degrees (14x14 patches of a 224 px view;
# the patch size of the toy and CamVid configs: ours); the angle index of every pixel is packed as
# `rot_label`. PatchRotation comes after every geometric transform.
_base_ = './voc12aug_selfsup.py'
train_pipeline = [
    *_base_.load_pipeline,
    *_base_.view_pipeline,
    dict(type='PatchRotation', patch_size=16, label_key='rot_label'),
    dict(type='PackDenseSSLInputs', field_keys=['rot_label'], meta_keys=['img_path']),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
