"""Hooks: exact resume (generator states in checkpoints) and per-rank state dumps."""
from .rank_dump import RankStateDumpHook, tensor_digest
from .rng_state import RNGStateHook, get_rng_states, portable_rng_states, set_rng_states

__all__ = ['RankStateDumpHook', 'RNGStateHook', 'get_rng_states', 'portable_rng_states',
           'set_rng_states', 'tensor_digest']
