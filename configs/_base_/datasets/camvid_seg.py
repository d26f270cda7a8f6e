# CamVid, SegNet's 11-class version (367 train / 101 val images of 480x360, void = 255), through our
# CamVidDataset in MMSeg's img_dir/ann_dir layout (pieces/seg_folders.py). A scaled-down stand-in
# for Cityscapes (driving scenes): same pipeline shape, smaller crops.
_base_ = './pieces/seg_folders.py'
dataset_type = 'CamVidDataset'
data_root = 'data/camvid/'
crop_size = (360, 360)
train_pipeline = [
    _base_.load_image, *_base_.load_labels,
    dict(type='RandomResize', scale=(480, 360), ratio_range=(0.5, 2.0), keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size, cat_max_ratio=0.75),
    _base_.seg_flip, _base_.photometric, _base_.pack_seg
]
test_pipeline = [
    _base_.load_image, dict(type='Resize', scale=(480, 360), keep_ratio=True), *_base_.load_labels,
    _base_.pack_seg
]
train_dataloader = dict(
    batch_size=16,  # the protocols' batch; with N GPUs set train_dataloader.batch_size=16/N
    num_workers=4,
    dataset=dict(type=dataset_type, data_root=data_root, pipeline=train_pipeline))
val_dataloader = dict(
    num_workers=4, dataset=dict(type=dataset_type, data_root=data_root, pipeline=test_pipeline))
test_dataloader = val_dataloader
