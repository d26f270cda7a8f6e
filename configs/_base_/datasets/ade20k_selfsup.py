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
# Regions for the region-level methods (pieces/masks.py; the manifest's mask variants put one of
# these before the views). Felzenszwalb (DetCon): scale = min_size = 1000 and sigma 0.8 as on VOC,
# DetCon's values for ~500x375 ImageNet images, and ADE20K's images are about that size. SLIC
# (RLMoCo): about 64 per image as on VOC, compactness 10, sigma 1. Cached on disk (one 16-bit PNG
# per image; tools/precompute_masks.py fills the cache ahead).
mask_cache_dir = 'data/mask_cache'
felzenszwalb_masks = dict(
    type='FelzenszwalbMasks', scale=1000, sigma=0.8, min_size=1000, cache_dir=mask_cache_dir)
slic_masks = dict(
    type='SLICMasks', n_segments=64, compactness=10, sigma=1.0, cache_dir=mask_cache_dir)
# The images with an image-level label each (Exemplar-v2): the dominant class of each label map,
# read raw (ids 0..150; 0, "other", never counts).
image_labels_pipeline = [*load_pipeline, two_views, _base_.pack_image_labels]
image_labels_dataset = dict(
    type='SegMapImageLabels',
    num_classes=151,
    label_type='dominant',
    ignore_classes=(0, ),
    img_suffix='.jpg',
    seg_map_suffix='.png',
    data_root=data_root,
    data_prefix=dict(img_path='images/training', seg_map_path='annotations/training'),
    pipeline=image_labels_pipeline)
