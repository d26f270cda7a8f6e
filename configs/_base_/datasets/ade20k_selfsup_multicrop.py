# ade20k_selfsup.py with constrained multi-crop (2 x 224 px, 4 x 96 px, as on VOC and Cityscapes).
_base_ = './ade20k_selfsup.py'
train_pipeline = [
    *_base_.load_pipeline,
    dict(_base_.multicrop, large_size=224, small_size=96),
    _base_.pack_views,
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
