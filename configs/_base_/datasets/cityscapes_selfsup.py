# Unlabeled pre-training on Cityscapes: the 2,975 leftImg8bit/train images (gtFine not read), found
# recursively under data_root/leftImg8bit/train (<city>/*_leftImg8bit.png). Each 2048x1024 image is
# first halved to 1024x512 (our choice: the "original image" the views' coord boxes and masks refer
# to; a 224 px view of the full-size image at crop scale 0.2 would already be a 4x downscale), then
# two 224 px views with MoCo v2's augmentation are cut as in voc12aug_selfsup.py. Batch 16 in one
# process (with N GPUs set train_dataloader.batch_size=16/N).
_base_ = './voc12aug_selfsup.py'
data_root = 'data/cityscapes/'
load_pipeline = [
    *_base_.load_pipeline,  # LoadImageChecked
    dict(type='mmcv.Resize', scale=(1024, 512), keep_ratio=True),
]
train_pipeline = [
    *load_pipeline,
    *_base_.train_pipeline[1:],  # the two views, packing
]
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='ImageFolder',
        data_root=data_root,
        data_prefix=dict(img_path='leftImg8bit/train'),
        extensions=('_leftImg8bit.png', ),
        pipeline=train_pipeline))
