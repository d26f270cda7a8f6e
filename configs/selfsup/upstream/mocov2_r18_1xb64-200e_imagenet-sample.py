# The upstream image-level model of the continued pre-training regime: MMSelfSup's MoCo v2 on the
# 1000 images of ../shared/datasets/imagenet-sample (one per ImageNet class, short side 160 px,
# labels unused), standing in for the ImageNet MoCo v2 checkpoint that the reference reports
# continue.
# The backbone is the CamVid configs' ResNet-18 (deep stem, ResNetV1c) without dilation, as an
# ImageNet model is: dilation changes no parameter, so the checkpoint loads key for key into the
# dilated r18-d8 of the CamVid configs (configs/selfsup/<method>/*_camvid.py) and configs/seg
# (output stride 8 there, 32 here).
#
#   python tools/train.py configs/selfsup/upstream/mocov2_r18_1xb64-200e_imagenet-sample.py \
#       --work-dir ~/.cache/ssl4dp_mm/upstream/mocov2_r18_imagenet-sample_s0 --resume
#
# or `benchmarks/camvid_quality.py --regime continued`, which builds it on demand (cached outside
# the repository, ssl4dp_mm/benchmarking/upstream.py) and records its cost. 200 epochs of 15
# iterations at batch 64; 112 px views (ImageNet's 224 px crops of ~256 px images, scaled to the
# 160 px short side), MoCo v2's augmentation, queue of 512 keys (half an epoch: no stale key of a
# view's own image is a negative), weight decay 5e-4 as in MoCo v2's small-dataset recipes.
_base_ = [
    '../../_base_/models/mocov2_r18-d8.py',
    '../../_base_/datasets/pieces/selfsup.py',
    '../../_base_/schedules/selfsup_sgd_cos_300i.py',
    '../../_base_/selfsup_runtime.py',
]
data_root = '../shared/datasets/imagenet-sample/'
crop_size = 112
max_epochs = 200
model = dict(
    queue_len=512,
    backbone=dict(dilations=(1, 1, 1, 1), strides=(1, 2, 2, 2)))
view_pipeline = [dict(_base_.moco_v2_crop, size=crop_size), *_base_.moco_aug]
train_pipeline = [
    _base_.load_image,
    dict(type='MultiViewWithCoord', num_views=2, transforms=[view_pipeline]),
    _base_.pack_views,
]
train_dataloader = dict(
    batch_size=64,
    num_workers=2,
    dataset=dict(
        data_root=data_root, data_prefix=dict(img_path='train'), pipeline=train_pipeline))
optim_wrapper = dict(optimizer=dict(lr=0.06, weight_decay=5e-4))
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=max_epochs, by_epoch=True, begin=0, end=max_epochs,
         convert_to_iter_based=True)
]
train_cfg = dict(_delete_=True, type='EpochBasedTrainLoop', max_epochs=max_epochs)
default_hooks = dict(
    logger=dict(interval=15),
    checkpoint=dict(interval=10, by_epoch=True, max_keep_ckpts=2))
log_processor = dict(by_epoch=True)
