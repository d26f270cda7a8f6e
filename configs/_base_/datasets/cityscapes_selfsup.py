# Unlabeled pre-training on Cityscapes: the 2,975 leftImg8bit/train images (gtFine not read), found
# recursively under data_root/leftImg8bit/train (<city>/*_leftImg8bit.png). Each 2048x1024 image is
# first halved to 1024x512 (our choice: the "original image" the views' coord boxes and masks refer
# to; a 224 px view of the full-size image at crop scale 0.2 would already be a 4x downscale), then
# two 224 px views with MoCo v2's augmentation (pieces/selfsup.py) are cut. Loaded as the reference
# protocols load (pieces/loading.py).
_base_ = './pieces/selfsup.py'
data_root = 'data/cityscapes/'
crop_size = 224
load_pipeline = [_base_.load_image, dict(type='mmcv.Resize', scale=(1024, 512), keep_ratio=True)]
view_pipeline = [dict(_base_.moco_v2_crop, size=crop_size), *_base_.moco_aug]
two_views = dict(type='MultiViewWithCoord', num_views=2, transforms=[view_pipeline])
train_pipeline = [*load_pipeline, two_views, _base_.pack_views]
train_dataloader = dict(
    _base_.reference_loader,
    dataset=dict(
        data_root=data_root,
        data_prefix=dict(img_path='leftImg8bit/train'),
        extensions=('_leftImg8bit.png', ),
        pipeline=train_pipeline))
