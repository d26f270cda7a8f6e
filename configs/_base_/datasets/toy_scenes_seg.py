# Segmentation on the embedded toy scenes (96x128 images, 6 classes).
_base_ = './pieces/seg_folders.py'
dataset_type = 'ToyScenesDataset'
data_root = 'data/toy_scenes/'
crop_size = (64, 64)
train_pipeline = [
    _base_.load_image, *_base_.load_labels,
    dict(type='RandomResize', scale=(128, 96), ratio_range=(0.75, 1.5), keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size, cat_max_ratio=0.9),
    _base_.seg_flip, _base_.pack_seg
]
test_pipeline = [
    _base_.load_image, dict(type='Resize', scale=(128, 96), keep_ratio=True), *_base_.load_labels,
    _base_.pack_seg
]
train_dataloader = dict(
    batch_size=8,
    num_workers=2,
    dataset=dict(type=dataset_type, data_root=data_root, pipeline=train_pipeline))
val_dataloader = dict(
    num_workers=2, dataset=dict(type=dataset_type, data_root=data_root, pipeline=test_pipeline))
test_dataloader = val_dataloader
# FT-10%'s training set (the FT-10% protocol pieces merge it into train_dataloader): a seeded 10%
# label split, written by
#   python tools/make_label_split.py configs/seg/mocofcn/mocofcn_r18-d8_lp-300i_toyscenes.py \
#       --fraction 0.1 --seed 0
# to <data_root>/splits/train_10pct_seed0.txt.
label_split_10pct = dict(dataset=dict(ann_file='splits/train_10pct_seed0.txt'))
