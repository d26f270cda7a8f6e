# Cityscapes (2,975 train / 500 val, 19 classes, 255 ignored) through MMSeg's own base: 512x1024
# crops of images resized to 2048x1024 x [0.5, 2]. Data at data_root (absent on the development
# machine; the config is still complete). MMSeg's dataset class and loader with our checks
# (ssl4dp_mm/datasets/reference_seg_datasets.py): a missing split list, a listed image or label map
# that is absent, or a train id outside the classes fails naming the file.
_base_ = ['mmseg::_base_/datasets/cityscapes.py', './pieces/seg.py']
dataset_type = 'CheckedCityscapesDataset'
# MMSeg's pipelines with our loader and label check (pieces/seg.py) in place of its loading steps
train_pipeline = [
    _base_.load_image,
    *_base_.load_labels,
    *[t for t in _base_.train_pipeline if t['type'] not in ('LoadImageFromFile', 'LoadAnnotations')]
]
test_pipeline = [
    step for t in _base_.test_pipeline
    for step in ([_base_.load_image] if t['type'] == 'LoadImageFromFile' else
                 [t, _base_.check_labels] if t['type'] == 'LoadAnnotations' else [t])
]
train_dataloader = dict(
    _base_.reference_loader, dataset=dict(type=dataset_type, pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(type=dataset_type, pipeline=test_pipeline))
test_dataloader = val_dataloader
# FT-10%'s training set (the FT-10% protocol pieces merge it into train_dataloader): a seeded 10%
# label split (names such as aachen/aachen_000000_000019, relative to leftImg8bit/train), written by
#   python tools/make_label_split.py configs/seg/<head>/<head>_r18-d8_ft100-90k_cityscapes.py \
#       --fraction 0.1 --seed 0
# to <data_root>/splits/train_10pct_seed0.txt. Validation is unchanged.
label_split_10pct = dict(dataset=dict(ann_file='splits/train_10pct_seed0.txt'))
