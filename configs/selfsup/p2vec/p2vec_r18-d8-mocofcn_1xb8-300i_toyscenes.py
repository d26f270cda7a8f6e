# P2Vec (word2vec for pixels) w/dec (MoCoFCN decoder) on the embedded toy scenes.
_base_ = [
    '../../_base_/models/p2vec_r18-d8-mocofcn.py',
    '../../_base_/datasets/toy_scenes_selfsup_1view.py',
    '../../_base_/schedules/selfsup_sgd_cos_300i.py',
    '../../_base_/selfsup_runtime.py',
]
