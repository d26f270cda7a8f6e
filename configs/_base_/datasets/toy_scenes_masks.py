# Region-level pre-training on the embedded toy scenes (DetCon; pieces/masks.py): Felzenszwalb
# masks with scale=min_size=1000 scaled by area to the 96x128 images: 1000 * (96 * 128) /
# (500 * 375) ~ 66 -> 64 (10-27 segments per image).
_base_ = ['./toy_scenes_selfsup.py', './pieces/masks.py']
mask_transform = dict(type='FelzenszwalbMasks', scale=64, sigma=0.8, min_size=64, cache_dir=None)
train_pipeline = [
    *_base_.load_pipeline, mask_transform, _base_.two_views, _base_.sample_masks, _base_.pack_masks
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
