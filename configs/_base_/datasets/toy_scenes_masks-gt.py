# As toy_scenes_masks.py, with the ground-truth label maps as masks (one region per class present;
# an upper bound for unsupervised masks). The maps are found beside the images (img_dir -> ann_dir).
_base_ = './toy_scenes_masks.py'
mask_transform = dict(
    type='LoadGTMasks', ann_dir='ann_dir', seg_map_suffix='.png', ignore_index=255)
train_pipeline = [
    *_base_.load_pipeline, mask_transform, _base_.two_views, _base_.sample_masks, _base_.pack_masks
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
