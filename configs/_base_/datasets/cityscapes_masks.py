# Region-level pre-training on Cityscapes (DetCon): Felzenszwalb masks of the 1024x512 halved image
# (cityscapes_selfsup.py), moved with the views, 16 region ids per image. DetCon's
# scale=min_size=1000 are pixel areas for ~500x375 images; scaled by area to 1024x512:
# 1000 * 524288 / 187500 ~ 2800 (sigma 0.8 as DetCon). Cached on disk at first use (cache_dir on by
# default; see voc12aug_masks.py); move it with
# --cfg-options train_dataloader.dataset.pipeline.2.cache_dir=DIR.
_base_ = './cityscapes_selfsup.py'
num_masks = 16
feat_stride = 8  # output stride of the dilated ResNet (and of its decoder)
mask_cache_dir = 'data/mask_cache'
mask_transform = dict(
    type='FelzenszwalbMasks', scale=2800, sigma=0.8, min_size=2800, cache_dir=mask_cache_dir)
# DetCon's sampling: each view draws its own ids from the masks present in it (see
# toy_scenes_masks.py)
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
