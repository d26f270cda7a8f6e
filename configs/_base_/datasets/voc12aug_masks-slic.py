# As voc12aug_masks.py, with SLIC superpixels as regions (RLMoCo): about 64 per ~500x375 image
# (our choice, the density of the CamVid configs: 64 per 240x180 there gives larger regions here,
# closer to object parts), compactness 10, sigma 1 (skimage's usual values), ids drawn from the
# regions both views share. Cached on disk.
_base_ = './voc12aug_masks.py'
mask_transform = dict(
    type='SLICMasks', n_segments=64, compactness=10, sigma=1.0, cache_dir=_base_.mask_cache_dir)
train_pipeline = [
    *_base_.load_pipeline, mask_transform, _base_.two_views, _base_.sample_shared_masks,
    _base_.pack_masks
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
