# DetCon-S w/dec with mask ids drawn once from the masks both views share (per_view=False), the
# option beside DetCon's per-view sampling (the default of the other DetCon configs).
_base_ = [
    '../../_base_/models/detcons_r18-d8-mocofcn.py',
    '../../_base_/datasets/toy_scenes_masks-sharedids.py',
    '../../_base_/schedules/selfsup_sgd_cos_300i.py',
    '../../_base_/selfsup_runtime.py',
]
