"""Edits of a config's data pipeline that the cost benchmarks make before measuring."""


def set_view_size(node, size: int) -> int:
    """Every random-resized crop of a pipeline (nested lists and dicts) makes ``size`` px views;
    returns how many were set."""
    count = 0
    if isinstance(node, dict):
        if node.get('type') in ('RandomResizedCropWithCoord', 'RandomResizedCrop'):
            node['size'] = size
            count += 1
        for value in node.values():
            count += set_view_size(value, size)
    elif isinstance(node, (list, tuple)):
        for item in node:
            count += set_view_size(item, size)
    return count
