"""Generic helpers that know nothing of models or checkpoints: all-or-nothing file writes."""
from .atomic_files import write_atomic, write_json_atomic

__all__ = ['write_atomic', 'write_json_atomic']
