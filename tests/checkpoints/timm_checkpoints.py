"""Synthetic DINOv2, DINOv3 and ConvNeXt checkpoints from small replicas of the official modules.

Each replica has the attribute names of the official code, so its ``state_dict()`` has the key
names and shapes of the released files: facebookresearch/dinov2 ``DinoVisionTransformer`` (hub
``dinov2_vits14[_reg]``), facebookresearch/dinov3 ``DinoVisionTransformer`` (hub ``dinov3_vits16``:
``storage_tokens``, ``rope_embed.periods``, ``LinearKMaskedBias`` qkv with ``bias_mask``) and
``ConvNeXt`` (``downsample_layers``, ``stages``, ``norm`` registered twice, also as ``norms.3``).
The replicas also run the official forward (patch tokens after the final norm; DINOv3's with RoPE,
checked once against facebookresearch/dinov3's own module: identical outputs), an independent
reference for the timm models that load their weights. All weights are random and
distinct, so a loaded tensor can be traced back to the file.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def randomize(module: nn.Module, seed: int = 0) -> nn.Module:
    """Give every parameter distinct random values (norm scales around 1)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in module.named_parameters():
            noise = torch.randn(p.shape, generator=g)
            p.copy_(1 + 0.1 * noise if name.endswith(('norm.weight', 'norm1.weight',
                                                      'norm2.weight', '1.weight'))
                    and p.ndim == 1 else 0.05 * noise)
    return module


class _Mlp(nn.Module):

    def __init__(self, dim: int, hidden: int) -> None:
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x)))


class _LayerScale(nn.Module):

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.gamma = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return x * self.gamma


class _Attention(nn.Module):

    def __init__(self, dim: int, heads: int, k_masked_bias: bool = False) -> None:
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, 3 * dim)
        if k_masked_bias:  # DINOv3's LinearKMaskedBias: the k third of the bias is masked to zero
            mask = torch.ones(3 * dim)
            mask[dim:2 * dim] = 0
            self.qkv.register_buffer('bias_mask', mask)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, n, c = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]  # each BxHxNxD
        attn = (q @ k.transpose(-2, -1) / math.sqrt(c // self.heads)).softmax(dim=-1)
        return self.proj((attn @ v).transpose(1, 2).reshape(b, n, c))


class _Block(nn.Module):

    def __init__(self, dim: int, heads: int, eps: float, k_masked_bias: bool = False) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=eps)
        self.attn = _Attention(dim, heads, k_masked_bias)
        self.ls1 = _LayerScale(dim)
        self.norm2 = nn.LayerNorm(dim, eps=eps)
        self.mlp = _Mlp(dim, 4 * dim)
        self.ls2 = _LayerScale(dim)

    def forward(self, x):
        x = x + self.ls1(self.attn(self.norm1(x)))
        return x + self.ls2(self.mlp(self.norm2(x)))


class _PatchEmbed(nn.Module):

    def __init__(self, dim: int, patch: int) -> None:
        super().__init__()
        self.proj = nn.Conv2d(3, dim, patch, patch)


class DinoV2Replica(nn.Module):
    """facebookresearch/dinov2's ``DinoVisionTransformer`` (MLP FFN, LayerScale, unchunked blocks).

    Args:
        dim (int): Width. Defaults to 48.
        depth (int): Blocks. Defaults to 2.
        heads (int): Attention heads. Defaults to 2.
        patch (int): Patch size. Defaults to 14.
        grid (int): Side of the stored position grid (37 for the released 518 px models).
            Defaults to 8.
        registers (int): Register tokens (4 for the ``_reg`` models). Defaults to 0.
    """

    def __init__(self, dim: int = 48, depth: int = 2, heads: int = 2, patch: int = 14,
                 grid: int = 8, registers: int = 0) -> None:
        super().__init__()
        self.patch_embed = _PatchEmbed(dim, patch)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, 1 + grid * grid, dim))
        self.registers = registers
        if registers:
            self.register_tokens = nn.Parameter(torch.zeros(1, registers, dim))
        self.mask_token = nn.Parameter(torch.zeros(1, dim))
        self.blocks = nn.ModuleList(_Block(dim, heads, 1e-6) for _ in range(depth))
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.head = nn.Identity()

    def patch_tokens(self, x: torch.Tensor) -> torch.Tensor:
        """NxCxHxW at the stored grid -> the normed patch tokens as an NxDxhxw map."""
        x = self.patch_embed.proj(x)  # NxDxhxw
        n, _, h, w = x.shape
        x = torch.cat([self.cls_token.expand(n, -1, -1), x.flatten(2).transpose(1, 2)], dim=1)
        x = x + self.pos_embed  # no interpolation: the input is at the stored grid
        if self.registers:
            x = torch.cat([x[:, :1], self.register_tokens.expand(n, -1, -1), x[:, 1:]], dim=1)
        for block in self.blocks:
            x = block(x)
        x = self.norm(x)[:, 1 + self.registers:]  # Nx(h*w)xD
        return x.transpose(1, 2).reshape(n, -1, h, w)


