# Continued pre-training of a ViT from DINO (NeCo's recipe: a short dense post-pre-training of a
# DINO model), with the schedule shape of selfsup_sgd_cos_20e_from-mocov2.py: 20 epochs at batch 16;
# new parameters (decoder, projectors) at the main lr cosine-decayed to 10% of it; the parameters
# loaded from the checkpoint start at 10% and rise along a cosine until they meet the main schedule
# (ContinuedPretrainCosineLR). The optimizer is AdamW (lr 1e-4, weight decay 0.04 off for norms,
# biases, pos_embed and cls_token, gradients clipped at 3: DINO's), as ViTs need.
#
# init_checkpoint is a *local* file (nothing is downloaded): DINO's released ViT-S/16 backbone
# dino_deitsmall16_pretrain.pth (timm key names: blocks.N.attn.qkv, pos_embed, cls_token,
# patch_embed.proj, norm) in checkpoints/; DINO's full training checkpoint (its teacher is read) or
# any timm ViT state dict work too; ViT-B/16 configs point at dino_vitbase16_pretrain.pth:
#   --cfg-options optim_wrapper.paramwise_cfg.init_checkpoint=PATH
# The keys are mapped to MMSeg's VisionTransformer names (ssl4dp_mm/checkpoints/vit_layouts.py);
# a depth, width or patch size that does not fit the config is refused naming the key.
_base_ = './selfsup_sgd_cos_20e_from-mocov2.py'
optim_wrapper = dict(
    _delete_=True,
    type='OptimWrapper',
    constructor='ContinuedPretrainOptimWrapperConstructor',
    optimizer=dict(type='AdamW', lr=1e-4, betas=(0.9, 0.999), weight_decay=0.04),
    clip_grad=dict(max_norm=3.0),
    paramwise_cfg=dict(
        init_checkpoint='checkpoints/dino_deitsmall16_pretrain.pth',
        checkpoint_prefixes=('backbone.', ),
        norm_decay_mult=0.0,
        bias_decay_mult=0.0,
        custom_keys={'pos_embed': dict(decay_mult=0.0), 'cls_token': dict(decay_mult=0.0)}))
