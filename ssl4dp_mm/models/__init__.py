from . import algorithms, backbones, heads, necks, segmentors  # noqa: F401
