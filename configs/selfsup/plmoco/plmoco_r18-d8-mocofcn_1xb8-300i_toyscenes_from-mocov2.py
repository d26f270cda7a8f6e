# "MoCo-v2 + PLMoCo": continue an image-level MoCo v2 checkpoint with PLMoCo w/dec (MoCoFCN).
# The checkpoint's backbone.* is loaded; those parameters start at 10% of the base lr and rise along
# a cosine, switching to the main schedule once they would exceed it. The new parameters (decoder,
# projector) follow the main schedule: base lr cosine-decayed to 10% of it.
#
# The checkpoint must hold the same backbone (deep-stem ResNetV1c-18, d8), e.g. from
#   python tools/train.py configs/selfsup/mocodec/mocodec_r18-d8_1xb8-300i_toyscenes.py
# (MoCo v2 with MMSeg's backbone). A plain-stem MMSelfSup MoCo v2 checkpoint is refused with the fix
# (switch `backbone` to a plain-stem ResNet in the pre-training and segmentation configs). Point it
# elsewhere with --cfg-options optim_wrapper.paramwise_cfg.init_checkpoint=PATH.
_base_ = './plmoco_r18-d8-mocofcn_1xb8-300i_toyscenes.py'
optim_wrapper = dict(
    constructor='ContinuedPretrainOptimWrapperConstructor',
    optimizer=dict(lr=0.01),  # the reference 0.02 at batch 16, scaled to batch 8
    paramwise_cfg=dict(
        init_checkpoint='work_dirs/mocodec_r18-d8_1xb8-300i_toyscenes/iter_300.pth',
        checkpoint_prefixes=('backbone.', )))
param_scheduler = [
    dict(
        type='ContinuedPretrainCosineLR',
        T_max=300,
        eta_min_ratio=0.1,  # main schedule: lr -> 0.1 * lr
        start_factor=0.1,  # loaded parameters start at 0.1 * lr
        by_epoch=False,
        begin=0,
        end=300)
]
