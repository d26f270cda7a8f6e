# The toy pre-training schedule (300 iterations, cosine) for ViT encoders: AdamW instead of SGD, as
# DINO and every ViT SSL recipe (SGD at lr 0.03 does not train a ViT from scratch), lr 5e-4 (DINO's
# 5e-4 per 256 images is for 100+ epochs; a 300-iteration toy run from scratch needs more), weight
# decay 0.04 (DINO's start value) off for norms, biases, the position embedding and the class
# token, gradients clipped at norm 3 (DINO's clip_grad).
_base_ = './selfsup_sgd_cos_300i.py'
vit_selfsup_paramwise_cfg = dict(
    norm_decay_mult=0.0,
    bias_decay_mult=0.0,
    custom_keys={'pos_embed': dict(decay_mult=0.0), 'cls_token': dict(decay_mult=0.0)})
optim_wrapper = dict(
    _delete_=True,
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=5e-4, betas=(0.9, 0.999), weight_decay=0.04),
    clip_grad=dict(max_norm=3.0),
    paramwise_cfg=vit_selfsup_paramwise_cfg)
