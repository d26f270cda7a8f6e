# Region-level pre-training on ADE20K (DetCon): Felzenszwalb masks of every image, moved with the
# views, 16 region ids sampled per view (pieces/masks.py). scale = min_size = 1000 as on VOC:
# DetCon's values for ~500x375 ImageNet images, and ADE20K's images are about that size. Cached
# on disk (one 16-bit PNG per image; tools/precompute_masks.py fills the cache ahead).
_base_ = ['./ade20k_selfsup.py', './pieces/masks.py']
mask_cache_dir = 'data/mask_cache'
mask_transform = dict(
    type='FelzenszwalbMasks', scale=1000, sigma=0.8, min_size=1000, cache_dir=mask_cache_dir)
train_pipeline = [
    *_base_.load_pipeline, mask_transform, _base_.two_views, _base_.sample_masks, _base_.pack_masks
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
