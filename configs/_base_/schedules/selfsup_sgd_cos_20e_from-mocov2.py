# Continued pre-training at the reference reports' settings ("MoCo-v2 + X"): SGD, momentum 0.9,
# weight decay 1e-4, total batch 16 (set by the dataset bases), 20 epochs. The new parameters
# (decoder, projectors, predictors) follow the main schedule, base lr 0.02 cosine-decayed to 0.002;
# the parameters loaded from the ImageNet MoCo v2 checkpoint start at 0.002 and rise along a cosine
# towards 0.02, switching to the main schedule once they would exceed it (the curves meet at
# epoch 10). All of this is the reports'; schedules are by epoch, converted to iterations (VOC aug:
# 661 iterations per epoch at batch 16, 13,220 in all; Cityscapes: 185 and 3,700).
#
# init_checkpoint is a *local* file (nothing is downloaded): facebookresearch/moco's
# moco_v2_800ep_pretrain.pth.tar (ResNet-50, 800 epochs; layout module.encoder_q.*), put in
# checkpoints/ (docs/reproduce.md gives the commands). MMSelfSup's model-zoo MoCo v2 (backbone.*),
# a torchvision ResNet-50 state dict (conv1.*, layer1.*) or one of our own checkpoints work too:
#   --cfg-options optim_wrapper.paramwise_cfg.init_checkpoint=PATH
# The layout is detected (ssl4dp_mm/checkpoints/layouts.py); the three public ones are
# plain-stem ResNets, hence the r50b backbone of the configs that use this schedule.
optim_wrapper = dict(
    type='OptimWrapper',
    constructor='ContinuedPretrainOptimWrapperConstructor',
    optimizer=dict(type='SGD', lr=0.02, momentum=0.9, weight_decay=1e-4),
    paramwise_cfg=dict(
        init_checkpoint='checkpoints/moco_v2_800ep_pretrain.pth.tar',
        checkpoint_prefixes=('backbone.', )))
max_epochs = 20
param_scheduler = [
    dict(
        type='ContinuedPretrainCosineLR',
        T_max=max_epochs,
        eta_min_ratio=0.1,  # main schedule: 0.02 -> 0.002
        start_factor=0.1,  # loaded parameters start at 0.002
        by_epoch=True,
        begin=0,
        end=max_epochs,
        convert_to_iter_based=True)
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs)
