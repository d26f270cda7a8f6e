# As camvid_masks.py, with SLIC superpixels (RLMoCo): about 64 per 240x180 image.
_base_ = './camvid_masks.py'
mask_transform = dict(type='SLICMasks', n_segments=64, compactness=10, sigma=1.0, cache_dir=None)
train_pipeline = [
    *_base_.load_pipeline,
    mask_transform,
    dict(type='MultiViewWithCoord', num_views=2, transforms=[_base_.view_pipeline]),
    # RLMoCo contrasts the regions shared by both views: ids drawn once from those (per_view=False)
    dict(type='SampleMaskIds', num_masks=_base_.num_masks, feat_stride=_base_.feat_stride,
         per_view=False),
    dict(type='PackDenseSSLInputs', field_keys=['coord_box', 'masks', 'mask_ids'],
         meta_keys=['img_path']),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
