# One CamVid view whose 16x16 patches are turned by random multiples of 90 degrees (PLR); see
# toy_scenes_selfsup_patchrot.py.
_base_ = './camvid_selfsup.py'
train_pipeline = [
    *_base_.load_pipeline,
    *_base_.view_pipeline,
    dict(type='PatchRotation', patch_size=16, label_key='rot_label'),
    dict(type='PackDenseSSLInputs', field_keys=['rot_label'], meta_keys=['img_path']),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
