# Unlabeled pre-training on PASCAL VOC 2012 aug: the 10,582 train_aug images (VOC train + SBD aug;
# their labels are not read), listed by stem in ImageSets/Segmentation/train_aug.txt under
# data_root. MMSeg's tools/dataset_converters/voc_aug.py writes train.txt and aug.txt but not
# their union; make it once with
#   cat ImageSets/Segmentation/train.txt ImageSets/Segmentation/aug.txt \
#       > ImageSets/Segmentation/train_aug.txt
# Two 224 px views with MoCo v2's augmentation (pieces/selfsup.py), loaded as the reference
# protocols load (pieces/loading.py).
_base_ = './pieces/selfsup.py'
data_root = 'data/VOCdevkit/VOC2012/'
crop_size = 224
load_pipeline = [_base_.load_image]
view_pipeline = [dict(_base_.moco_v2_crop, size=crop_size), *_base_.moco_aug]
two_views = dict(type='MultiViewWithCoord', num_views=2, transforms=[view_pipeline])
train_pipeline = [*load_pipeline, two_views, _base_.pack_views]
train_dataloader = dict(
    _base_.reference_loader,
    dataset=dict(
        data_root=data_root,
        data_prefix=dict(img_path='JPEGImages'),
        ann_file='ImageSets/Segmentation/train_aug.txt',
        ann_suffix='.jpg',
        pipeline=train_pipeline))
