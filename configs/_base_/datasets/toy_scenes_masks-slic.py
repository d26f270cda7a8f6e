# As toy_scenes_masks.py, with SLIC superpixels (about 32 per 96x128 image, 18-30 in practice).
_base_ = './toy_scenes_masks.py'
mask_transform = dict(type='SLICMasks', n_segments=32, compactness=10, sigma=1.0, cache_dir=None)
train_pipeline = [
    dict(type='LoadImageChecked'),
    mask_transform,
    dict(type='MultiViewWithCoord', num_views=2, transforms=[{{_base_.view_pipeline}}]),
    # RLMoCo contrasts the regions shared by both views: ids drawn once from those (per_view=False)
    dict(type='SampleMaskIds', num_masks={{_base_.num_masks}}, feat_stride={{_base_.feat_stride}},
         per_view=False),
    dict(type='PackDenseSSLInputs', field_keys=['coord_box', 'masks', 'mask_ids'],
         meta_keys=['img_path']),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
