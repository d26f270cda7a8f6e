"""Shared helpers of the patch-level family's tests: tiny models from the configs, tiny batches."""
import torch
from mmengine.registry import init_default_scope
from mmselfsup.registry import MODELS
from mmselfsup.structures import SelfSupDataSample

from tests.conftest import load_config

METHODS = ('plmocoplus', 'plsiam', 'prcl', 'p2vec', 'plr')
DECODERS = ('mocofcn', 'psp', 'aspp')


def cfg_path(method: str, decoder: str = 'mocofcn') -> str:
    """The leaf config of ``method`` with ``decoder`` (None: w/o dec)."""
    dec = f'-{decoder}' if decoder else ''
    return f'selfsup/{method}/{method}_r18-d8{dec}_1xb8-300i_toyscenes.py'


def tiny_model(method: str, decoder: str = 'mocofcn', dec_channels: int = 16, **overrides):
    """The config's model with a 16-channel decoder and 8-dim projections (the backbone stays)."""
    init_default_scope('mmselfsup')
    cfg = load_config(cfg_path(method, decoder)).model
    cfg.update(overrides)
    width = 512
    if cfg.get('decoder') is not None:
        cfg.decoder.channels = width = dec_channels
    for key in ('neck', 'img_neck'):
        if cfg.get(key) is not None:
            cfg[key].update(in_channels=width, hid_channels=16, out_channels=8)
    if cfg.get('word_neck') is not None:
        cfg.word_neck.update(hid_channels=16, out_channels=8)
    head = cfg.get('head') or {}
    if head.get('predictor') is not None:
        head.predictor.update(in_channels=8, hid_channels=4, out_channels=8)
    if head.get('type') == 'DenseClsHead':
        head.in_channels = width
    for key in ('queue_len', 'img_queue_len'):
        if key in cfg:
            cfg[key] = 32
    if 'feat_dim' in cfg:
        cfg.feat_dim = 8
    model = MODELS.build(cfg)
    model.init_weights()
    return model


def batch(boxes, size: int = 32, seed: int = 0, num_views: int = 2):
    """Random views (one tensor per view, Nx3xHxW) and data samples holding ``coord_box``."""
    g = torch.Generator().manual_seed(seed)
    n = len(boxes)
    views = [torch.randn(n, 3, size, size, generator=g) for _ in range(num_views)]
    samples = []
    for b in boxes:
        s = SelfSupDataSample()
        s.set_field(torch.tensor(b, dtype=torch.float32), 'coord_box')
        samples.append(s)
    return views, samples


OVERLAPPING = [[[0, 0, 60, 60], [20, 10, 90, 80]], [[50, 0, 0, 50], [10, 10, 40, 40]]]
