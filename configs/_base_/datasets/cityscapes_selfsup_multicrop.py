# Constrained multi-crop (pieces/selfsup.py) on Cityscapes: large crops of 224 px and small ones of
# 96 px (as on VOC) cut from the 1024x512 halved images of cityscapes_selfsup.py.
_base_ = './cityscapes_selfsup.py'
train_pipeline = [
    *_base_.load_pipeline,
    dict(_base_.multicrop, large_size=224, small_size=96),
    _base_.pack_views,
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
