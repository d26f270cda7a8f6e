# "MoCo-v2 + Exemplar-v2" w/dec (MoCoFCN decoder) on PASCAL VOC 2012 aug (the 10,582 train_aug
# images, labels unused): MoCo without same-label negatives (reads image labels). A pre-training row
# of the reference VOC table.
# Reference settings (the reports'): batch 16, SGD lr 0.02 cosine to 0.002, momentum 0.9, weight
# decay 1e-4, 20 epochs, continued from ImageNet MoCo v2 with the loaded parameters ramped 0.002 ->
# 0.02 (_base_/schedules/selfsup_sgd_cos_20e_from-mocov2.py); views and masks of
# _base_/datasets/voc12aug_selfsup.py. Method values, paper or ours, are stated in
# _base_/models/exemplarv2_r50b-d8-mocofcn.py.
# r50b: the plain-stem ResNet-50 (mmseg.ResNet) because the MoCo v2 checkpoint is a torchvision
# ResNet-50; expects checkpoints/moco_v2_800ep_pretrain.pth.tar (docs/reproduce.md).
_base_ = [
    '../../_base_/models/exemplarv2_r50b-d8-mocofcn.py',
    '../../_base_/datasets/voc12aug_selfsup.py',
    '../../_base_/schedules/selfsup_sgd_cos_20e_from-mocov2.py',
    '../../_base_/selfsup_runtime.py',
]
train_pipeline = _base_.image_labels_pipeline
train_dataloader = dict(
    dataset=dict(_delete_=True, **_base_.image_labels_dataset))
