# PASCAL VOC 2012 with the SBD "aug" labels (10,582 training images, 1,449 val), through MMSeg's own
# base: a ConcatDataset of ImageSets/Segmentation/train.txt (SegmentationClass) and aug.txt
# (SegmentationClassAug), as MMSeg's tools/dataset_converters/voc_aug.py writes them. 21 classes,
# 255 ignored. Data at data_root (absent on the development machine; the config is still complete).
# MMSeg's dataset class and loader with our checks (ssl4dp_mm/datasets/reference_seg_datasets.py):
# a missing split list, a listed image or label map that is absent, or a label id outside the
# classes fails naming the file (MMSeg's own class fails with a bare assertion or mid-training).
_base_ = ['mmseg::_base_/datasets/pascal_voc12_aug.py', './pieces/seg.py']
dataset_type = 'CheckedPascalVOCDataset'
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
voc_train = dict(
    type=dataset_type,
    data_root=_base_.data_root,
    data_prefix=dict(img_path='JPEGImages', seg_map_path='SegmentationClass'),
    ann_file='ImageSets/Segmentation/train.txt',
    pipeline=train_pipeline)
voc_aug = dict(
    voc_train,
    data_prefix=dict(img_path='JPEGImages', seg_map_path='SegmentationClassAug'),
    ann_file='ImageSets/Segmentation/aug.txt')
train_dataloader = dict(_base_.reference_loader, dataset=dict(datasets=[voc_train, voc_aug]))
val_dataloader = dict(dataset=dict(type=dataset_type, pipeline=test_pipeline))
test_dataloader = val_dataloader
# FT-10%'s training set (the FT-10% protocol pieces merge it into train_dataloader): each part of
# the ConcatDataset cut to a seeded 10% label split, the lists written beside MMSeg's by
#   python tools/make_label_split.py configs/seg/<head>/<head>_r18-d8_ft100-30k_voc12aug.py \
#       --fraction 0.1 --seed 0
# (ImageSets/Segmentation/{train,aug}_10pct_seed0.txt). Validation is unchanged.
label_split_10pct = dict(
    dataset=dict(datasets=[
        dict(voc_train, ann_file='ImageSets/Segmentation/train_10pct_seed0.txt'),
        dict(voc_aug, ann_file='ImageSets/Segmentation/aug_10pct_seed0.txt'),
    ]))
