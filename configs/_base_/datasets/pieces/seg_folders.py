# The loaders and metric of the segmentation datasets kept in MMSeg's img_dir/ann_dir layout and
# read by our own dataset classes (the toy scenes, CamVid): img_dir/{train,val}/*.jpg|png,
# ann_dir/{train,val}/*.png. The dataset base sets the dataset type, root, pipelines and loader
# sizes.
_base_ = './seg.py'
train_dataloader = dict(
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(data_prefix=dict(img_path='img_dir/train', seg_map_path='ann_dir/train')))
val_dataloader = dict(
    batch_size=1,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(data_prefix=dict(img_path='img_dir/val', seg_map_path='ann_dir/val')))
test_dataloader = val_dataloader
val_evaluator = dict(type='IoUMetric', iou_metrics=['mIoU'])
test_evaluator = val_evaluator
