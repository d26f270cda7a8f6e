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
# Regions for the region-level methods (pieces/masks.py; the manifest's mask variants put one of
# these before the views). Felzenszwalb (DetCon): VOC's images are ImageNet's size (~500x375), so
# DetCon's scale = min_size = 1000 and sigma 0.8 are used unscaled. SLIC (RLMoCo): about 64
# superpixels per image (our choice, the density of the CamVid configs: 64 per 240x180 there gives
# larger regions here, closer to object parts), compactness 10, sigma 1 (skimage's usual values).
# The same 10,582 images come back every epoch, so the masks are cached on disk (cache_dir; move it
# with --cfg-options, or fill it ahead with tools/precompute_masks.py).
mask_cache_dir = 'data/mask_cache'
felzenszwalb_masks = dict(
    type='FelzenszwalbMasks', scale=1000, sigma=0.8, min_size=1000, cache_dir=mask_cache_dir)
slic_masks = dict(
    type='SLICMasks', n_segments=64, compactness=10, sigma=1.0, cache_dir=mask_cache_dir)
# The images with an image-level label each (Exemplar-v2): the dominant object class of each
# image's label map, background (0) and void (255) excluded. The labels come from the segmentation
# ground truth, so the dataset is MMSeg's two-part train_aug: train.txt with SegmentationClass,
# aug.txt with SegmentationClassAug (as voc12aug_seg.py). label_type='multi_hot' gives the classes
# present instead (then set model.multi_label=True).
image_labels_pipeline = [*load_pipeline, two_views, _base_.pack_image_labels]
image_label_part = dict(  # what both parts share
    type='SegMapImageLabels',
    num_classes=21,
    label_type='dominant',
    ignore_classes=(0, ),
    img_suffix='.jpg',
    seg_map_suffix='.png',
    data_root=data_root,
    pipeline=image_labels_pipeline)
image_labels_dataset = dict(
    type='ConcatDataset',
    datasets=[
        dict(
            image_label_part,
            data_prefix=dict(img_path='JPEGImages', seg_map_path='SegmentationClass'),
            ann_file='ImageSets/Segmentation/train.txt'),
        dict(
            image_label_part,
            data_prefix=dict(img_path='JPEGImages', seg_map_path='SegmentationClassAug'),
            ann_file='ImageSets/Segmentation/aug.txt'),
    ])
