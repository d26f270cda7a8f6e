# As cityscapes_masks.py, with SLIC superpixels as regions (RLMoCo): about 128 per 1024x512 image
# (our choice: the VOC configs' 64 per ~500x375, scaled by area and halved for Cityscapes' large
# flat road/sky regions), compactness 10, sigma 1. Cached on disk.
_base_ = './cityscapes_masks.py'
mask_transform = dict(
    type='SLICMasks', n_segments=128, compactness=10, sigma=1.0, cache_dir=_base_.mask_cache_dir)
# RLMoCo contrasts the regions shared by both views: ids drawn once from those (per_view=False)
sample_masks = dict(_base_.sample_masks, per_view=False)
train_pipeline = [
    *_base_.load_pipeline,
    mask_transform,
    _base_.train_pipeline[len(_base_.load_pipeline) + 1],  # the two views
    sample_masks,
    _base_.train_pipeline[-1],  # packing
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
