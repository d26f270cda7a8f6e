# The toy-scene views of toy_scenes_selfsup.py at 128 px instead of 64, for the ViT configs: at
# patch size 16 that is an 8 x 8 token map, the same cell grid as the dilated ResNets' stride 8 at
# 64 px (a 64 px view would give the ViT 4 x 4 cells). The geometry (coord_box, matching) is
# unchanged; only the views' resolution is.
_base_ = './toy_scenes_selfsup.py'
crop_size = 128
view_pipeline = [
    dict(type='RandomResizedCropWithCoord', size=crop_size, scale=(0.2, 1.0)),
    *_base_.view_pipeline[1:],  # colour jitter, grayscale, blur, flip
]
train_pipeline = [
    _base_.train_pipeline[0],  # load
    dict(type='MultiViewWithCoord', num_views=2, transforms=[view_pipeline]),
    _base_.train_pipeline[-1],  # pack
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
