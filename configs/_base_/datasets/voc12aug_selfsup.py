# Unlabeled pre-training on PASCAL VOC 2012 aug: the 10,582 train_aug images (VOC train + SBD aug;
# their labels are not read), listed by stem in ImageSets/Segmentation/train_aug.txt under
# data_root. MMSeg's tools/dataset_converters/voc_aug.py writes train.txt and aug.txt but not
# their union; make it once with
#   cat ImageSets/Segmentation/train.txt ImageSets/Segmentation/aug.txt \
#       > ImageSets/Segmentation/train_aug.txt
# Two 224 px views with MoCo v2's augmentation (crop scale 0.2-1, colour jitter 0.4/0.4/0.4/0.1 at
# p 0.8, grayscale 0.2, blur 0.1-2.0 at p 0.5, flip; Chen et al. 2020), each remembering its crop
# and flip (coord_box) for the dense losses. Batch 16 in one process (the reference total batch;
# with N GPUs set train_dataloader.batch_size=16/N). Loader sized for a GPU: 8 workers per process
# kept alive between epochs, batches in pinned memory (benchmarks/results/loader_throughput_cpu.md:
# images/s per worker of each method's pipeline; every VOC / Cityscapes pre-training config
# inherits these keys).
_base_ = './toy_scenes_selfsup.py'
data_root = 'data/VOCdevkit/VOC2012/'
crop_size = 224
view_pipeline = [
    dict(type='RandomResizedCropWithCoord', size=crop_size, scale=(0.2, 1.0)),
    *_base_.view_pipeline[1:],  # colour jitter, grayscale, blur, flip
]
load_pipeline = [_base_.train_pipeline[0]]  # LoadImageChecked
train_pipeline = [
    *load_pipeline,
    dict(type='MultiViewWithCoord', num_views=2, transforms=[view_pipeline]),
    _base_.train_pipeline[-1],  # PackDenseSSLInputs
]
train_dataloader = dict(
    batch_size=16,
    num_workers=8,
    persistent_workers=True,
    pin_memory=True,
    dataset=dict(
        data_root=data_root,
        data_prefix=dict(img_path='JPEGImages'),
        ann_file='ImageSets/Segmentation/train_aug.txt',
        ann_suffix='.jpg',
        pipeline=train_pipeline))
