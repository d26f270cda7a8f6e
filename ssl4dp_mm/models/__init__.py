from . import algorithms, heads, necks, segmentors  # noqa: F401
