# Unlabeled pre-training on ADE20K: the 20,210 images of images/training (labels not read), used
# at their own size as VOC's (ADE20K's shorter side is about 512). Two 224 px views with MoCo v2's
# augmentation, each remembering its crop and flip (pieces/selfsup.py); the reference loader.
_base_ = './pieces/selfsup.py'
data_root = 'data/ade/ADEChallengeData2016/'
crop_size = 224
load_pipeline = [_base_.load_image]
view_pipeline = [dict(_base_.moco_v2_crop, size=crop_size), *_base_.moco_aug]
two_views = dict(type='MultiViewWithCoord', num_views=2, transforms=[view_pipeline])
train_pipeline = [*load_pipeline, two_views, _base_.pack_views]
train_dataloader = dict(
    _base_.reference_loader,
    dataset=dict(
        data_root=data_root,
        data_prefix=dict(img_path='images/training'),
        extensions=('.jpg', ),
        pipeline=train_pipeline))