class _Rope(nn.Module):
    """DINOv3's ``RopePositionEmbedding`` at inference (base 100, coordinates normalised per axis
    to [-1, 1] at the patch centres)."""

    def __init__(self, head_dim: int, base: float = 100.0) -> None:
        super().__init__()
        quarter = head_dim // 4
        self.register_buffer('periods', base**(2 * torch.arange(quarter) / (head_dim // 2)))

    def forward(self, h: int, w: int):
        """(sin, cos), each (h*w)x(head_dim)."""
        ys = torch.arange(0.5, h) / h
        xs = torch.arange(0.5, w) / w
        coords = torch.stack(torch.meshgrid(ys, xs, indexing='ij'), dim=-1).flatten(0, 1)
        coords = 2 * coords - 1  # (h*w)x2
        angles = 2 * math.pi * coords[:, :, None] / self.periods  # (h*w)x2x(head_dim/4)
        angles = angles.flatten(1).tile(2)  # (h*w)x(head_dim)
        return torch.sin(angles), torch.cos(angles)


def _rope_apply(x: torch.Tensor, sin: torch.Tensor, cos: torch.Tensor) -> torch.Tensor:
    """Rotate each half-split pair of channels of ``x`` (...x(h*w)xD) by the angles."""
    x1, x2 = x.chunk(2, dim=-1)
    return x * cos + torch.cat([-x2, x1], dim=-1) * sin


def _dinov3_block(block: '_Block', x: torch.Tensor, rope, prefix: int) -> torch.Tensor:
    """One DINOv3 block: attention with the masked k bias and RoPE on the patch tokens only."""
    attn = block.attn
    b, n, c = x.shape
    y = block.norm1(x)
    bias = attn.qkv.bias * attn.qkv.bias_mask
    qkv = F.linear(y, attn.qkv.weight, bias).reshape(b, n, 3, attn.heads, c // attn.heads)
    q, k, v = qkv.permute(2, 0, 3, 1, 4)  # each BxHxNxD
    sin, cos = rope
    q = torch.cat([q[:, :, :prefix], _rope_apply(q[:, :, prefix:], sin, cos)], dim=2)
    k = torch.cat([k[:, :, :prefix], _rope_apply(k[:, :, prefix:], sin, cos)], dim=2)
    a = (q @ k.transpose(-2, -1) / math.sqrt(c // attn.heads)).softmax(dim=-1)
    x = x + block.ls1(attn.proj((a @ v).transpose(1, 2).reshape(b, n, c)))
    return x + block.ls2(block.mlp(block.norm2(x)))


class DinoV3Replica(nn.Module):
    """facebookresearch/dinov3's ``DinoVisionTransformer`` as ``dinov3_vits16`` builds it (RoPE,
    storage tokens, ``mask_k_bias=True``) with its inference forward written from the official
    code (``patch_tokens``).

    Args:
        dim (int): Width. Defaults to 48.
        depth (int): Blocks. Defaults to 2.
        heads (int): Attention heads. Defaults to 2.
        patch (int): Patch size. Defaults to 16.
        storage (int): Storage tokens. Defaults to 4.
    """

    def __init__(self, dim: int = 48, depth: int = 2, heads: int = 2, patch: int = 16,
                 storage: int = 4) -> None:
        super().__init__()
        self.patch_embed = _PatchEmbed(dim, patch)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.storage_tokens = nn.Parameter(torch.zeros(1, storage, dim))
        self.rope_embed = _Rope(dim // heads)
        self.blocks = nn.ModuleList(
            _Block(dim, heads, 1e-5, k_masked_bias=True) for _ in range(depth))
        self.norm = nn.LayerNorm(dim, eps=1e-5)
        self.head = nn.Identity()
        self.mask_token = nn.Parameter(torch.zeros(1, dim))

    def patch_tokens(self, x: torch.Tensor) -> torch.Tensor:
        """NxCxHxW -> the normed patch tokens as an NxDxhxw map (``x_norm_patchtokens``)."""
        x = self.patch_embed.proj(x)  # NxDxhxw
        n, _, h, w = x.shape
        prefix = 1 + self.storage_tokens.shape[1]
        x = torch.cat([(self.cls_token + 0 * self.mask_token).expand(n, -1, -1),
                       self.storage_tokens.expand(n, -1, -1), x.flatten(2).transpose(1, 2)],
                      dim=1)
        rope = self.rope_embed(h, w)
        for block in self.blocks:
            x = _dinov3_block(block, x, rope, prefix)
        x = self.norm(x)[:, prefix:]  # Nx(h*w)xD
        return x.transpose(1, 2).reshape(n, -1, h, w)


class _ChannelsFirstLN(nn.Module):
    """DINOv3 / ConvNeXt ``LayerNorm(data_format='channels_first')``."""

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.bias = nn.Parameter(torch.zeros(dim))

    def forward(self, x):  # NxCxHxW
        return F.layer_norm(x.permute(0, 2, 3, 1), x.shape[1:2], self.weight, self.bias,
                            1e-6).permute(0, 3, 1, 2)


class _ConvNeXtBlock(nn.Module):

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.dwconv = nn.Conv2d(dim, dim, 7, padding=3, groups=dim)
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.pwconv1 = nn.Linear(dim, 4 * dim)
        self.pwconv2 = nn.Linear(4 * dim, dim)
        self.gamma = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        y = self.dwconv(x).permute(0, 2, 3, 1)  # NxHxWxC
        y = self.gamma * self.pwconv2(F.gelu(self.pwconv1(self.norm(y))))
        return x + y.permute(0, 3, 1, 2)


class DinoV3ConvNeXtReplica(nn.Module):
    """facebookresearch/dinov3's ``ConvNeXt`` (the original ConvNeXt's names, ``norm`` also
    registered as ``norms.3``).

    Args:
        depths (tuple[int]): Blocks per stage. Defaults to (1, 1, 2, 1).
        dims (tuple[int]): Widths per stage. Defaults to (8, 16, 24, 32).
    """

    def __init__(self, depths=(1, 1, 2, 1), dims=(8, 16, 24, 32)) -> None:
        super().__init__()
        self.downsample_layers = nn.ModuleList(
            [nn.Sequential(nn.Conv2d(3, dims[0], 4, 4), _ChannelsFirstLN(dims[0]))])
        for i in range(3):
            self.downsample_layers.append(
                nn.Sequential(_ChannelsFirstLN(dims[i]), nn.Conv2d(dims[i], dims[i + 1], 2, 2)))
        self.stages = nn.ModuleList(
            nn.Sequential(*[_ConvNeXtBlock(d) for _ in range(n)]) for n, d in zip(depths, dims))
        self.norm = nn.LayerNorm(dims[-1], eps=1e-6)
        self.head = nn.Identity()
        self.norms = nn.ModuleList([nn.Identity() for _ in range(3)])
        self.norms.append(self.norm)

    def patch_tokens(self, x: torch.Tensor) -> torch.Tensor:
        """NxCxHxW -> the last stage after the final norm (``x_norm_patchtokens``), NxDxhxw."""
        for down, stage in zip(self.downsample_layers, self.stages):
            x = stage(down(x))
        return self.norm(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)


def state_of(module: nn.Module, seed: int = 0, zero_qv_bias: bool = False) -> dict:
    """The randomized module's state dict, as the released file holds it.

    Args:
        module (nn.Module): A replica.
        seed (int): Seed of its random weights. Defaults to 0.
        zero_qv_bias (bool): Zero every ``attn.qkv.bias`` (timm ports DINOv3 ViTs without a qkv
            bias; the ``_qkvb`` models keep one). Defaults to False.
    """
    randomize(module, seed)
    state = {k: v.clone() for k, v in module.state_dict().items()}
    if zero_qv_bias:
        for k in [k for k in state if k.endswith('attn.qkv.bias')]:
            state[k] = torch.zeros_like(state[k])
    return state


def dinov2_expected(ckpt: dict, depth: int = 2) -> dict:
    """What each timm ``VisionTransformer`` key must hold after loading an official DINOv2 file,
    written out from the official names: the same names; with registers the class token carries
    its position (timm's register models add no position to prefix tokens), the grid the rest.

    Args:
        ckpt (dict): The DINOv2 state dict.
        depth (int): Blocks to list. Defaults to 2.
    """
    out = {k: ckpt[k] for k in ('patch_embed.proj.weight', 'patch_embed.proj.bias', 'norm.weight',
                                'norm.bias', 'cls_token', 'pos_embed')}
    for i in range(depth):
        for part in ('norm1', 'attn.qkv', 'attn.proj', 'norm2', 'mlp.fc1', 'mlp.fc2'):
            for kind in ('weight', 'bias'):
                out[f'blocks.{i}.{part}.{kind}'] = ckpt[f'blocks.{i}.{part}.{kind}']
        for ls in ('ls1', 'ls2'):
            out[f'blocks.{i}.{ls}.gamma'] = ckpt[f'blocks.{i}.{ls}.gamma']
    if 'register_tokens' in ckpt:
        out['reg_token'] = ckpt['register_tokens']
        out['cls_token'] = ckpt['cls_token'] + ckpt['pos_embed'][:, :1]
        out['pos_embed'] = ckpt['pos_embed'][:, 1:]
    return out
