# DetCon-B w/dec on the embedded toy scenes with a 4x4 grid as masks.
_base_ = [
    '../../_base_/models/detconb_r18-d8-mocofcn.py',
    '../../_base_/datasets/toy_scenes_masks-grid.py',
    '../../_base_/schedules/selfsup_sgd_cos_300i.py',
    '../../_base_/selfsup_runtime.py',
]
