# Constrained multi-crop on Cityscapes: voc12aug_selfsup_multicrop.py's crops (224 / 96 px) cut from
# the 1024x512 halved images of cityscapes_selfsup.py.
_base_ = './voc12aug_selfsup_multicrop.py'
data_root = 'data/cityscapes/'
load_pipeline = [
    *_base_.load_pipeline,  # LoadImageChecked
    dict(type='mmcv.Resize', scale=(1024, 512), keep_ratio=True),
]
train_pipeline = [*load_pipeline, *_base_.train_pipeline[1:]]
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='ImageFolder',
        data_root=data_root,
        data_prefix=dict(img_path='leftImg8bit/train'),
        extensions=('_leftImg8bit.png', ),
        pipeline=train_pipeline))
