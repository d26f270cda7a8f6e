# One view per image (P2Vec): the same view augmentation as the two-view pipeline.
_base_ = './toy_scenes_selfsup.py'
train_pipeline = [
    _base_.train_pipeline[0],  # the loader of the two-view pipeline
    *_base_.view_pipeline,
    dict(type='PackDenseSSLInputs', field_keys=['coord_box'], meta_keys=['img_path']),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
