# Cityscapes (2,975 train / 500 val, 19 classes, 255 ignored) through MMSeg's own base: 512x1024
# crops of images resized to 2048x1024 x [0.5, 2]. Data at data_root (absent on the development
# machine; the config is still complete). MMSeg's dataset class and loader with our checks
# (ssl4dp_mm/datasets/reference_seg_datasets.py): a missing split list, a listed image or label map
# that is absent, or a train id outside the classes fails naming the file.
_base_ = 'mmseg::_base_/datasets/cityscapes.py'
dataset_type = 'CheckedCityscapesDataset'
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
# the protocols' batch 16, in one process; with N GPUs set train_dataloader.batch_size=16/N. Loader
# sized for a GPU: 8 persistent workers (MMSeg's base: 2 for its batch 2), pinned memory.
train_dataloader = dict(
    batch_size=16,
    num_workers=8,
    persistent_workers=True,
    pin_memory=True,
    dataset=dict(type=dataset_type, pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(type=dataset_type, pipeline=test_pipeline))
test_dataloader = val_dataloader
