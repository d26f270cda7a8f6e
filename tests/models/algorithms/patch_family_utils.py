"""Shared helpers of the patch-level family's tests: tiny models from the configs, tiny batches."""
import torch
from mmengine.registry import init_default_scope
from mmselfsup.registry import MODELS
from mmselfsup.structures import SelfSupDataSample

from ssl4dp_mm.models.utils import match_cells
from tests.conftest import load_config

METHODS = ('plmocoplus', 'plsiam', 'prcl', 'p2vec', 'plr')
DECODERS = ('mocofcn', 'psp', 'aspp', 'dlv3p', 'nl', 'psp256')


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


def reference_patch_loss(q, k, boxes, queue, temperature, threshold, near_positives='exclude',
                         batch_keys=None):
    """Direct InfoNCE over matched cells: one loop iteration per query cell.

    Key cells of the same image within ``threshold`` cell diagonals of the query (other than its
    matched one) are left out (``'exclude'``), extra positives (``'positive'``, loss
    ``-log(sum_P exp / sum_all exp)``) or negatives (``'negative'``). ``batch_keys``: the rows of
    the batch's keys that are candidates (None: all).
    """
    n, c, hq, wq = q.shape
    hk, wk = k.shape[2:]
    index, valid = match_cells(boxes[:, 0], boxes[:, 1], (hq, wq), (hk, wk), threshold)
    keys = [k[b, :, j // wk, j % wk] for b in range(n) for j in range(hk * wk)]
    rows = range(len(keys)) if batch_keys is None else [int(j) for j in batch_keys]

    def centre(box, i, j, h, w):  # original-image point of cell (i, j) of an h x w map
        x_l, y_t, x_r, y_b = [float(v) for v in box]
        return x_l + (j + .5) / w * (x_r - x_l), y_t + (i + .5) / h * (y_b - y_t)

    losses = []
    for b in range(n):
        bq, bk = boxes[b, 0], boxes[b, 1]
        diag = max(((float(bq[2] - bq[0]) / wq) ** 2 + (float(bq[3] - bq[1]) / hq) ** 2) ** .5,
                   ((float(bk[2] - bk[0]) / wk) ** 2 + (float(bk[3] - bk[1]) / hk) ** 2) ** .5)
        for i in range(hq * wq):
            if not valid[b, i]:
                continue
            qi = q[b, :, i // wq, i % wq]
            xq, yq = centre(bq, i // wq, i % wq, hq, wq)
            pos = b * hk * wk + int(index[b, i])
            pos_logits = [torch.dot(qi, keys[pos])]
            logits = list(pos_logits)
            for j in rows:
                if j == pos:
                    continue
                near = False
                if j // (hk * wk) == b:
                    xk, yk = centre(bk, (j % (hk * wk)) // wk, j % wk, hk, wk)
                    near = ((xq - xk) ** 2 + (yq - yk) ** 2) ** .5 < threshold * diag
                if near and near_positives == 'exclude':
                    continue
                logits.append(torch.dot(qi, keys[j]))
                if near and near_positives == 'positive':
                    pos_logits.append(logits[-1])
            logits += [torch.dot(qi, e) for e in queue]
            losses.append(torch.logsumexp(torch.stack(logits) / temperature, 0) -
                          torch.logsumexp(torch.stack(pos_logits) / temperature, 0))
    return torch.stack(losses).mean()
