# Unlabeled pre-training on the embedded toy scenes (96x128 images): two 64 px views with MoCo v2's
# augmentation (pieces/selfsup.py) that remember their crop/flip.
_base_ = './pieces/selfsup.py'
data_root = 'data/toy_scenes/'
crop_size = 64
load_pipeline = [_base_.load_image]
view_pipeline = [dict(_base_.moco_v2_crop, size=crop_size), *_base_.moco_aug]
two_views = dict(type='MultiViewWithCoord', num_views=2, transforms=[view_pipeline])
train_pipeline = [*load_pipeline, two_views, _base_.pack_views]
train_dataloader = dict(
    batch_size=8,
    num_workers=2,
    dataset=dict(
        data_root=data_root, data_prefix=dict(img_path='img_dir/train'), pipeline=train_pipeline))
