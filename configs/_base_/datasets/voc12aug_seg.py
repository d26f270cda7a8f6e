# PASCAL VOC 2012 with the SBD "aug" labels (10,582 training images, 1,449 val), through MMSeg's own
# base: a ConcatDataset of ImageSets/Segmentation/train.txt (SegmentationClass) and aug.txt
# (SegmentationClassAug), as MMSeg's tools/dataset_converters/voc_aug.py writes them. 21 classes,
# 255 ignored. Data at data_root (absent on the development machine; the config is still complete).
_base_ = 'mmseg::_base_/datasets/pascal_voc12_aug.py'
# the protocols' batch 16, in one process; with N GPUs set train_dataloader.batch_size=16/N
train_dataloader = dict(batch_size=16)
