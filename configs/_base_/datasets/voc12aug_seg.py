# PASCAL VOC 2012 with the SBD "aug" labels (10,582 training images, 1,449 val), through MMSeg's own
# base: a ConcatDataset of ImageSets/Segmentation/train.txt (SegmentationClass) and aug.txt
# (SegmentationClassAug), as MMSeg's tools/dataset_converters/voc_aug.py writes them. 21 classes,
# 255 ignored. Data at data_root (absent on the development machine; the config is still complete).
# MMSeg's dataset class and loader with our checks (ssl4dp_mm/datasets/reference_seg_datasets.py):
# a missing split list, a listed image or label map that is absent, or a label id outside the
# classes fails naming the file (MMSeg's own class fails with a bare assertion or mid-training).
_base_ = 'mmseg::_base_/datasets/pascal_voc12_aug.py'
dataset_type = 'CheckedPascalVOCDataset'
train_pipeline = [
    dict(type='LoadImageChecked'),  # names the file on failure; 3-channel BGR
    dict(type='LoadAnnotations'),
    dict(type='CheckSegLabels'),  # values outside the classes raise, naming the file
    *_base_.train_pipeline[2:],  # MMSeg's resize, crop, flip, photometric distortion, packing
]
test_pipeline = [
    dict(type='LoadImageChecked'),
    *_base_.test_pipeline[1:-1],  # MMSeg's resize, LoadAnnotations
    dict(type='CheckSegLabels'),
    _base_.test_pipeline[-1],  # PackSegInputs
]
train_dataloader = dict(
    batch_size=16,  # the protocols' batch, in one process; with N GPUs set 16/N
    num_workers=8,  # sized for a GPU (MMSeg's base: 4 for its batch 4)
    persistent_workers=True,
    pin_memory=True,
    dataset=dict(datasets=[
        dict(
            type=dataset_type,
            data_root=_base_.data_root,
            data_prefix=dict(img_path='JPEGImages', seg_map_path='SegmentationClass'),
            ann_file='ImageSets/Segmentation/train.txt',
            pipeline=train_pipeline),
        dict(
            type=dataset_type,
            data_root=_base_.data_root,
            data_prefix=dict(img_path='JPEGImages', seg_map_path='SegmentationClassAug'),
            ann_file='ImageSets/Segmentation/aug.txt',
            pipeline=train_pipeline),
    ]))
val_dataloader = dict(dataset=dict(type=dataset_type, pipeline=test_pipeline))
test_dataloader = val_dataloader
