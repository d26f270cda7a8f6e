# The optimizer of every ViT fine-tuning protocol (FT-10%, FT-100%): AdamW, lr 1e-4, weight decay
# 0.05, layer-wise lr decay 0.65 (BEiT's / MAE's segmentation recipe: a layer's lr is
# 1e-4 * 0.65 ** (13 - depth), depth 0 for the embeddings, i + 1 for layer i, 13 for the final norm
# and the decode head; ViTLayerDecayOptimWrapperConstructor, since MMSeg's own constructor refuses
# VisionTransformer), no weight decay for norms, biases, pos_embed and cls_token. The ResNet
# protocols' SGD learning rates do not transfer to ViTs; their iterations and batch do.
# The seg_vit_ft* schedules inherit this beside the ResNet schedule whose iterations they keep, and
# use its variables (a top-level optim_wrapper here would collide with that schedule's).
vit_ft_optim_wrapper = dict(
    _delete_=True,  # replaces the ResNet protocol's SGD
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-4, betas=(0.9, 0.999), weight_decay=0.05),
    constructor='ViTLayerDecayOptimWrapperConstructor',
    paramwise_cfg=dict(num_layers=12, decay_rate=0.65))
# FT-100% with it: cosine to 1% of each group's lr (eta_min_ratio: an absolute eta_min would lift
# the decayed groups); the schedule sets T_max and end to its iterations.
vit_ft100_cosine = dict(type='CosineAnnealingLR', eta_min_ratio=0.01, by_epoch=False, begin=0)
