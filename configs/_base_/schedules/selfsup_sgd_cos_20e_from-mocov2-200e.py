# selfsup_sgd_cos_20e_from-mocov2.py continued from the draft report's starting point: the
# 200-epoch ImageNet MoCo v2 checkpoint (facebookresearch/moco's moco_v2_200ep_pretrain.pth.tar,
# or MMSelfSup's mocov2_resnet50_8xb32-coslr-200e; a local file in checkpoints/) instead of the
# 800-epoch one.
_base_ = './selfsup_sgd_cos_20e_from-mocov2.py'
optim_wrapper = dict(
    paramwise_cfg=dict(init_checkpoint='checkpoints/moco_v2_200ep_pretrain.pth.tar'))
