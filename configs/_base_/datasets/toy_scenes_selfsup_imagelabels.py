# The two-view toy pre-training data with an image-level label per image (for Exemplar-v2): the
# dominant object class of its label map, background (0) excluded. label_type='multi_hot' gives the
# classes present instead (then set model.multi_label=True).
_base_ = './toy_scenes_selfsup.py'
train_pipeline = [*_base_.load_pipeline, _base_.two_views, _base_.pack_image_labels]
train_dataloader = dict(
    dataset=dict(
        type='SegMapImageLabels',
        num_classes=6,
        label_type='dominant',
        ignore_classes=(0, ),
        data_prefix=dict(img_path='img_dir/train', seg_map_path='ann_dir/train'),
        pipeline=train_pipeline))
