"""The one chart helper of the HTML reports: matplotlib without a display (Agg), each figure
embedded as a base64 PNG (self-contained pages: no file beside them, no external link), with
no software stamp (the same figure gives the same bytes) and axes in the reader's locale."""

from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from reports import fmt  # noqa: E402

__all__ = ["locale_axis", "plt", "png"]


def png(fig, *, dpi: int = 110) -> str:
    """The figure as base64 PNG text for an <img src="data:image/png;base64,..."> (closed after)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def locale_axis(axis, lang: str, *, digits: int = 1, percent: bool = False) -> None:
    """Tick labels of `axis` (ax.xaxis or ax.yaxis) formatted by reports.fmt: "0,8" and "4,5 %"
    in French."""
    def label(x, _pos) -> str:
        return fmt.percent(x, lang, digits) if percent else fmt.number(x, lang, digits)

    axis.set_major_formatter(FuncFormatter(label))
