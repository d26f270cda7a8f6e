# FT-100% for CamVid with the ViT optimizer and cosine of seg_vit_optim.py over the iterations and
# batch of seg_ft100-10k_camvid.py.
_base_ = ['./seg_ft100-10k_camvid.py', './seg_vit_optim.py']
optim_wrapper = {{_base_.vit_ft_optim_wrapper}}
param_scheduler = [dict(_base_.vit_ft100_cosine, T_max=10000, end=10000)]
