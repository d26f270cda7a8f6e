# patch-level rotation prediction w/dec (MoCoFCN decoder) on the embedded toy scenes.
_base_ = [
    '../../_base_/models/plr_r18-d8-mocofcn.py',
    '../../_base_/datasets/toy_scenes_selfsup_patchrot.py',
    '../../_base_/schedules/selfsup_sgd_cos_300i.py',
    '../../_base_/selfsup_runtime.py',
]
