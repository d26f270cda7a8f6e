# The two-view VOC 2012 aug pre-training data with an image-level label per image (Exemplar-v2):
# the dominant object class of each image's label map, background (0) and void (255) excluded. The
# labels come from the segmentation ground truth, so the dataset is MMSeg's two-part train_aug:
# train.txt with SegmentationClass, aug.txt with SegmentationClassAug (as voc12aug_seg.py).
# label_type='multi_hot' gives the classes present instead (then set model.multi_label=True).
_base_ = './voc12aug_selfsup.py'
train_pipeline = [*_base_.load_pipeline, _base_.two_views, _base_.pack_image_labels]
image_label_part = dict(  # what both parts share
    type='SegMapImageLabels',
    num_classes=21,
    label_type='dominant',
    ignore_classes=(0, ),
    img_suffix='.jpg',
    seg_map_suffix='.png',
    data_root=_base_.data_root,
    pipeline=train_pipeline)
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='ConcatDataset',
        datasets=[
            dict(
                image_label_part,
                data_prefix=dict(img_path='JPEGImages', seg_map_path='SegmentationClass'),
                ann_file='ImageSets/Segmentation/train.txt'),
            dict(
                image_label_part,
                data_prefix=dict(img_path='JPEGImages', seg_map_path='SegmentationClassAug'),
                ann_file='ImageSets/Segmentation/aug.txt'),
        ]))
