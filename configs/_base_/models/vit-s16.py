# ViT-S/16 (DINO's ViT-S/16, DeiT-S: 384 dims, 6 heads, 12 layers); the rest as vit-t16.py.
_base_ = './vit-t16.py'
vit_embed_dims = 384
vit_backbone = dict(embed_dims=vit_embed_dims, num_heads=6)
vit_fcn_decoder = dict(in_channels=vit_embed_dims)
vit_linear_head = dict(in_channels=vit_embed_dims, channels=vit_embed_dims)
