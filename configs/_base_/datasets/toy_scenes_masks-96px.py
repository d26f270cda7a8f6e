# DetCon's "higher resolution" ablation on the toy scenes: the views of toy_scenes_masks.py at 96 px
# instead of 64 (2.25x the pixels; 12x12 feature maps at stride 8 instead of 8x8). The masks are
# computed on the 96x128 source image, as before, so only the views' resolution changes.
_base_ = './toy_scenes_masks.py'
crop_size = 96
view_pipeline = [dict(_base_.moco_v2_crop, size=crop_size), *_base_.moco_aug]
two_views = dict(type='MultiViewWithCoord', num_views=2, transforms=[view_pipeline])
train_pipeline = [
    *_base_.load_pipeline, _base_.mask_transform, two_views, _base_.sample_masks, _base_.pack_masks
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
