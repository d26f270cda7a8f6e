# The toy-scene views at 128 px instead of 64, for the ViT configs: at patch size 16 that is an
# 8 x 8 token map, the same cell grid as the dilated ResNets' stride 8 at 64 px (a 64 px view would
# give the ViT 4 x 4 cells). The geometry (coord_box, matching) is unchanged; only the views'
# resolution is.
_base_ = './toy_scenes_selfsup.py'
crop_size = 128
view_pipeline = [dict(_base_.moco_v2_crop, size=crop_size), *_base_.moco_aug]
two_views = dict(type='MultiViewWithCoord', num_views=2, transforms=[view_pipeline])
train_pipeline = [*_base_.load_pipeline, two_views, _base_.pack_views]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
