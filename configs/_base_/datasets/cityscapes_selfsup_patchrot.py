# One view per image (PLR) with the loading (halved to 1024x512) and view augmentation of
# cityscapes_selfsup.py, whose 16x16 patches are then turned by random multiples of 90 degrees; see
# voc12aug_selfsup_patchrot.py.
_base_ = './cityscapes_selfsup.py'
train_pipeline = [
    *_base_.load_pipeline,
    *_base_.view_pipeline,
    dict(type='PatchRotation', patch_size=16, label_key='rot_label'),
    dict(type='PackDenseSSLInputs', field_keys=['rot_label'], meta_keys=['img_path']),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
