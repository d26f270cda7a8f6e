# Region-level pre-training on Cityscapes (DetCon; pieces/masks.py): Felzenszwalb masks of the
# 1024x512 halved image (cityscapes_selfsup.py), scale=min_size=1000 scaled by area:
# 1000 * 524288 / 187500 ~ 2800 (sigma 0.8 as DetCon). Cached on disk (cache_dir on by default, as
# on VOC); move it with --cfg-options train_dataloader.dataset.pipeline.2.cache_dir=DIR.
_base_ = ['./cityscapes_selfsup.py', './pieces/masks.py']
mask_cache_dir = 'data/mask_cache'
mask_transform = dict(
    type='FelzenszwalbMasks', scale=2800, sigma=0.8, min_size=2800, cache_dir=mask_cache_dir)
train_pipeline = [
    *_base_.load_pipeline, mask_transform, _base_.two_views, _base_.sample_masks, _base_.pack_masks
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
