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
# Regions for the region-level methods (pieces/masks.py; the manifest's mask variants put one of
# these before the views), computed on the 1024x512 halved image. Felzenszwalb (DetCon):
# scale = min_size = 1000 scaled by area, 1000 * 524288 / 187500 ~ 2800 (sigma 0.8 as DetCon).
# SLIC (RLMoCo): about 128 superpixels per image (our choice: VOC's 64 per ~500x375, scaled by
# area and halved for Cityscapes' large flat road/sky regions), compactness 10, sigma 1. Cached on
# disk (cache_dir, as on VOC).
mask_cache_dir = 'data/mask_cache'
felzenszwalb_masks = dict(
    type='FelzenszwalbMasks', scale=2800, sigma=0.8, min_size=2800, cache_dir=mask_cache_dir)
slic_masks = dict(
    type='SLICMasks', n_segments=128, compactness=10, sigma=1.0, cache_dir=mask_cache_dir)
# The images with an image-level label each (Exemplar-v2): the dominant *thing* class of each
# gtFine train-id map (our choice: the stuff classes road, sidewalk, building, wall, fence,
# vegetation, terrain and sky, train ids 0-4 and 8-10, are excluded, since road or building
# dominates nearly every image and would make all images one class; void 255 is ignored). The map
# is read at full size; the image is halved as above.
image_labels_pipeline = [*load_pipeline, two_views, _base_.pack_image_labels]
image_labels_dataset = dict(
    type='SegMapImageLabels',
    num_classes=19,
    label_type='dominant',
    ignore_classes=(0, 1, 2, 3, 4, 8, 9, 10),
    img_suffix='_leftImg8bit.png',
    seg_map_suffix='_gtFine_labelTrainIds.png',
    data_root=data_root,
    data_prefix=dict(img_path='leftImg8bit/train', seg_map_path='gtFine/train'),
    pipeline=image_labels_pipeline)
