# As camvid_masks.py, with SLIC superpixels (RLMoCo): about 64 per 240x180 image, ids drawn from
# the regions both views share.
_base_ = './camvid_masks.py'
mask_transform = dict(type='SLICMasks', n_segments=64, compactness=10, sigma=1.0, cache_dir=None)
train_pipeline = [
    *_base_.load_pipeline, mask_transform, _base_.two_views, _base_.sample_shared_masks,
    _base_.pack_masks
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
