"""t-SNE of pixel features, several checkpoints and layers side by side in one figure.

The embedding is scikit-learn's Barnes-Hut ``TSNE`` (PCA initialisation, ``learning_rate='auto'``)
after a PCA to at most 50 dimensions, the usual preprocessing. openTSNE's FFT-accelerated version
is faster from ~10k points on, but it is not installed in the pinned stack, and for the few thousand
pixels a panel shows (e.g. 6 classes x 200) scikit-learn takes seconds.
"""
import os
import os.path as osp
import textwrap
from dataclasses import dataclass
from typing import Callable, Iterable, List, Optional, Sequence

import numpy as np


@dataclass
class Panel:
    """One scatter plot.

    Attributes:
        title (str): Panel title (checkpoint and layer).
        xy (np.ndarray, optional): Nx2 embedding; None for an empty panel.
        labels (np.ndarray, optional): N class indices.
        note (str): Text shown in an empty panel. Defaults to ''.
    """
    title: str
    xy: Optional[np.ndarray] = None
    labels: Optional[np.ndarray] = None
    note: str = ''


def tsne_embed(features: np.ndarray,
               seed: int = 0,
               perplexity: float = 30.0,
               pca_dim: int = 50,
               max_iter: int = 1000,
               num_threads: int = 1) -> np.ndarray:
    """Embed NxC features in 2-D.

    Args:
        features (np.ndarray): NxC.
        seed (int): Seed of PCA and t-SNE. Defaults to 0.
        perplexity (float): t-SNE perplexity (clamped below (N - 1) / 3). Defaults to 30.0.
        pca_dim (int): PCA dimensions before t-SNE (skipped if C is not larger). Defaults to 50.
        max_iter (int): t-SNE iterations. Defaults to 1000.
        num_threads (int): OpenMP/BLAS threads. One is the default because on a shared or busy
            machine OpenMP's spinning threads made a 600-point t-SNE 15x slower (38 s vs 3 s on
            2 busy cores), and a few thousand points take seconds on one thread. Defaults to 1.

    Returns:
        np.ndarray: Nx2 float32.
    """
    from sklearn.decomposition import PCA
    from sklearn.manifold import TSNE
    from threadpoolctl import threadpool_limits
    x = np.asarray(features, dtype=np.float32)
    if x.ndim != 2 or len(x) < 5:
        raise ValueError(f'need NxC features with N >= 5, got shape {x.shape}')
    with threadpool_limits(limits=num_threads):
        if x.shape[1] > pca_dim:
            x = PCA(n_components=min(pca_dim, len(x)), random_state=seed).fit_transform(x)
        perplexity = min(perplexity, (len(x) - 1) / 3)
        tsne = TSNE(n_components=2, perplexity=perplexity, init='pca', learning_rate='auto',
                    max_iter=max_iter, random_state=seed, n_jobs=num_threads)
        return tsne.fit_transform(x).astype(np.float32)


def class_colours(num_classes: int,
                  palette: Optional[Sequence[Sequence[int]]] = None) -> np.ndarray:
    """Kx3 colours in [0, 1]: the dataset palette if it has one, else matplotlib's tab10/tab20."""
    if palette is not None and len(palette) >= num_classes:
        return np.asarray(palette[:num_classes], dtype=np.float64) / 255.0
    import matplotlib
    cmap = matplotlib.colormaps['tab10' if num_classes <= 10 else 'tab20']
    return np.array([cmap(i % cmap.N)[:3] for i in range(num_classes)])


def plot_panels(panels: List[List[Panel]],
                class_names: Sequence[str],
                out: str,
                palette: Optional[Sequence[Sequence[int]]] = None,
                suptitle: str = '',
                panel_size: float = 3.2,
                dpi: int = 90,
                point_size: float = 4.0) -> str:
    """Draw a grid of scatter plots (rows x columns of :class:`Panel`) with one class legend.

    Args:
        panels (list[list[Panel]]): Rows of panels.
        class_names (Sequence[str]): Legend entries, by class index.
        out (str): PNG path.
        palette (Sequence, optional): RGB 0-255 colour per class. Defaults to None.
        suptitle (str): Figure title. Defaults to ''.
        panel_size (float): Inches per panel. Defaults to 3.2.
        dpi (int): Resolution. Defaults to 90.
        point_size (float): Marker area. Defaults to 4.0.

    Returns:
        str: ``out``.
    """
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    rows, cols = len(panels), max(len(r) for r in panels)
    colours = class_colours(len(class_names), palette)
    legend_h = 0.45  # inches below the panels for the legend
    fig, axes = plt.subplots(rows, cols, figsize=(panel_size * cols, panel_size * rows + legend_h),
                             squeeze=False)
    for r in range(rows):
        for c in range(cols):
            ax = axes[r][c]
            ax.set_xticks([])
            ax.set_yticks([])
            if c >= len(panels[r]):
                ax.set_axis_off()
                continue
            panel = panels[r][c]
            ax.set_title(panel.title, fontsize=8)
            if panel.xy is None:
                ax.text(0.5, 0.5, textwrap.fill(panel.note, 30), ha='center', va='center',
                        fontsize=8, transform=ax.transAxes, color='0.4')
                continue
            order = np.random.default_rng(0).permutation(len(panel.xy))  # no class drawn on top
            ax.scatter(panel.xy[order, 0], panel.xy[order, 1], s=point_size, linewidths=0,
                       c=colours[panel.labels[order]], rasterized=True)
    handles = [Line2D([], [], marker='o', linestyle='', markersize=6, color=colours[k], label=name)
               for k, name in enumerate(class_names)]
    fig.legend(handles=handles, loc='lower center', ncol=min(len(class_names), 8), fontsize=8,
               frameon=False)
    if suptitle:
        fig.suptitle(suptitle, fontsize=10)
    fig.tight_layout(rect=(0, legend_h / (panel_size * rows + legend_h), 1, 1))
    os.makedirs(osp.dirname(osp.abspath(out)), exist_ok=True)
    fig.savefig(out, dpi=dpi)
    plt.close(fig)
    return out


def embed_panels(panels: List[List[Panel]], features: List[List[Optional[np.ndarray]]],
                 progress: Optional[Callable[[Iterable], Iterable]] = None, **tsne_kwargs) -> None:
    """Fill ``panel.xy`` with the t-SNE of the matching features (None leaves a panel empty)."""
    jobs = [(p, f) for prow, frow in zip(panels, features) for p, f in zip(prow, frow)
            if f is not None]
    for panel, feats in (progress or (lambda it: it))(jobs):
        panel.xy = tsne_embed(feats, **tsne_kwargs)
