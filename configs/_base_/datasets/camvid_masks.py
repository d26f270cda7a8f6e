# Region-level pre-training on CamVid (DetCon; pieces/masks.py): Felzenszwalb masks of the 240x180
# halved image, scale=min_size=1000 scaled by area: 1000 * 43200 / 187500 ~ 230. The same 367
# images come back every epoch; cache the masks with --cfg-options
# train_dataloader.dataset.pipeline.2.cache_dir=DIR.
_base_ = ['./camvid_selfsup.py', './pieces/masks.py']
mask_transform = dict(type='FelzenszwalbMasks', scale=230, sigma=0.8, min_size=230, cache_dir=None)
train_pipeline = [
    *_base_.load_pipeline, mask_transform, _base_.two_views, _base_.sample_masks, _base_.pack_masks
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
