# DetCon's "positives from a single view" ablation: one augmentation per image (one view of
# toy_scenes_masks.py), copied into the two views the methods expect (CopyViews), so the positive of
# a mask is the same mask in the same view. Ids are drawn once for both copies (per_view=False):
# with identical views, independent draws would only lose positives.
_base_ = './toy_scenes_masks.py'
train_pipeline = [
    *_base_.load_pipeline,
    _base_.mask_transform,
    dict(type='MultiViewWithCoord', num_views=1, transforms=[_base_.view_pipeline]),
    dict(type='CopyViews', num_copies=2),
    _base_.sample_shared_masks,
    _base_.pack_masks,
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
