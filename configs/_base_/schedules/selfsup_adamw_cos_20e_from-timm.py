# Continued pre-training of a TimmDenseBackbone (DINOv2 / DINOv3 ViTs, ConvNeXt): the schedule of
# selfsup_adamw_cos_20e_from-dino.py (AdamW lr 1e-4, weight decay 0.04 off for norms, biases,
# pos_embed and cls_token, gradients clipped at 3, 20 epochs at batch 16, the loaded parameters
# ramped by ContinuedPretrainCosineLR), with the weight decay also off for the register tokens
# (reg_token) and the LayerScale gammas (ViT ls1/ls2.gamma, Eva gamma_1/2, ConvNeXt gamma), as
# DINOv2's parameter groups exempt `gamma`.
#
# init_checkpoint is a *local* file (nothing is downloaded): DINOv2's released ViT-S/14 backbone
# dinov2_vits14_pretrain.pth (torch.hub's file) in checkpoints/. DINOv3 files, facebookresearch /
# DINOv3 ConvNeXts and timm state dicts load too (ssl4dp_mm/checkpoints/timm_layouts.py), mapped
# by the backbone to timm's names; a size that does not fit the config's model_name is refused
# naming the key:
#   --cfg-options optim_wrapper.paramwise_cfg.init_checkpoint=PATH
_base_ = './selfsup_adamw_cos_20e_from-dino.py'
optim_wrapper = dict(
    paramwise_cfg=dict(
        init_checkpoint='checkpoints/dinov2_vits14_pretrain.pth',
        custom_keys={
            'reg_token': dict(decay_mult=0.0),
            'gamma': dict(decay_mult=0.0)
        }))
