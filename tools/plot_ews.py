#!/usr/bin/python3
"""Figure of a `vigil ews` result file: the series with its trend, the residuals, and each
rolling indicator over time with its Kendall tau and surrogate p-values; with --model-test,
the bootstrap distributions of delta = 2 (log L_LSN - log L_OU) under both fitted models with
the observed value, and their ROC curve. A series whose indicators were skipped (uneven, or too
short for the window) gets the series and the model-test panels only.

Usage: plot_ews.py RESULT.h5 FIGURE.png

`vigil ews --plot` runs this script (embedded in the binary) with /usr/bin/python3, which needs
Debian's python3-matplotlib and python3-h5py. It only reads RESULT.h5 and writes FIGURE.png.
"""

import math
import os
import sys

import h5py
import matplotlib
import numpy as np

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


def read_model_test(f):
    if "model_test" not in f:
        return None
    group = f["model_test"]
    test = {name: group.attrs[name] for name in ("delta", "p_value", "auc", "auc_lower",
                                                  "auc_upper", "bootstrap")}
    test["ou_status"] = text_attribute(group, "ou_status")
    test["lsn_status"] = text_attribute(group, "lsn_status")
    for name in ("null_delta", "test_delta", "roc_false_positive_rate", "roc_true_positive_rate"):
        test[name] = group[name][:] if name in group else None
    return test


def draw_delta_distributions(ax, test):
    ax.set_title("model test: delta = 2 (log L_LSN - log L_OU)", loc="left", fontsize=10)
    if test["null_delta"] is None:
        ax.text(0.5, 0.5, f"no bootstrap: OU fit {test['ou_status']}, LSN fit "
                f"{test['lsn_status']}", ha="center", va="center", transform=ax.transAxes,
                fontsize=9)
        return
    null = test["null_delta"][~np.isnan(test["null_delta"])]
    alternative = test["test_delta"][~np.isnan(test["test_delta"])]
    values = np.concatenate([null, alternative, [test["delta"]]])
    bins = np.linspace(values.min(), values.max(), 40)
    ax.hist(null, bins=bins, density=True, alpha=0.55, color="tab:blue",
            label=f"simulated from the fitted OU ({len(null)})")
    ax.hist(alternative, bins=bins, density=True, alpha=0.55, color="tab:red",
            label=f"simulated from the fitted LSN ({len(alternative)})")
    ax.axvline(test["delta"], color="black", lw=1.5,
               label=f"observed {test['delta']:.3g} (p = {test['p_value']:.3g})")
    ax.set_xlabel("delta")
    ax.set_ylabel("density")
    ax.legend(fontsize=8, loc="best")


def draw_roc(ax, test):
    ax.set_title("ROC of delta: LSN against OU replicates", loc="left", fontsize=10)
    ax.plot([0, 1], [0, 1], color="gray", lw=0.8, ls="--")
    if test["roc_false_positive_rate"] is not None:
        # Drawn above the frame and inside limits just beyond [0, 1], so that a perfect ROC
        # (along the left and top edges) stays visible.
        ax.plot(test["roc_false_positive_rate"], test["roc_true_positive_rate"], color="tab:red",
                lw=1.5, zorder=3, clip_on=False, label=f"AUC {test['auc']:.3f} [{test['auc_lower']:.3f}, "
                f"{test['auc_upper']:.3f}]")
        ax.legend(fontsize=8, loc="lower right")
    ax.set_xlabel("false-positive rate")
    ax.set_ylabel("true-positive rate")
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)


def main(result_path, figure_path):
    with h5py.File(result_path, "r") as f:
        time = f["series/time"][:]
        value = f["series/value"][:]
        source = text_attribute(f, "input_file")
        value_column = text_attribute(f, "value_column")
        time_column = text_attribute(f, "time_column") or "index"
        test = read_model_test(f)
        with_indicators = int(f.attrs.get("indicators", 1)) == 1
        if with_indicators:
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
            convention = text_attribute(f, "convention")
            surrogates = int(f.attrs["surrogates"])
        else:
            names = []
            skipped = text_attribute(f, "indicators_skipped", "uneven sampling")

    columns = 2
    indicator_panels = 2 + len(names) if with_indicators else 1
    indicator_rows = math.ceil(indicator_panels / columns)
    rows = indicator_rows + (1 if test is not None else 0)
    figure = plt.figure(figsize=(11, 2.4 * indicator_rows + (3.2 if test is not None else 0)))
    grid = figure.add_gridspec(rows, columns,
                               height_ratios=[2.4] * indicator_rows +
                               ([3.2] if test is not None else []))
    axes = [figure.add_subplot(grid[k // columns, k % columns])
            for k in range(indicator_rows * columns)]
    for ax in axes[1:indicator_panels]:
        ax.sharex(axes[0])

    ax = axes[0]
    ax.plot(time, value, color="black", lw=1, marker="." if not with_indicators else None,
            label=value_column)
    if with_indicators and detrending not in ("none", "first-diff"):
        ax.plot(residual_time, trend, color="tab:red", lw=1.5, label=f"trend ({detrending})")
    ax.set_title("series", loc="left", fontsize=10)
    ax.legend(fontsize=8, loc="best")

    if with_indicators:
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
            tau_text = "undefined" if math.isnan(tau[k]) else f"{tau[k]:+.3f}"
            title = f"{LABELS.get(name, name)}   tau = {tau_text}"
            if surrogates > 0:
                title += f"   p = {p_text(p_ar1[k])} (AR1), {p_text(p_phase[k])} (phase)"
            ax.set_title(title, loc="left", fontsize=9)
    for ax in axes[indicator_panels:]:
        ax.set_visible(False)
    for ax in axes[max(0, indicator_panels - columns):indicator_panels]:
        ax.set_xlabel(time_column)
        ax.xaxis.set_tick_params(labelbottom=True)

    if test is not None:
        draw_delta_distributions(figure.add_subplot(grid[indicator_rows, 0]), test)
        draw_roc(figure.add_subplot(grid[indicator_rows, 1]), test)

    if with_indicators:
        title = (f"{os.path.basename(source)}: early-warning indicators ({convention} "
                 f"convention, {surrogates} surrogates of each kind)")
    else:
        title = f"{os.path.basename(source)}: model-based test (no indicators: {skipped})"
    figure.suptitle(title, fontsize=11)
    figure.tight_layout(rect=(0, 0, 1, 0.98))
    figure.savefig(figure_path, dpi=110, format="png")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    try:
        main(sys.argv[1], sys.argv[2])
    except OSError as error:
        sys.exit(f"plot_ews.py: {error.filename or sys.argv[2]}: {error.strerror}")
