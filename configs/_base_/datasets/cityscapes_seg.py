# Cityscapes (2,975 train / 500 val, 19 classes, 255 ignored) through MMSeg's own base: 512x1024
# crops of images resized to 2048x1024 x [0.5, 2]. Data at data_root (absent on the development
# machine; the config is still complete).
_base_ = 'mmseg::_base_/datasets/cityscapes.py'
# the protocols' batch 16, in one process; with N GPUs set train_dataloader.batch_size=16/N
train_dataloader = dict(batch_size=16)
