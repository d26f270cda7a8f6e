# "MoCo-v2 + RLMoCo" w/dec (MoCoFCN decoder) on Cityscapes (the 2,975 leftImg8bit/train images,
# labels unused): region-level MoCo over SLIC superpixels. A pre-training row of the reference
# Cityscapes table.
# Reference settings (the reports'): batch 16, SGD lr 0.02 cosine to 0.002, momentum 0.9, weight
# decay 1e-4, 20 epochs, continued from ImageNet MoCo v2 with the loaded parameters ramped 0.002 ->
# 0.02 (_base_/schedules/selfsup_sgd_cos_20e_from-mocov2.py); views and masks of
# _base_/datasets/cityscapes_selfsup.py. Method values, paper or ours, are stated in
# _base_/models/rlmoco_r50b-d8-mocofcn.py.
# r50b: the plain-stem ResNet-50 (mmseg.ResNet) because the MoCo v2 checkpoint is a torchvision
# ResNet-50; expects checkpoints/moco_v2_800ep_pretrain.pth.tar (docs/reproduce.md).
_base_ = [
    '../../_base_/models/rlmoco_r50b-d8-mocofcn.py',
    '../../_base_/datasets/cityscapes_selfsup.py',
    '../../_base_/datasets/pieces/masks.py',
    '../../_base_/schedules/selfsup_sgd_cos_20e_from-mocov2.py',
    '../../_base_/selfsup_runtime.py',
]
train_pipeline = [
    *_base_.load_pipeline,
    _base_.slic_masks,
    _base_.two_views,
    _base_.sample_shared_masks,
    _base_.pack_masks,
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
