# PLMoCo+ (patch-level + image-level MoCo) w/dec (MoCoFCN decoder) on the embedded toy scenes.
_base_ = [
    '../../_base_/models/plmocoplus_r18-d8-mocofcn.py',
    '../../_base_/datasets/toy_scenes_selfsup.py',
    '../../_base_/schedules/selfsup_sgd_cos_300i.py',
    '../../_base_/selfsup_runtime.py',
]
