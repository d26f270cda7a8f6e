# Constrained multi-crop (pieces/selfsup.py) on the toy scenes: large crops of 64 px (the toy's
# views) and small ones of 40 px.
_base_ = './toy_scenes_selfsup.py'
train_pipeline = [
    *_base_.load_pipeline,
    dict(_base_.multicrop, large_size=64, small_size=40),
    _base_.pack_views,
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
