#!/usr/bin/python3
"""Figure of a `vigil ews` result file: the series with its trend, the residuals, and each
rolling indicator over time with its Kendall tau and surrogate p-values.

Usage: plot_ews.py RESULT.h5 FIGURE.png

`vigil ews --plot` runs this script (embedded in the binary) with /usr/bin/python3, which needs
Debian's python3-matplotlib and python3-h5py. It only reads RESULT.h5 and writes FIGURE.png.
"""

import math
import os
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 (the backend must be chosen first)

LABELS = {
    "variance": "variance",
    "sd": "standard deviation",
    "cv": "coefficient of variation",
    "autocorrelation": "autocorrelation",
    "ar1": "AR(1) coefficient",
    "skewness": "skewness",
    "kurtosis": "kurtosis",
    "return_rate": "return rate",
    "density_ratio": "density ratio",
}


def text_attribute(group, name, default=""):
    value = group.attrs.get(name, default)
    return value.decode() if isinstance(value, bytes) else str(value)


def p_text(value):
    return "-" if math.isnan(value) else f"{value:.3g}"


def main(result_path, figure_path):
    with h5py.File(result_path, "r") as f:
        time = f["series/time"][:]
        value = f["series/value"][:]
        residual_time = f["series/residual_time"][:]
        trend = f["series/trend"][:]
        residuals = f["series/residuals"][:]
        names = [n.decode() if isinstance(n, bytes) else n for n in f["tests/indicator"][:]]
        tau = f["tests/tau"][:]
        p_ar1 = f["tests/p_ar1"][:]
        p_phase = f["tests/p_phase"][:]
        indicators = {n: f["indicators/" + n][:] for n in names}
        window = int(f.attrs["window_points"])
        detrending = text_attribute(f, "detrending")
        source = text_attribute(f, "input_file")
        value_column = text_attribute(f, "value_column")
        time_column = text_attribute(f, "time_column") or "index"
        convention = text_attribute(f, "convention")
        surrogates = int(f.attrs["surrogates"])

    panels = 2 + len(names)
    columns = 2
    rows = math.ceil(panels / columns)
    figure, axes = plt.subplots(rows, columns, figsize=(11, 2.4 * rows), sharex=True,
                                squeeze=False)
    axes = axes.ravel()

    ax = axes[0]
    ax.plot(time, value, color="black", lw=1, label=value_column)
    if detrending not in ("none", "first-diff"):
        ax.plot(residual_time, trend, color="tab:red", lw=1.5, label=f"trend ({detrending})")
    ax.set_title("series", loc="left", fontsize=10)
    ax.legend(fontsize=8, loc="best")

    ax = axes[1]
    ax.plot(residual_time, residuals, color="tab:gray", lw=0.8)
    ax.axhline(0, color="black", lw=0.5)
    first_window_end = residual_time[min(window, len(residual_time)) - 1]
    ax.axvspan(residual_time[0], first_window_end, color="tab:blue", alpha=0.12,
               label=f"rolling window ({window} points)")
    ax.set_title("residuals" if detrending != "first-diff" else "first differences",
                 loc="left", fontsize=10)
    ax.legend(fontsize=8, loc="best")

    for k, name in enumerate(names):
        ax = axes[2 + k]
        ax.plot(residual_time, indicators[name], color="tab:blue", lw=1.2)
        title = f"{LABELS.get(name, name)}   tau = {tau[k]:+.3f}"
        if surrogates > 0:
            title += f"   p = {p_text(p_ar1[k])} (AR1), {p_text(p_phase[k])} (phase)"
        ax.set_title(title, loc="left", fontsize=9)
    for ax in axes[panels:]:
        ax.set_visible(False)
    for ax in axes[max(0, panels - columns):panels]:
        ax.set_xlabel(time_column)
        ax.xaxis.set_tick_params(labelbottom=True)

    figure.suptitle(f"{os.path.basename(source)}: early-warning indicators ({convention} "
                    f"convention, {surrogates} surrogates of each kind)", fontsize=11)
    figure.tight_layout(rect=(0, 0, 1, 0.98))
    figure.savefig(figure_path, dpi=110, format="png")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
