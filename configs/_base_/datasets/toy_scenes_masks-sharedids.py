# toy_scenes_masks.py with the ids drawn once per image from the masks present in both views
# (SampleMaskIds per_view=False) instead of DetCon's per-view draws: every sampled id is then a
# positive pair, which on 64 px views with 10-27 masks per image gives more positives per step.
_base_ = './toy_scenes_masks.py'
train_pipeline = [
    *_base_.load_pipeline, _base_.mask_transform, _base_.two_views, _base_.sample_shared_masks,
    _base_.pack_masks
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
