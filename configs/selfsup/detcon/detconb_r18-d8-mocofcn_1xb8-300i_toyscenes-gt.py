# DetCon-B w/dec on the embedded toy scenes with the ground-truth label maps (upper bound) as masks.
_base_ = [
    '../../_base_/models/detconb_r18-d8-mocofcn.py',
    '../../_base_/datasets/toy_scenes_masks-gt.py',
    '../../_base_/schedules/selfsup_sgd_cos_300i.py',
    '../../_base_/selfsup_runtime.py',
]
