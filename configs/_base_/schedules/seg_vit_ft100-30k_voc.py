# FT-100% on VOC 2012 aug with the ViT optimizer and cosine of seg_vit_optim.py over the iterations
# and batch of seg_ft100-30k_voc.py.
_base_ = ['./seg_ft100-30k_voc.py', './seg_vit_optim.py']
optim_wrapper = {{_base_.vit_ft_optim_wrapper}}
param_scheduler = [dict(_base_.vit_ft100_cosine, T_max=30000, end=30000)]
