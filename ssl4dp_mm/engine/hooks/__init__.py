"""Hooks: exact resume (generator states in checkpoints)."""
from .rng_state import RNGStateHook, get_rng_states, portable_rng_states, set_rng_states

__all__ = ['RNGStateHook', 'get_rng_states', 'portable_rng_states', 'set_rng_states']
