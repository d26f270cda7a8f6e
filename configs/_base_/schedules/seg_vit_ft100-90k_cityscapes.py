# FT-100% on Cityscapes with the ViT optimizer and cosine of seg_vit_optim.py over the iterations
# and batch of seg_ft100-90k_cityscapes.py.
_base_ = ['./seg_ft100-90k_cityscapes.py', './seg_vit_optim.py']
optim_wrapper = {{_base_.vit_ft_optim_wrapper}}
param_scheduler = [dict(_base_.vit_ft100_cosine, T_max=90000, end=90000)]
