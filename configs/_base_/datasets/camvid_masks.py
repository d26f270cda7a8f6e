# Region-level pre-training on CamVid (DetCon): Felzenszwalb masks computed once per 240x180 image
# (before the views) and moved with every crop/flip, then 16 region ids sampled per image.
# DetCon's scale=min_size=1000 are pixel areas for ~500x375 ImageNet images; scaled by area to
# 240x180: 1000 * 43200 / 187500 ~ 230. Masks are cached per image when cache_dir is set
# (--cfg-options; written at first use, or ahead by tools/precompute_masks.py), since the same 367
# images come back every epoch.
_base_ = './camvid_selfsup.py'
num_masks = 16
feat_stride = 8  # output stride of the dilated ResNet (and of its decoder)
mask_transform = dict(type='FelzenszwalbMasks', scale=230, sigma=0.8, min_size=230, cache_dir=None)
# DetCon's per-view sampling (see toy_scenes_masks.py for why per_view=False stays an option)
sample_masks = dict(type='SampleMaskIds', num_masks=num_masks, feat_stride=feat_stride,
                    per_view=True)
train_pipeline = [
    *_base_.load_pipeline,
    mask_transform,
    dict(type='MultiViewWithCoord', num_views=2, transforms=[_base_.view_pipeline]),
    sample_masks,
    dict(type='PackDenseSSLInputs', field_keys=['coord_box', 'masks', 'mask_ids'],
         meta_keys=['img_path']),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
