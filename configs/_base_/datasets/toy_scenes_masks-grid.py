# As toy_scenes_masks.py, with a 4x4 spatial grid as masks (DetCon's simplest mask).
_base_ = './toy_scenes_masks.py'
mask_transform = dict(type='GridMasks', grid=4)
train_pipeline = [
    *_base_.load_pipeline, mask_transform, _base_.two_views, _base_.sample_masks, _base_.pack_masks
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
