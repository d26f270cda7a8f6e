# One view per image whose 16x16 patches are turned by random multiples of 90 degrees; the angle
# index of every pixel is packed as `rot_label`. PatchRotation comes after every geometric
# transform.
_base_ = './toy_scenes_selfsup.py'
train_pipeline = [
    _base_.train_pipeline[0],  # the loader of the two-view pipeline
    *_base_.view_pipeline,
    dict(type='PatchRotation', patch_size=16, label_key='rot_label'),
    dict(type='PackDenseSSLInputs', field_keys=['rot_label'], meta_keys=['img_path']),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
