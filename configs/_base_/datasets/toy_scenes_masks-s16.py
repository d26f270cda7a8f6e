# toy_scenes_masks.py for a stride-16 encoder (ViT/16): 128 px views (8 x 8 tokens, as
# toy_scenes_selfsup-128px.py) and region ids sampled among the masks present at stride 16, as the
# model brings them to its token map. feat_stride must be the model's output stride (the test
# tests/models/algorithms/test_vit_configs.py checks it against the built model).
_base_ = './toy_scenes_masks.py'
crop_size = 128
feat_stride = 16
view_pipeline = [dict(_base_.moco_v2_crop, size=crop_size), *_base_.moco_aug]
two_views = dict(type='MultiViewWithCoord', num_views=2, transforms=[view_pipeline])
sample_masks = dict(_base_.sample_masks, feat_stride=feat_stride)
train_pipeline = [
    *_base_.load_pipeline, _base_.mask_transform, two_views, sample_masks, _base_.pack_masks
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
