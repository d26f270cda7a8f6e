# Unlabeled pre-training on CamVid's 367 training images (labels unused), at reduced resolution:
# each 480x360 image is first halved to 240x180 (the "original image" that the views' coord boxes
# refer to), then two 128 px views with MoCo v2's augmentation (pieces/selfsup.py) are cut. The
# CamVid quality benchmark (benchmarks/camvid_quality.py) pre-trains every method on this; pass the
# data root with --cfg-options train_dataloader.dataset.data_root=DIR (or the benchmark's
# --data-root).
_base_ = './pieces/selfsup.py'
data_root = 'data/camvid/'
crop_size = 128
load_pipeline = [_base_.load_image, dict(type='mmcv.Resize', scale=(240, 180), keep_ratio=True)]
view_pipeline = [dict(_base_.moco_v2_crop, size=crop_size), *_base_.moco_aug]
two_views = dict(type='MultiViewWithCoord', num_views=2, transforms=[view_pipeline])
train_pipeline = [*load_pipeline, two_views, _base_.pack_views]
train_dataloader = dict(
    batch_size=16,
    num_workers=4,
    dataset=dict(
        data_root=data_root, data_prefix=dict(img_path='img_dir/train'), pipeline=train_pipeline))
