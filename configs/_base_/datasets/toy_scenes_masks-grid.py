# As toy_scenes_masks.py, with a 4x4 spatial grid as masks (DetCon's simplest mask).
_base_ = './toy_scenes_masks.py'
mask_transform = dict(type='GridMasks', grid=4)
train_pipeline = [
    dict(type='LoadImageChecked'),
    mask_transform,
    dict(type='MultiViewWithCoord', num_views=2, transforms=[{{_base_.view_pipeline}}]),
    {{_base_.sample_masks}},  # per-view sampling, as DetCon
    dict(type='PackDenseSSLInputs', field_keys=['coord_box', 'masks', 'mask_ids'],
         meta_keys=['img_path']),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
