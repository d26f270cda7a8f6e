"""A benchmark suite as data: its rows (what to pre-train, how to evaluate it), the order they run
in and the named groups of rows a command line may ask for.

A :class:`Row` holds everything :mod:`.runner` needs to run one row, so that a new suite (other
configs, schedules, protocols, an upstream checkpoint to continue from) is a new table of rows, not
a new runner.
"""
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Mapping, Optional, Tuple

from ..manifest import PROTOCOLS

# the frozen-feature protocols of tools/evaluate_frozen.py -> their columns (no head training):
# the converged linear probe, segment retrieval, kNN, K-means (K = #classes, Hungarian)
FROZEN_COLUMNS = {'lp-convex': 'LP-convex', 'retrieval': 'retrieval', 'knn': 'kNN',
                  'kmeans': 'K-means'}


def column(protocol: str) -> str:
    """The column a protocol fills: ``'lp'`` -> ``'LP-100%'``, ``'knn'`` -> ``'kNN'``."""
    if protocol in PROTOCOLS:
        return PROTOCOLS[protocol]
    try:
        return FROZEN_COLUMNS[protocol]
    except KeyError:
        raise KeyError(f'unknown protocol {protocol!r}; known: '
                       f'{", ".join(list(PROTOCOLS) + list(FROZEN_COLUMNS))}') from None


@dataclass(frozen=True)
class Row:
    """One row of a benchmark table: a pre-training (or none) and its evaluations.

    Args:
        name (str): the row's name (``--methods``, run names, the JSON's keys).
        pretrain_config (str, optional): absolute path of the pre-training config; None: random
            init (no pre-training).
        has_decoder (bool): the checkpoint carries a pre-trained decoder.
        level (str): where the objective acts: ``'image'``, ``'patch'``, ``'region'`` or
            ``'none'``.
        contrastive (bool, optional): the objective has negatives; None for random init.
        label (str): the row's name in tables.
        head (str): ``tools/evaluate.py --head`` (the records' head tag). Defaults to
            ``'mocofcn'``.
        dataset (str): ``--dataset`` of the evaluations. Defaults to ``'camvid'``.
        protocols (tuple): the trained protocols run on the row, in order. Defaults to
            ``('lp', 'ft10')``.
        leaves (dict): protocol -> absolute path of its segmentation leaf config. Defaults to {}.
        frozen_layer (str): the map the frozen-feature protocols read (``tools/evaluate_frozen.py
            --layers``); empty: no frozen protocols on this row. Defaults to ``''``.
        backbone (str, optional): ``tools/evaluate_frozen.py --backbone`` (the records' backbone
            tag) where the leaf does not give it. Defaults to None.
        pretrain_options (dict): extra ``--cfg-options`` of the pre-training, key -> value,
            appended after the runner's own. Defaults to {}.
        init_checkpoint (str, optional): a checkpoint the pre-training starts from (continued
            pre-training; passed as ``load_from``). Defaults to None.
        variant_of (str, optional): the row this one varies (its own ``pretrain_options``): the
            two are compared, and a variant stays out of the claims' level means. Defaults to None.
        checkpoint (str, optional): a checkpoint evaluated as it is, without pre-training (e.g.
            the upstream model of a continued regime); ``pretrain_config`` is then None.
            Defaults to None.
    """

    name: str
    pretrain_config: Optional[str]
    has_decoder: bool
    level: str
    contrastive: Optional[bool]
    label: str
    head: str = 'mocofcn'
    dataset: str = 'camvid'
    protocols: Tuple[str, ...] = ('lp', 'ft10')
    leaves: Mapping[str, str] = field(default_factory=dict)
    frozen_layer: str = ''
    backbone: Optional[str] = None
    pretrain_options: Mapping[str, str] = field(default_factory=dict)
    init_checkpoint: Optional[str] = None
    variant_of: Optional[str] = None
    checkpoint: Optional[str] = None

    def __post_init__(self):
        if self.checkpoint and self.pretrain_config:
            raise ValueError(f'row {self.name!r}: a checkpoint evaluated as is has no '
                             'pre-training config')
        missing = [p for p in self.protocols if p not in self.leaves]
        if missing:
            raise ValueError(f'row {self.name!r}: no leaf config for protocol {missing[0]!r}')

    def leaf(self, protocol: str) -> str:
        """The segmentation leaf config of ``protocol``."""
        return self.leaves[protocol]

    def cfg_options(self) -> List[str]:
        """The row's own pre-training ``--cfg-options`` (``key=value``; ``load_from`` last)."""
        opts = [f'{k}={v}' for k, v in self.pretrain_options.items()]
        if self.init_checkpoint:
            opts.append(f'load_from={self.init_checkpoint}')
        return opts


@dataclass(frozen=True)
class Suite:
    """The rows of one benchmark and how a command line names them.

    Args:
        rows (dict): name -> :class:`Row`, in table order.
        default (tuple): the rows run when none are named, in run order.
        groups (dict): group name -> row names (``--methods vit``). Defaults to {}.
        columns (tuple): the protocols a row's record gathers values of, in order (trained ones,
            then frozen-feature ones). Defaults to ``('lp', 'ft10')`` and every frozen protocol.
        frozen_options (tuple): options of ``tools/evaluate_frozen.py`` for every row (the cost
            settings of the frozen-feature protocols). Defaults to ().
    """

    rows: Mapping[str, Row]
    default: Tuple[str, ...]
    groups: Mapping[str, Tuple[str, ...]] = field(default_factory=dict)
    columns: Tuple[str, ...] = ('lp', 'ft10') + tuple(FROZEN_COLUMNS)
    frozen_options: Tuple[str, ...] = ()

    def __post_init__(self):
        for name in self.default + tuple(n for g in self.groups.values() for n in g):
            if name not in self.rows:
                raise KeyError(f'suite names the row {name!r} that it does not have')

    def expand(self, names: Iterable[str]) -> List[str]:
        """Row names with the groups expanded, each name once, in order."""
        out = []
        for name in names:
            for one in self.groups.get(name, (name, )):
                if one not in out:
                    out.append(one)
        return out

    def choices(self) -> List[str]:
        """What ``--methods`` accepts: row and group names."""
        return list(self.rows) + list(self.groups)

    def __getitem__(self, name: str) -> Row:
        try:
            return self.rows[name]
        except KeyError:
            raise KeyError(f'unknown row {name!r}; known: {", ".join(self.rows)}') from None


def rows_by_name(rows: Iterable[Row]) -> Dict[str, Row]:
    """name -> row, refusing a name given twice."""
    out: Dict[str, Row] = {}
    for row in rows:
        if row.name in out:
            raise ValueError(f'two rows named {row.name!r}')
        out[row.name] = row
    return out
