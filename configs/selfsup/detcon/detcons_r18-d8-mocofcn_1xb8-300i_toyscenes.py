# DetCon-S w/dec (MoCoFCN decoder) on the embedded toy scenes, Felzenszwalb masks as in the paper.
_base_ = [
    '../../_base_/models/detcons_r18-d8-mocofcn.py',
    '../../_base_/datasets/toy_scenes_masks.py',
    '../../_base_/schedules/selfsup_sgd_cos_300i.py',
    '../../_base_/selfsup_runtime.py',
]
