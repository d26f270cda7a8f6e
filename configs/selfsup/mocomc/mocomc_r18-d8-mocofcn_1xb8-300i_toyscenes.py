# MoCo w/dec with constrained multi-crop, AutoAugment and the kNN loss (Van Gansbeke et al. 2021)
# on the toy scenes. Ablations: model.knn_weight=0 (no kNN loss); num_small=0 in the pipeline
# (no small crops).
_base_ = [
    '../../_base_/models/mocomc_r18-d8-mocofcn.py',
    '../../_base_/datasets/toy_scenes_selfsup_multicrop.py',
    '../../_base_/schedules/selfsup_sgd_cos_300i.py',
    '../../_base_/selfsup_runtime.py',
]
