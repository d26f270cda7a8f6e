"""The CamVid quality benchmark's results page: title, environment line, setting, the table of
rows (mean ± std per protocol) and the reference claims checked on it (:mod:`.claims`).

:func:`render` makes the whole page from the rows' JSON records and the run's settings, so a page
can be made again from its JSON.
"""
import os
import os.path as osp
import platform
from typing import Dict

from .camvid_suite import FROZEN, FROZEN_OPTIONS, FT100, ROWS, VIT, VIT_SIZES, VIT_TOKEN_LAYER
from .claims import (cell, decoder_findings, findings, rank_agreement, units, variant_findings,
                     vit_findings)
from .results_file import environment_line, versions
from .suite import FROZEN_COLUMNS

PACKAGES = ('torch', 'mmengine', 'mmseg', 'mmselfsup')


def environment() -> str:
    """``date · host · architecture · device · versions`` of this machine."""
    import torch
    device = (torch.cuda.get_device_name(0) if torch.cuda.is_available() else
              f'CPU, {os.cpu_count()} cores')
    return environment_line(platform.machine(), device, versions(*PACKAGES))


def title(results: Dict[str, dict]) -> str:
    """The page's title: the encoders and heads of its rows."""
    vit = [n for n in results if n in VIT]
    text = '# CamVid quality benchmark: ResNet-18-d8, MoCoFCN head, val mIoU (%)'
    if any(ROWS[n].head != 'mocofcn' for n in results if n not in VIT):
        text = ('# CamVid quality benchmark: ResNet-18-d8, MoCoFCN head (rows of another '
                'decoder: its own head), val mIoU (%)')
    if vit:
        sizes = ', '.join(label for size, (_, label) in VIT_SIZES.items()
                          if any(VIT[n][1] == size for n in vit))
        text = (f'# CamVid quality benchmark: {sizes}, FCN decoder or linear head, val mIoU (%)'
                if len(vit) == len(results) else
                f'# CamVid quality benchmark: ResNet-18-d8, MoCoFCN head; ViT rows {sizes}, '
                'FCN decoder or linear head, val mIoU (%)')
    return text


def spread_text(args) -> str:
    """What a cell's ± is taken over."""
    if args.paired_seeds:
        return ('mean ± std over the pre-training seeds, each evaluated with its own seed '
                '(random init: one initialisation per seed), so the spread holds both')
    if len(args.pretrain_seeds) > 1:
        return 'mean ± std over the pre-training seeds (each the mean of its evaluation seeds)'
    return 'mean ± std over the evaluation seeds'


def setting(results: Dict[str, dict], args, wall: float, frozen: list) -> str:
    """The paragraph under the environment line: data, budgets, seeds, protocols, wall time."""
    vit = any(n in VIT for n in results)
    train_seeds = ('the pre-training seed (`--paired-seeds`)' if args.paired_seeds
                   else ', '.join(map(str, args.seeds)))
    frozen_seed = 'the pre-training seed' if args.paired_seeds else 'seed 0'
    ft100 = any(r.get('ft100') for r in results.values())
    return (
        f'Pre-training: CamVid train images (367, labels unused) at 240x180, 128 px views, '
        f'batch 16, {args.pretrain_iters or 120} iterations, pre-training seeds '
        f'{", ".join(map(str, args.pretrain_seeds))}. Evaluation at 240x180 '
        f'(scored at 480x360): LP-100% and FT-10% (37 images, seeded split), '
        f'{args.eval_iters or 100} iterations at batch 8'
        + (f', FT-100% where a row has it (all 367 labelled images, `{osp.basename(FT100)}`, '
           f'{args.eval_iters or 200} iterations)' if ft100 else '')
        + f', training seeds '
        f'{train_seeds}. LP-100% of checkpoints without a decoder (and of '
        'random init) reads the backbone map directly.'
        + (f' Frozen protocols ({", ".join(FROZEN_COLUMNS[p] for p in frozen)}: '
           f'`tools/evaluate_frozen.py`, {frozen_seed}, `' + ' '.join(FROZEN_OPTIONS) + '`) on the '
           'map LP-100% reads (decoder output, else `backbone.layer4`'
           + (f'; ViT: `{VIT_TOKEN_LAYER}`, the last block\'s patch tokens' if vit else '')
           + ').' if frozen else '')
        + (' ViT rows (`configs/selfsup/<method>/<method>_vit-*`): the same data, views and '
           'budget, AdamW; LP-100% through a linear head on the frozen tokens (w/o dec, random '
           'init) or the frozen pre-trained FCN decoder (w/dec), FT-10% with the FCN decoder and '
           'layer-wise lr decay (`configs/seg/vit/*_camvid-half.py`); MoCo v2 there is MoCo '
           'w/o dec with the patch tokens averaged (`mocodec_vit-*`).' if vit else '')
        + f' Cells: {spread_text(args)}. Benchmark wall time on this machine (all stages, summed '
        f'over the runs of the work dir): {wall / 60:.1f} min (**machine-dependent**; the mIoU '
        'are the result).')


