# ade20k_selfsup.py with an image-level label per image (Exemplar-v2): the dominant class of its
# label map, read raw (ids 0..150; 0, "other", never counts).
_base_ = './ade20k_selfsup.py'
train_pipeline = [*_base_.load_pipeline, _base_.two_views, _base_.pack_image_labels]
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='SegMapImageLabels',
        num_classes=151,
        label_type='dominant',
        ignore_classes=(0, ),
        img_suffix='.jpg',
        seg_map_suffix='.png',
        data_root=_base_.data_root,
        data_prefix=dict(img_path='images/training', seg_map_path='annotations/training'),
        pipeline=train_pipeline))
