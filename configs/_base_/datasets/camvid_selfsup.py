# Unlabeled pre-training on CamVid's 367 training images (labels unused), at reduced resolution:
# each 480x360 image is first halved to 240x180 (the "original image" that the views' coord boxes
# refer to), then two 128 px views are cut with the toy scenes' augmentation. The CamVid quality
# benchmark (benchmarks/camvid_quality.py) pre-trains every method on this; pass the data root with
# --cfg-options train_dataloader.dataset.data_root=DIR (or the benchmark's --data-root).
_base_ = './toy_scenes_selfsup.py'
data_root = 'data/camvid/'
crop_size = 128
view_pipeline = [
    dict(type='RandomResizedCropWithCoord', size=crop_size, scale=(0.2, 1.0)),
    *_base_.view_pipeline[1:],  # colour jitter, grayscale, blur, flip
]
load_pipeline = [
    _base_.train_pipeline[0],  # LoadImageChecked
    dict(type='mmcv.Resize', scale=(240, 180), keep_ratio=True),
]
train_pipeline = [
    *load_pipeline,
    dict(type='MultiViewWithCoord', num_views=2, transforms=[view_pipeline]),
    _base_.train_pipeline[-1],  # PackDenseSSLInputs
]
train_dataloader = dict(
    batch_size=16, num_workers=4, dataset=dict(data_root=data_root, pipeline=train_pipeline))
