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
# FT-10%'s training set (the FT-10% protocol pieces merge it into train_dataloader): a seeded 10%
# label split (37 of 367 images), written by
#   python tools/make_label_split.py configs/seg/<head>/<head>_r18-d8_ft100-10k_camvid.py \
#       --fraction 0.1 --seed 0 [--out-dir DIR]
# to <data_root>/splits/train_10pct_seed0.txt (use --out-dir and an absolute ann_file where the data
# folder is read-only; tools/evaluate.py does this by itself). camvid-half_seg.py inherits it.
label_split_10pct = dict(dataset=dict(ann_file='splits/train_10pct_seed0.txt'))
