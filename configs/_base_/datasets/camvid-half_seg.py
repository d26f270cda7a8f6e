# CamVid at half resolution (240x180; labels are scored at their full 480x360 size), for the CamVid
# quality benchmark: the camvid_seg.py pipeline with every size halved and batch 8.
_base_ = './camvid_seg.py'
crop_size = (176, 176)
train_pipeline = [
    _base_.load_image, *_base_.load_labels,
    dict(type='RandomResize', scale=(240, 180), ratio_range=(0.5, 2.0), keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size, cat_max_ratio=0.75),
    _base_.seg_flip, _base_.photometric, _base_.pack_seg
]
test_pipeline = [
    _base_.load_image, dict(type='Resize', scale=(240, 180), keep_ratio=True), *_base_.load_labels,
    _base_.pack_seg
]
train_dataloader = dict(batch_size=8, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
