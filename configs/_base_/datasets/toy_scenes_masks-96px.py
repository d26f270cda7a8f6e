# DetCon's "higher resolution" ablation on the toy scenes: the views of toy_scenes_masks.py at 96 px
# instead of 64 (2.25x the pixels; 12x12 feature maps at stride 8 instead of 8x8). The masks are
# computed on the 96x128 source image, as before, so only the views' resolution changes.
_base_ = './toy_scenes_masks.py'
crop_size = 96
view_pipeline = [
    dict(type='RandomResizedCropWithCoord', size=crop_size, scale=(0.2, 1.0)),
    *_base_.view_pipeline[1:],  # colour jitter, grayscale, blur, flip
]
train_pipeline = [
    *_base_.train_pipeline[:2],  # load, masks
    dict(type='MultiViewWithCoord', num_views=2, transforms=[view_pipeline]),
    *_base_.train_pipeline[3:],  # sample ids, pack
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
