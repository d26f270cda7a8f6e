# Exemplar-v2 w/dec (MoCoFCN decoder) on the toy scenes, labelled by each image's dominant class.
_base_ = [
    '../../_base_/models/exemplarv2_r18-d8-mocofcn.py',
    '../../_base_/datasets/toy_scenes_selfsup_imagelabels.py',
    '../../_base_/schedules/selfsup_sgd_cos_300i.py',
    '../../_base_/selfsup_runtime.py',
]
