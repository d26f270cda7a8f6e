# Unlabeled pre-training on CamVid's 367 training images (labels unused), at reduced resolution:
# each 480x360 image is first halved to 240x180 (the "original image" that the views' coord boxes
# refer to), then two 128 px views are cut as on the toy scenes. The CamVid quality benchmark
# (benchmarks/camvid_quality.py) pre-trains every method on this; pass the data root with
# --cfg-options train_dataloader.dataset.data_root=DIR (or the benchmark's --data-root).
data_root = 'data/camvid/'
crop_size = 128
view_pipeline = [
    dict(type='RandomResizedCropWithCoord', size=crop_size, scale=(0.2, 1.0)),
    dict(
        type='RandomApply',
        transforms=[
            dict(type='ColorJitter', brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1)
        ],
        prob=0.8),
    dict(type='RandomGrayscale', prob=0.2, keep_channels=True,
         channel_weights=(0.114, 0.587, 0.2989)),
    dict(type='RandomGaussianBlur', sigma_min=0.1, sigma_max=2.0, prob=0.5),
    dict(type='RandomFlipWithCoord', prob=0.5),
]
load_pipeline = [
    dict(type='LoadImageChecked'),  # names the file on failure; 3-channel BGR
    dict(type='mmcv.Resize', scale=(240, 180), keep_ratio=True),
]
train_pipeline = [
    *load_pipeline,
    dict(type='MultiViewWithCoord', num_views=2, transforms=[view_pipeline]),
    dict(type='PackDenseSSLInputs', field_keys=['coord_box'], meta_keys=['img_path']),
]
train_dataloader = dict(
    batch_size=16,
    num_workers=4,
    drop_last=True,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        type='ImageFolder',
        data_root=data_root,
        data_prefix=dict(img_path='img_dir/train'),
        pipeline=train_pipeline))
