# RLMoCo w/dec (MoCoFCN decoder) on the embedded toy scenes, SLIC superpixels as regions.
_base_ = [
    '../../_base_/models/rlmoco_r18-d8-mocofcn.py',
    '../../_base_/datasets/toy_scenes_masks-slic.py',
    '../../_base_/schedules/selfsup_sgd_cos_300i.py',
    '../../_base_/selfsup_runtime.py',
]
