# DetCon-B w/dec, ablation: higher pre-training resolution (96 px views instead of 64).
_base_ = [
    '../../_base_/models/detconb_r18-d8-mocofcn.py',
    '../../_base_/datasets/toy_scenes_masks-96px.py',
    '../../_base_/schedules/selfsup_sgd_cos_300i.py',
    '../../_base_/selfsup_runtime.py',
]
