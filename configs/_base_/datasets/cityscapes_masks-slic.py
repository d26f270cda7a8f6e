# As cityscapes_masks.py, with SLIC superpixels as regions (RLMoCo): about 128 per 1024x512 image
# (our choice: the VOC configs' 64 per ~500x375, scaled by area and halved for Cityscapes' large
# flat road/sky regions), compactness 10, sigma 1, ids drawn from the regions both views share.
# Cached on disk.
_base_ = './cityscapes_masks.py'
mask_transform = dict(
    type='SLICMasks', n_segments=128, compactness=10, sigma=1.0, cache_dir=_base_.mask_cache_dir)
train_pipeline = [
    *_base_.load_pipeline, mask_transform, _base_.two_views, _base_.sample_shared_masks,
    _base_.pack_masks
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
