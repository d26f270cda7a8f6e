# FT-100% on VOC 2012 aug with the ViT optimizer of seg_vit_optim.py
# (AdamW 1e-4, layer decay 0.65),
# cosine to 1% of each group's lr (eta_min_ratio: an absolute eta_min would lift the decayed
# groups); iterations and batch of seg_ft100-30k_voc.py.
_base_ = ['./seg_ft100-30k_voc.py', './seg_vit_optim.py']
optim_wrapper = {{_base_.vit_ft_optim_wrapper}}
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=30000, eta_min_ratio=0.01, by_epoch=False, begin=0,
         end=30000)
]
