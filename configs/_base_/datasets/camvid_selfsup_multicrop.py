# Constrained multi-crop (pieces/selfsup.py) on CamVid, scaled as camvid_selfsup.py scales its
# views: images halved to 240x180, large crops 128 px, small 80 px (the paper's 160/96 ratio,
# rounded to the output stride).
_base_ = './camvid_selfsup.py'
train_pipeline = [
    *_base_.load_pipeline,
    dict(_base_.multicrop, large_size=128, small_size=80),
    _base_.pack_views,
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
