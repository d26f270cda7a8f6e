# CamVid, SegNet's 11-class version (367 train / 101 val images of 480x360, void = 255), through our
# CamVidDataset. Layout: data_root/img_dir/{train,val}/*.jpg, data_root/ann_dir/{train,val}/*.png.
# A scaled-down stand-in for Cityscapes (driving scenes): same pipeline shape, smaller crops.
dataset_type = 'CamVidDataset'
data_root = 'data/camvid/'
crop_size = (360, 360)
train_pipeline = [
    dict(type='LoadImageChecked'),  # names the file on failure; 3-channel BGR
    dict(type='LoadAnnotations'),
    dict(type='CheckSegLabels'),  # values outside the classes raise, naming the file
    dict(type='RandomResize', scale=(480, 360), ratio_range=(0.5, 2.0), keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size, cat_max_ratio=0.75),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PhotoMetricDistortion'),
    dict(type='PackSegInputs'),
]
test_pipeline = [
    dict(type='LoadImageChecked'),  # names the file on failure; 3-channel BGR
    dict(type='Resize', scale=(480, 360), keep_ratio=True),
    dict(type='LoadAnnotations'),
    dict(type='CheckSegLabels'),  # values outside the classes raise, naming the file
    dict(type='PackSegInputs'),
]
train_dataloader = dict(
    batch_size=16,  # the protocols' batch; with N GPUs set train_dataloader.batch_size=16/N
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_prefix=dict(img_path='img_dir/train', seg_map_path='ann_dir/train'),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_prefix=dict(img_path='img_dir/val', seg_map_path='ann_dir/val'),
        pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='IoUMetric', iou_metrics=['mIoU'])
test_evaluator = val_evaluator
