# The two-view Cityscapes pre-training data with an image-level label per image (Exemplar-v2): the
# dominant *thing* class of each gtFine train-id map (our choice: the stuff classes road, sidewalk,
# building, wall, fence, vegetation, terrain and sky, train ids 0-4 and 8-10, are excluded, since
# road or building dominates nearly every image and would make all images one class; void 255 is
# ignored). The map is read at full size; the image is halved as in cityscapes_selfsup.py.
_base_ = './cityscapes_selfsup.py'
train_pipeline = [*_base_.load_pipeline, _base_.two_views, _base_.pack_image_labels]
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='SegMapImageLabels',
        num_classes=19,
        label_type='dominant',
        ignore_classes=(0, 1, 2, 3, 4, 8, 9, 10),
        img_suffix='_leftImg8bit.png',
        seg_map_suffix='_gtFine_labelTrainIds.png',
        data_root=_base_.data_root,
        data_prefix=dict(img_path='leftImg8bit/train', seg_map_path='gtFine/train'),
        pipeline=train_pipeline))
