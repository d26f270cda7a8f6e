# As voc12aug_masks.py, with SLIC superpixels as regions (RLMoCo): about 64 per ~500x375 image
# (our choice, the density of the CamVid configs: 64 per 240x180 there gives larger regions here,
# closer to object parts), compactness 10, sigma 1 (skimage's usual values). Cached on disk.
_base_ = './voc12aug_masks.py'
mask_transform = dict(
    type='SLICMasks', n_segments=64, compactness=10, sigma=1.0, cache_dir=_base_.mask_cache_dir)
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
