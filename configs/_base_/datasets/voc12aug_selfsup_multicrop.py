# Constrained multi-crop (pieces/selfsup.py) on VOC 2012 aug at the reference view size: large
# crops 224 px (the other reference configs' views; the paper's 160 px saved ImageNet compute),
# small crops 96 px (the paper's).
_base_ = './voc12aug_selfsup.py'
train_pipeline = [
    *_base_.load_pipeline,
    dict(_base_.multicrop, large_size=224, small_size=96),
    _base_.pack_views,
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
