# As toy_scenes_masks.py, with the ground-truth label maps as masks (one region per class present;
# an upper bound for unsupervised masks). The maps are found beside the images (img_dir -> ann_dir).
_base_ = './toy_scenes_masks.py'
mask_transform = dict(
    type='LoadGTMasks', ann_dir='ann_dir', seg_map_suffix='.png', ignore_index=255)
train_pipeline = [
    dict(type='LoadImageChecked'),
    mask_transform,
    dict(type='MultiViewWithCoord', num_views=2, transforms=[{{_base_.view_pipeline}}]),
    {{_base_.sample_masks}},  # per-view sampling, as DetCon
    dict(type='PackDenseSSLInputs', field_keys=['coord_box', 'masks', 'mask_ids'],
         meta_keys=['img_path']),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
