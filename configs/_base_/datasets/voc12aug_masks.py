# Region-level pre-training on VOC 2012 aug (DetCon; pieces/masks.py): Felzenszwalb masks of the
# two 224 px views' source images, 16 region ids per image. VOC's images are ImageNet's size
# (~500x375), so DetCon's scale=min_size=1000 and sigma=0.8 are used unscaled. The same 10,582
# images come back every epoch, so the masks are cached on disk (cache_dir, on by default here);
# move it with --cfg-options train_dataloader.dataset.pipeline.1.cache_dir=DIR.
_base_ = ['./voc12aug_selfsup.py', './pieces/masks.py']
mask_cache_dir = 'data/mask_cache'
mask_transform = dict(
    type='FelzenszwalbMasks', scale=1000, sigma=0.8, min_size=1000, cache_dir=mask_cache_dir)
train_pipeline = [
    *_base_.load_pipeline, mask_transform, _base_.two_views, _base_.sample_masks, _base_.pack_masks
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
