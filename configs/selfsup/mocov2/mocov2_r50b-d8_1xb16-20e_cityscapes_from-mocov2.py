# MMSelfSup's own MoCo v2 (Chen et al. 2020) continued from ImageNet MoCo v2 on Cityscapes (the
# 2,975 leftImg8bit/train images, labels unused): the image-level baseline, like for like with our
# MoCo w/o dec (selfsup/mocodec/mocodec_r50b-d8_1xb16-20e_cityscapes_from-mocov2.py).
# Reference settings (the reports'): batch 16, SGD lr 0.02 cosine to 0.002, momentum 0.9, weight
# decay 1e-4, 20 epochs, continued from ImageNet MoCo v2 with the loaded parameters ramped 0.002 ->
# 0.02 (_base_/schedules/selfsup_sgd_cos_20e_from-mocov2.py); views and masks of
# _base_/datasets/cityscapes_selfsup.py. Method values, paper or ours, are stated in
# _base_/models/mocov2_r50b-d8.py.
# r50b: the plain-stem ResNet-50 (mmseg.ResNet) because the MoCo v2 checkpoint is a torchvision
# ResNet-50; expects checkpoints/moco_v2_800ep_pretrain.pth.tar (docs/reproduce.md).
_base_ = [
    '../../_base_/models/mocov2_r50b-d8.py',
    '../../_base_/datasets/cityscapes_selfsup.py',
    '../../_base_/schedules/selfsup_sgd_cos_20e_from-mocov2.py',
    '../../_base_/selfsup_runtime.py',
]
