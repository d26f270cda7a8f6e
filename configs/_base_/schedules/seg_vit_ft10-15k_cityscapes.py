# FT-10% on Cityscapes with the ViT optimizer of seg_vit_optim.py (fixed lr, as the ResNet protocol)
# over the iterations and batch of seg_ft10-15k_cityscapes.py.
_base_ = ['./seg_ft10-15k_cityscapes.py', './seg_vit_optim.py']
optim_wrapper = {{_base_.vit_ft_optim_wrapper}}
