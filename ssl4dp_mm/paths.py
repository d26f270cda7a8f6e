"""Where the repository lies: its root (scripts run from there) and its config folder."""
import os.path as osp

PROJECT_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIG_ROOT = osp.join(PROJECT_ROOT, 'configs')
