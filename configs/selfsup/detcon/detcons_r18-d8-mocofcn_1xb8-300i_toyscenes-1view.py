# DetCon-S w/dec, ablation: positives from a single view (one augmentation per image, copied).
_base_ = [
    '../../_base_/models/detcons_r18-d8-mocofcn.py',
    '../../_base_/datasets/toy_scenes_masks-1view.py',
    '../../_base_/schedules/selfsup_sgd_cos_300i.py',
    '../../_base_/selfsup_runtime.py',
]
