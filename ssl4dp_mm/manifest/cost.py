"""GPU hours of the reference rows, from the measured steps of ``benchmarks/reference_cost.py``
(its JSON record: FLOPs of one step per VOC config and per segmentation head, the scale to the
reference step and the assumed throughput; the assumptions are in that script's docstring)."""
import json
import os.path as osp
from dataclasses import dataclass
from typing import Dict, Optional

from .heads import head_of
from .methods import METHODS
from .protocols import PROTOCOLS, protocol_iters
from .reference_rows import REFERENCE_DATASETS, ReferenceRow, pretrain_config

# the record, relative to the repository root
COST_RECORD = osp.join('benchmarks', 'results', 'reference_cost.json')
# the row whose decoder differences estimate the rows that were not measured
DECODER_REFERENCE = 'mocodec'


@dataclass(frozen=True)
class RowCost:
    """Pre-training GPU hours of a row.

    Args:
        hours (float, optional): the hours, ``None`` if neither measured nor estimated.
        estimated (bool): from the same method's measured row plus the FLOPs the decoder (or its
            absence) adds between the MoCo w/dec rows. Defaults to False.
    """

    hours: Optional[float]
    estimated: bool = False

    def __str__(self) -> str:
        if self.hours is None:
            return 'not measured'
        return f'{"~" if self.estimated else ""}{self.hours:.2f}'


def load_cost(path: str) -> dict:
    """The JSON record at ``path``; a ``ValueError`` names the file and the missing key."""
    with open(path) as f:
        record = json.load(f)
    for key in ('scale', 'args', 'pretrain', 'seg', 'seg_scale'):
        if key not in record:
            raise ValueError(f'{path}: no {key!r} (written by benchmarks/reference_cost.py?)')
    if 'tflops' not in record['args']:
        raise ValueError(f"{path}: no 'args.tflops'")
    return record


def gpu_hours(flops_per_step: float, iters: int, tflops: float) -> float:
    """Hours of ``iters`` steps of ``flops_per_step`` at ``tflops`` TFLOP/s."""
    return flops_per_step * iters / (tflops * 1e12) / 3600


def _measured(record: dict, method: str, decoder: Optional[str]) -> Optional[float]:
    """FLOPs of the measured step (at the record's size) of a VOC config, or None."""
    stem = osp.splitext(osp.basename(pretrain_config(method, decoder, 'voc')))[0]
    entry = record['pretrain'].get(stem)
    return entry['flops'] if entry and not entry.get('error') and entry.get('flops') else None


def step_flops(record: dict, method: str, decoder: Optional[str]):
    """(FLOPs of one measured step, estimated?) of a method and decoder, or (None, False).

    The Cityscapes configs have the VOC configs' model and views, so one VOC step stands for
    both. An unmeasured row is estimated from the same method's measured row (MoCoFCN first,
    then w/o dec, then the other decoders) plus the difference the decoder makes between the
    :data:`DECODER_REFERENCE` rows, when all three were measured.
    """
    own = _measured(record, method, decoder)
    if own is not None:
        return own, False
    order = ['mocofcn', None] + [d for d in METHODS[method].decoders if d not in ('mocofcn', None)]
    target = _measured(record, DECODER_REFERENCE, decoder)
    for base in order:
        if base == decoder or base not in METHODS[method].decoders:
            continue
        have, ref = _measured(record, method, base), _measured(record, DECODER_REFERENCE, base)
        if None not in (have, ref, target):
            return have + target - ref, True
    return None, False


def row_cost(record: dict, row: ReferenceRow) -> RowCost:
    """Pre-training GPU hours of ``row`` under the record's scale and throughput."""
    flops, estimated = step_flops(record, row.method, row.decoder)
    if flops is None:
        return RowCost(None)
    return RowCost(gpu_hours(flops * record['scale'], row.iters, record['args']['tflops']),
                   estimated)


def seg_hours(record: dict, head: str, dataset: str) -> Dict[str, float]:
    """protocol -> GPU hours of one head's protocol on a reference dataset (FT-10% costs an
    FT-100% step; LP-100% its own step, the frozen parts counted)."""
    if dataset not in REFERENCE_DATASETS:
        raise KeyError(f'{dataset!r} is not a reference dataset: {", ".join(REFERENCE_DATASETS)}')
    out = {}
    for protocol in PROTOCOLS:
        key = f'{head}_{"lp" if protocol == "lp" else "ft100"}'
        flops = record['seg'][key]['flops'] * record['seg_scale'][dataset]
        out[protocol] = gpu_hours(flops, protocol_iters(protocol, dataset),
                                  record['args']['tflops'])
    return out


def seg_heads(record: dict) -> list:
    """The heads the record measured, in its order."""
    heads = []
    for key in record['seg']:
        head = key.rsplit('_', 1)[0]
        if head not in heads:
            head_of(head)  # a KeyError names an unknown one
            heads.append(head)
    return heads
