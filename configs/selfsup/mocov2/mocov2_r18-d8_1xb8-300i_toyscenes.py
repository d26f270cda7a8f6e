# MMSelfSup's own MoCo v2 (Chen et al. 2020, https://arxiv.org/abs/2003.04297), like for like with
# our MoCoDec w/o dec (selfsup/mocodec/mocodec_r18-d8_1xb8-300i_toyscenes.py).
_base_ = [
    '../../_base_/models/mocov2_r18-d8.py',
    '../../_base_/datasets/toy_scenes_selfsup.py',
    '../../_base_/schedules/selfsup_sgd_cos_300i.py',
    '../../_base_/selfsup_runtime.py',
]