def table(results: Dict[str, dict], frozen: list) -> list:
    """The Markdown table: one line per row (FT-100% where a row has it)."""
    ft100 = any(r.get('ft100') for r in results.values())
    lines = ['| pre-training | decoder | level | contrastive | LP-100% | FT-10% | '
             + ('FT-100% | ' if ft100 else '')
             + ''.join(f'{FROZEN_COLUMNS[p]} | ' for p in frozen) + 'pre-train s | final loss |',
             '|---|---|---|---|---|---|' + '---|' * (len(frozen) + ft100) + '---|---|']
    for r in results.values():
        pre = r.get('pretrain', {})
        loss = pre.get('final_loss')
        lines.append(
            f'| {r["label"]} | {"yes" if r["decoder"] else "no"} | {r["level"]} | '
            f'{"–" if r["contrastive"] is None else "yes" if r["contrastive"] else "no"} | '
            f'{cell(units(r, "lp"))} | {cell(units(r, "ft10"))} | '
            + (f'{cell(units(r, "ft100"))} | ' if ft100 else '')
            + ''.join(f'{cell(units(r, p))} | ' for p in frozen)
            + f'{pre.get("seconds", "–")} | {"–" if loss is None else f"{loss:.3f}"} |'
            + (f' failed: {r["error"]}' if 'error' in r else ''))
    return lines


def render(results: Dict[str, dict], args, wall: float, env: str) -> str:
    """The results page.

    Args:
        results (dict): row name -> its JSON record (:func:`.runner.run_row`), in table order.
        args: the run's settings: ``seeds``, ``pretrain_seeds``, ``paired_seeds``,
            ``pretrain_iters``, ``eval_iters`` (the benchmark's command line).
        wall (float): the benchmark's wall seconds (:class:`.runner.WallLedger`).
        env (str): the environment line (:func:`environment`).
    """
    frozen = [p for p in FROZEN if any(r.get(p) for r in results.values())]
    vit = [n for n in results if n in VIT]
    lines = [title(results), '', env, '', setting(results, args, wall, frozen), '',
             *table(results, frozen)]
    if len(vit) < len(results):
        lines += ['', 'Reference findings at this scale (computed from the table; a comparison '
                  'counts when the difference of the means is beyond twice the combined standard '
                  'error):', '', *findings(results)]
        lines += ['', 'The decoders beside MoCoFCN (each pre-trained and evaluated with its own '
                  'head):', '', *decoder_findings(results)]
    else:
        lines += ['', 'ResNet rows: none in this table (their findings are in the ResNet '
                  'tables). A comparison counts when the difference of the means is beyond twice '
                  'the combined standard error.']
    if vit:
        lines += ['', 'On the ViT rows (same encoder per line):', '', *vit_findings(results)]
    else:
        lines += ['', 'ViT rows: not measured (`--methods vit`).']
    variants = variant_findings(results)
    if variants:
        lines += ['', f'Variants against their method ({spread_text(args)}):', '', *variants]
    lines += ['', 'Do the other protocols rank the rows as LP-100% does?', '',
              *rank_agreement(results)]
    return '\n'.join(lines) + '\n'
