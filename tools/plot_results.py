#!/usr/bin/python3
"""Draws the key figures of a vigil result file as PNGs, from the file alone.

    /usr/bin/python3 tools/plot_results.py RESULT.h5 -o DIR [--replicate R] [--overwrite]

`vigil analyze RESULT.h5 --plot DIR` runs this script (embedded in the binary) right after it
stores the analysis; run by hand, it draws from the /analysis a `vigil analyze` stored earlier
and skips, with a note, the figures that need it when there is none. The model comes from the
file's attributes; each figure is DIR/STEM_NAME.png (STEM: the result file's name):

  contact sensing   false_negative_rate, position_error, roc, cell
  regime shifts     trajectories, indicators, tau_distributions, roc, theory_check
  opposing signals  losses, sharpness, outlier_weight, optimizers (when the optimizer varies)

Figures from trajectories need `trajectories = N` in the scan file. Existing figures are
replaced only with --overwrite. Exit status 0, 2 for a file or directory it cannot use (one
line on stderr), 1 when drawing failed. Needs Debian's python3-h5py and python3-matplotlib.
"""
import argparse
import math
import os
import sys

import h5py
import numpy as np
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

DPI = 100
REGIME_SHIFT_MODELS = ("grazing", "lake", "harvest", "saddle_node", "ou", "lsn", "predator_prey",
                       "allee_ibm")
APPROACH_COLOUR = "tab:red"
NULL_COLOUR = "tab:blue"

plt.rcParams.update({"font.size": 10, "axes.titlesize": 10, "legend.fontsize": 8,
                     "figure.titlesize": 11})


class unusable_input(Exception):
    """A file or directory the script cannot use: exit status 2 with one line."""


def text(value):
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, np.ndarray) and value.shape == ():
        return text(value[()])
    return str(value)


def spread(items, count):
    """Up to `count` items evenly spread over `items`, first and last included."""
    items = list(items)
    if len(items) <= count:
        return items
    chosen = sorted({round(i * (len(items) - 1) / (count - 1)) for i in range(count)})
    return [items[i] for i in chosen]


def unit_suffix(unit):
    return "" if unit in ("", "1") else f" [{unit.replace('um', 'µm')}]"


def roc_curve(negatives, positives):
    """False- and true-positive rates of the rule `statistic >= threshold` over all thresholds."""
    negatives = np.sort(negatives[np.isfinite(negatives)])
    positives = np.sort(positives[np.isfinite(positives)])
    if negatives.size == 0 or positives.size == 0:
        return np.array([0.0, 1.0]), np.array([0.0, 1.0]), math.nan
    thresholds = np.unique(np.concatenate([negatives, positives]))[::-1]
    fpr = 1 - np.searchsorted(negatives, thresholds, side="left") / negatives.size
    tpr = 1 - np.searchsorted(positives, thresholds, side="left") / positives.size
    fpr = np.concatenate([[0.0], fpr, [1.0]])
    tpr = np.concatenate([[0.0], tpr, [1.0]])
    return fpr, tpr, float(np.trapz(tpr, fpr))


class study:
    """One vigil result file: attributes, parameters, results, trajectories and analysis."""

    def __init__(self, path):
        self.path = path
        try:
            self.file = h5py.File(path, "r")
        except OSError as error:
            reason = str(error).split("(")[0].strip() or "cannot be opened"
            raise unusable_input(f"{path}: not an HDF5 file that can be read ({reason})")
        attributes = self.file.attrs
        if text(attributes.get("format", "")) != "vigil-result":
            raise unusable_input(f"{path}: not a vigil result file (no root attribute "
                                 "format = \"vigil-result\"; `vigil run` writes them)")
        if int(attributes.get("complete", 0)) != 1:
            raise unusable_input(f"{path}: the run that wrote this file did not finish "
                                 "(no completion mark); `vigil info` tells more")
        self.model = text(attributes.get("model", ""))
        if self.model == "contact_sensing":
            self.family = "contact_sensing"
        elif self.model == "opposing_signals":
            self.family = "opposing_signals"
        elif self.model in REGIME_SHIFT_MODELS or "results/approach_tau_variance" in self.file:
            self.family = "regime_shifts"
        else:
            raise unusable_input(f"{path}: model \"{self.model}\" has no figures; models with "
                                 "figures: contact_sensing, opposing_signals, "
                                 + ", ".join(REGIME_SHIFT_MODELS))
        self.stem = os.path.splitext(os.path.basename(path))[0]
        self.scan_file = text(attributes.get("scan_file", "")) or os.path.basename(path)
        self.points = int(attributes["points"])
        self.replicates = int(attributes["replicates"])
        parameters = self.file["parameters"]
        self.scanned = [name for name in parameters
                        if int(parameters[name].attrs.get("scanned", 0)) == 1]
        self.has_analysis = "analysis" in self.file and len(self.file["analysis"]) > 0

    # ---- parameters and the scan axis --------------------------------------------------

    def has_parameter(self, name):
        return f"parameters/{name}" in self.file

    def parameter(self, name):
        values = self.file["parameters"][name][()]
        if values.dtype.kind in "SO":
            return [text(v) for v in values]
        return np.asarray(values, dtype=float)

    def unit(self, group, name):
        return text(self.file[group][name].attrs.get("unit", ""))

    def axis(self, preferred=None):
        """(values, label, log scale) of the scan axis to plot against: `preferred` when it is
        numeric and varies, else the first numeric scanned parameter, else the point index."""
        candidates = ([preferred] if preferred else []) + self.scanned
        for name in candidates:
            if name is None or not self.has_parameter(name):
                continue
            values = self.parameter(name)
            if isinstance(values, list) or np.unique(values).size < 2:
                continue
            positive = np.all(values > 0)
            log = bool(positive and values.max() / values.min() > 20)
            return values, name + unit_suffix(self.unit("parameters", name)), log
        return np.arange(1, self.points + 1, dtype=float), "scan point", False

    def point_label(self, point):
        parts = []
        for name in self.scanned:
            value = self.parameter(name)[point]
            parts.append(f"{name} = {value}" if isinstance(value, str) else
                         f"{name} = {value:g}")
        return ", ".join(parts) if parts else f"point {point + 1}"

    # ---- results, analysis, trajectories -----------------------------------------------

    def results(self, name):
        return np.asarray(self.file["results"][name][()], dtype=float)

    def analysis(self, name):
        if not self.has_analysis or name not in self.file["analysis"]:
            return None
        return np.asarray(self.file["analysis"][name][()], dtype=float)

    def interval(self, name):
        lower, upper = self.analysis(name + "_lower"), self.analysis(name + "_upper")
        return (lower, upper) if lower is not None and upper is not None else None

    def trajectory_points(self):
        if "trajectories" not in self.file:
            return []
        names = [name for name in self.file["trajectories"] if name.startswith("point_")]
        return sorted(int(name[len("point_"):]) for name in names)

    def trajectory_replicates(self, point):
        group = self.file[f"trajectories/point_{point}"]
        return sorted(int(name[len("replicate_"):]) for name in group
                      if name.startswith("replicate_"))

    def trajectory(self, point, replicate):
        path = f"trajectories/point_{point}/replicate_{replicate}"
        if path not in self.file:
            return None
        group = self.file[path]
        return {name: np.asarray(group[name][()], dtype=float) for name in group}

    def trajectory_unit(self, point, replicate, name):
        return text(self.file[f"trajectories/point_{point}/replicate_{replicate}/{name}"]
                    .attrs.get("unit", ""))

    def false_positive_rate(self):
        if self.has_analysis:
            return float(self.file["analysis"].attrs.get("false_positive_rate", 0.05))
        return 0.05

    def figure(self, rows, columns, what, width=4.6, height=3.6, **options):
        figure, axes = plt.subplots(rows, columns, figsize=(width * columns, height * rows + 0.6),
                                    squeeze=False, **options)
        figure.suptitle(f"{what}\n{self.scan_file}: {self.model}, {self.points} point"
                        f"{'s' if self.points != 1 else ''} x {self.replicates} replicates")
        return figure, axes


def draw_interval(axes, x, name, values, interval, **style):
    if interval is None:
        axes.plot(x, values, "o-", label=name, **style)
        return
    lower, upper = interval
    below = np.clip(values - lower, 0, None)
    above = np.clip(upper - values, 0, None)
    axes.errorbar(x, values, yerr=[below, above], fmt="o-", capsize=3, label=name, **style)


def finish_axis(axes, log):
    if log:
        axes.set_xscale("log")
    axes.grid(True, alpha=0.3)


# ---- contact sensing -------------------------------------------------------------------

def contact_width_rad(s, point):
    receptors = s.parameter("receptors")[point]
    if s.has_parameter("contact_receptors"):
        count = s.parameter("contact_receptors")[point]
        if np.isfinite(count):
            return 2 * math.pi * count / receptors
    if s.has_parameter("contact_length_um"):
        length = s.parameter("contact_length_um")[point]
        if np.isfinite(length):
            return length / s.parameter("radius_um")[point]
    return 1.0 / s.parameter("radius_um")[point]


def contact_false_negative_rate(s):
    x, label, log = s.axis("contact_length_um")
    figure, axes = s.figure(1, 1, f"False negatives at {s.false_positive_rate():g} false "
                            "positives", width=7.5, height=4.6)
    axes = axes[0][0]
    confidence = float(s.file["analysis"].attrs.get("confidence_level", 0.95))
    draw_interval(axes, x, f"simulated (GLRT, {confidence:.0%} Wilson interval)",
                  s.analysis("p_fn_at_fp"), s.interval("p_fn_at_fp"), color="k")
    theory = s.analysis("theory_p_fn_at_fp_known_arc")
    if theory is not None:
        axes.plot(x, theory, "--", color="tab:red", lw=1.5,
                  label="theory: known arc, Gaussian log-likelihood ratio")
    minimum = s.analysis("min_mean_error")
    if minimum is not None:
        axes.plot(x, minimum, ":", color="tab:gray", marker=".",
                  label="min over thresholds of (P_FP + P_FN) / 2")
    axes.set_xlabel(label)
    axes.set_ylabel(f"false-negative rate at P_FP = {s.false_positive_rate():g}")
    axes.set_ylim(-0.02, 1.02)
    finish_axis(axes, log)
    axes.legend()
    return figure


def contact_position_error(s):
    x, label, log = s.axis("contact_length_um")
    figure, axes = s.figure(1, 2, "Errors of the estimated contact arc (detected contacts)",
                            width=5.2, height=4.2)
    for panel, quantity in zip(axes[0], ("centre", "width")):
        for statistic, style in (("rms", "o-"), ("bias", "s--")):
            name = f"{statistic}_{quantity}_error_um_detected"
            if s.analysis(name) is None:
                name = f"{statistic}_{quantity}_error_um"
            values = s.analysis(name)
            if values is None:
                continue
            interval = s.interval(name)
            if interval is None:
                panel.plot(x, values, style, label=statistic)
            else:
                lower, upper = interval
                panel.errorbar(x, values, yerr=[np.clip(values - lower, 0, None),
                                                np.clip(upper - values, 0, None)],
                               fmt=style, capsize=3, label=statistic)
        spacing = 2 * math.pi * s.parameter("radius_um") / s.parameter("receptors")
        panel.plot(x, spacing, ":", color="tab:gray", label="receptor spacing")
        panel.axhline(0, color="k", lw=0.6)
        panel.set_xlabel(label)
        panel.set_ylabel(f"{quantity} error [µm]")
        panel.set_title(f"contact {quantity}: estimate - truth")
        finish_axis(panel, log)
        panel.legend()
    return figure


def contact_roc(s):
    positives = s.results("glrt_statistic")
    negatives = s.results("glrt_statistic_no_contact")
    figure, axes = s.figure(1, 2, "ROC of the GLRT statistic (contact vs no contact)",
                            width=5.0, height=4.4)
    colours = plt.cm.viridis(np.linspace(0, 0.9, 6))
    for colour, point in zip(colours, spread(range(s.points), 6)):
        fpr, tpr, auc = roc_curve(negatives[point], positives[point])
        for panel in axes[0]:
            panel.plot(fpr, tpr, color=colour, lw=1.4,
                       label=f"{s.point_label(point)} (AUC {auc:.3f})")
    for panel, log in zip(axes[0], (False, True)):
        panel.plot([1e-4, 1], [1e-4, 1], ":", color="tab:gray", label="chance")
        panel.axvline(s.false_positive_rate(), color="k", lw=0.6, ls="--")
        panel.set_xlabel("false-positive rate (no-contact cells called contact)")
        panel.set_ylabel("true-positive rate (contacts detected)")
        panel.grid(True, alpha=0.3)
        if log:
            panel.set_xscale("log")
            panel.set_xlim(1.0 / max(2, negatives.shape[1]), 1)
            panel.set_title("log false-positive axis")
        else:
            panel.set_xlim(0, 1)
            panel.set_title("linear axes")
        panel.set_ylim(0, 1.01)
    axes[0][0].legend(loc="lower right")
    return figure


def draw_arc(axes, centre, width, radius, **style):
    angles = np.linspace(centre - width / 2, centre + width / 2, max(8, int(200 * width)))
    axes.plot(radius * np.cos(angles), radius * np.sin(angles), solid_capstyle="butt", **style)


def contact_cell(s, replicate):
    points = [p for p in s.trajectory_points()
              if replicate in s.trajectory_replicates(p)]
    points = spread(points, 3)
    figure, axes = s.figure(1, len(points), f"One cell per contact length (replicate "
                            f"{replicate}): receptors coloured by their log-likelihood ratio",
                            width=4.4, height=4.6)
    centres = s.results("contact_centre_rad")
    estimated_centres = s.results("centre_estimate_rad")
    estimated_widths = s.results("width_estimate_rad")
    statistic = s.results("glrt_statistic")
    threshold = s.analysis("threshold_at_fp")
    scatter = None
    for panel, point in zip(axes[0], points):
        ratios = s.trajectory(point, replicate)["log_likelihood_ratio"]
        receptors = ratios.size
        radius = s.parameter("radius_um")[point]
        angles = 2 * math.pi * np.arange(receptors) / receptors
        limit = max(1e-9, float(np.nanpercentile(np.abs(ratios), 98)))
        scatter = panel.scatter(radius * np.cos(angles), radius * np.sin(angles), c=ratios,
                                cmap="RdBu_r", vmin=-limit, vmax=limit,
                                s=max(4, min(40, 4000 / receptors)), zorder=3)
        draw_arc(panel, centres[point, replicate], contact_width_rad(s, point), 1.1 * radius,
                 color="k", lw=4, label="true contact")
        detected = threshold is None or statistic[point, replicate] > threshold[point]
        draw_arc(panel, estimated_centres[point, replicate], estimated_widths[point, replicate],
                 1.2 * radius, color="tab:orange", lw=4,
                 label="estimated arc" + ("" if detected else " (not detected)"))
        verdict = "" if threshold is None else (" > " if detected else " <= ") + \
            f"threshold {threshold[point]:.3g}"
        panel.set_title(f"{s.point_label(point)}\nΛ = {statistic[point, replicate]:.3g}{verdict}")
        panel.set_aspect("equal")
        reach = 1.35 * radius
        panel.set_xlim(-reach, reach)
        panel.set_ylim(-reach, reach)
        panel.set_xlabel("x [µm]")
        panel.set_ylabel("y [µm]")
        panel.legend(loc="center", frameon=False)
    figure.colorbar(scatter, ax=list(axes[0]), shrink=0.8,
                    label="receptor log-likelihood ratio l_j (colour scale per panel)")
    return figure


# ---- regime shifts ---------------------------------------------------------------------

def control_name(s):
    for name in s.file["parameters"]:
        if s.has_parameter(name + "_end") and not name.endswith("_end"):
            return name
    return None


def state_component(s, point, replicate, series):
    """The first state component's name: indicators and results use only that one. Its
    whole-run mean is the stored approach_mean."""
    names = [name for name in series if name.startswith("approach_") and
             not name.startswith(("approach_rolling_", "approach_trend", "approach_control"))]
    target = s.results("approach_mean")[point, replicate]
    return min(names, key=lambda name: abs(np.mean(series[name]) - target)
               if series[name].size else math.inf)[len("approach_"):]


def crossing_time(time, control, value):
    if value is None or not np.isfinite(value) or control.size < 2:
        return None
    above = (control - value) * np.sign(control[-1] - control[0] or 1) >= 0
    if not above.any() or above[0]:
        return None
    i = int(np.argmax(above))
    return float(np.interp(value, sorted(control[i - 1:i + 1]),
                           time[i - 1:i + 1] if control[i] >= control[i - 1]
                           else time[i - 1:i + 1][::-1]))


def regime_trajectories(s):
    points = spread(s.trajectory_points(), 3)
    figure, axes = s.figure(1, len(points), "Sample paths: ramped (approaching) and held (null) "
                            "members", width=5.0, height=4.2)
    control = control_name(s)
    bifurcation = s.analysis("theory_bifurcation")
    for panel, point in zip(axes[0], points):
        replicates = s.trajectory_replicates(point)[:3]
        first = s.trajectory(point, replicates[0])
        component = state_component(s, point, replicates[0], first)
        unit = s.trajectory_unit(point, replicates[0], "approach_" + component)
        for k, replicate in enumerate(replicates):
            series = s.trajectory(point, replicate)
            time = series["time"]
            approach = series["approach_" + component]
            null = series["null_" + component]
            panel.plot(time[:null.size], null, color=NULL_COLOUR, lw=0.6, alpha=0.7,
                       label="null (control held)" if k == 0 else None)
            panel.plot(time[:approach.size], approach, color=APPROACH_COLOUR, lw=0.6,
                       alpha=0.8, label="approaching (control ramped)" if k == 0 else None)
            if approach.size < time.size:
                panel.plot(time[approach.size - 1], approach[-1], "x", color="k", ms=7,
                           label="transition" if k == 0 else None)
        panel.set_xlabel("time")
        panel.set_ylabel(f"{component}{unit_suffix(unit)}")
        panel.set_title(s.point_label(point))
        ramp = panel.twinx()
        ramp.plot(first["time"], first["approach_control"], "k--", lw=1.2, label="control ramp")
        ramp.set_ylabel(f"{control or 'control'}"
                        f"{unit_suffix(s.trajectory_unit(point, replicates[0], 'approach_control'))}")
        value = None if bifurcation is None else bifurcation[point]
        handles, labels = panel.get_legend_handles_labels()
        if value is not None and np.isfinite(value):
            ramp.axhline(value, color="tab:green", lw=1, ls=":")
            when = crossing_time(first["time"], first["approach_control"], value)
            if when is not None:
                panel.axvline(when, color="tab:green", lw=1.2)
            low, high = ramp.get_ylim()
            ramp.set_ylim(min(low, value - 0.05 * abs(value)), max(high, value + 0.05 * abs(value)))
            handles.append(plt.Line2D([], [], color="tab:green", ls=":"))
            labels.append(f"bifurcation {control or 'control'} = {value:.4g}")
        handles += ramp.get_legend_handles_labels()[0]
        labels += ramp.get_legend_handles_labels()[1]
        panel.legend(handles, labels, loc="lower left")
    return figure


def regime_indicator_point(s):
    points = s.trajectory_points()
    auc = s.analysis("auc_variance")
    if auc is not None and np.isfinite(auc[points]).any():
        return max(points, key=lambda p: auc[p] if np.isfinite(auc[p]) else -1)
    return points[-1]


def regime_indicators(s, replicate):
    point = regime_indicator_point(s)
    if replicate not in s.trajectory_replicates(point):
        replicate = s.trajectory_replicates(point)[0]
    series = s.trajectory(point, replicate)
    component = state_component(s, point, replicate, series)
    unit = s.trajectory_unit(point, replicate, "approach_" + component)
    figure, axes = s.figure(3, 1, f"Rolling indicators before the transition, "
                            f"{s.point_label(point)}, replicate {replicate}",
                            width=8.5, height=2.6, sharex=True)
    time = series["time"]
    compared = series["approach_trend"].size if "approach_trend" in series else 0
    top = axes[0][0]
    for member, colour in (("approach", APPROACH_COLOUR), ("null", NULL_COLOUR)):
        values = series[f"{member}_{component}"]
        top.plot(time[:values.size], values, color=colour, lw=0.6,
                 label=f"{member} {component}")
        if f"{member}_trend" in series:
            top.plot(time[:compared], series[f"{member}_trend"], color=colour, lw=1.6, ls="--",
                     label=f"{member} trend")
    if compared:
        top.axvspan(time[compared - 1], time[-1], color="0.9", zorder=0,
                    label="not compared (after the transition)")
    top.set_ylabel(f"{component}{unit_suffix(unit)}")
    top.legend(loc="upper left", ncol=3)
    for panel, indicator, label in ((axes[1][0], "variance", f"rolling variance"
                                     f"{unit_suffix(unit + '^2' if unit not in ('', '1') else '')}"),
                                    (axes[2][0], "autocorrelation", "rolling lag-1 autocorrelation")):
        for member, colour in (("approach", APPROACH_COLOUR), ("null", NULL_COLOUR)):
            name = f"{member}_rolling_{indicator}"
            if name not in series:
                continue
            tau = s.results(f"{member}_tau_{indicator}")[point, replicate]
            panel.plot(time[:series[name].size], series[name], color=colour, lw=1.2,
                       label=f"{member}: Kendall τ = {tau:+.2f}")
        panel.set_ylabel(label)
        panel.legend(loc="upper left")
        panel.grid(True, alpha=0.3)
    if "approach_rolling_variance" not in series:
        axes[1][0].text(0.5, 0.5, "no rolling indicators in this file's trajectories\n"
                        "(written before vigil recorded them: rerun the scan)",
                        ha="center", va="center", transform=axes[1][0].transAxes)
    axes[2][0].set_xlabel("time (each value at its window's right end)")
    return figure


def regime_tau_distributions(s):
    points = spread(range(s.points), 4)
    figure, axes = s.figure(2, len(points), "Kendall τ of the rolling indicators: approaching "
                            "vs null runs", width=3.8, height=3.0, sharex=True)
    bins = np.linspace(-1, 1, 41)
    for row, indicator in enumerate(("variance", "autocorrelation")):
        approach = s.results(f"approach_tau_{indicator}")
        null = s.results(f"null_tau_{indicator}")
        auc = s.analysis(f"auc_{indicator}")
        for column, point in enumerate(points):
            panel = axes[row][column]
            panel.hist(null[point][np.isfinite(null[point])], bins=bins, color=NULL_COLOUR,
                       alpha=0.55, label="null")
            panel.hist(approach[point][np.isfinite(approach[point])], bins=bins,
                       color=APPROACH_COLOUR, alpha=0.55, label="approaching")
            title = s.point_label(point)
            if auc is not None:
                title += f"\nAUC {auc[point]:.3f}"
            panel.set_title(title)
            panel.set_xlabel(f"τ of the rolling {indicator}")
            if column == 0:
                panel.set_ylabel("replicates")
                panel.legend(loc="upper left")
    return figure


def regime_roc(s):
    with_auc = s.analysis("auc_variance") is not None and s.points > 1
    figure, axes = s.figure(1, 3 if with_auc else 2, "ROC of τ: approaching vs null runs",
                            width=4.4, height=4.2)
    points = spread(range(s.points), 6)
    colours = plt.cm.plasma(np.linspace(0, 0.85, len(points)))
    for panel, indicator in zip(axes[0], ("variance", "autocorrelation")):
        approach = s.results(f"approach_tau_{indicator}")
        null = s.results(f"null_tau_{indicator}")
        for colour, point in zip(colours, points):
            fpr, tpr, auc = roc_curve(null[point], approach[point])
            panel.plot(fpr, tpr, color=colour, lw=1.4,
                       label=f"{s.point_label(point)} (AUC {auc:.2f})")
        panel.plot([0, 1], [0, 1], ":", color="tab:gray")
        panel.axvline(s.false_positive_rate(), color="k", lw=0.6, ls="--")
        panel.set_title(f"τ of the rolling {indicator}")
        panel.set_xlabel("false-positive rate (null runs flagged)")
        panel.set_ylabel("true-positive rate (approaching runs flagged)")
        panel.set_xlim(0, 1)
        panel.set_ylim(0, 1.01)
        panel.grid(True, alpha=0.3)
    axes[0][0].legend(loc="lower right")
    if with_auc:
        panel = axes[0][2]
        x, label, log = s.axis()
        for indicator, colour in (("variance", "tab:purple"), ("autocorrelation", "tab:olive")):
            draw_interval(panel, x, indicator, s.analysis(f"auc_{indicator}"),
                          s.interval(f"auc_{indicator}"), color=colour)
        panel.axhline(0.5, color="tab:gray", ls=":", label="chance")
        panel.set_xlabel(label)
        panel.set_ylabel("ROC AUC (bootstrap interval)")
        panel.set_title("AUC across the scan")
        panel.set_ylim(0.3, 1.02)
        finish_axis(panel, log)
        panel.legend(loc="lower right")
    return figure


def regime_theory_check(s):
    control = control_name(s)
    x, label, log = s.axis(control)
    figure, axes = s.figure(1, 2, "Null runs: measured variance and lag-1 autocorrelation vs "
                            "linear-noise theory", width=5.2, height=4.2)
    state_unit = s.unit("results", "null_mean")
    pairs = ((axes[0][0], "null_variance", ("theory_variance_start",
                                            "theory_expected_sample_variance"),
              f"variance{unit_suffix(state_unit + '^2' if state_unit not in ('', '1') else '')}"),
             (axes[0][1], "null_lag1_autocorrelation", ("theory_lag1_autocorrelation_start",),
              "lag-1 autocorrelation"))
    theory_labels = {"theory_variance_start": "theory: stationary σ²/(2|λ|)",
                     "theory_expected_sample_variance": "theory: expected sample variance "
                                                        "(finite series)",
                     "theory_lag1_autocorrelation_start": "theory: exp(λ Δt)"}
    for panel, measured, theories, ylabel in pairs:
        values = s.analysis(measured)
        if values is None:
            values = np.nanmean(s.results(measured), axis=1)
        draw_interval(panel, x, "simulated null runs (mean, interval)", values,
                      s.interval(measured), color="k")
        for style, name in zip(("--", ":"), theories):
            theory = s.analysis(name)
            if theory is not None:
                panel.plot(x, theory, style, lw=1.6, label=theory_labels[name])
        panel.set_xlabel(label)
        panel.set_ylabel(ylabel)
        finish_axis(panel, log)
        panel.legend()
    return figure


# ---- opposing signals ------------------------------------------------------------------

def opposing_points(s, replicate, count=4):
    points = [p for p in s.trajectory_points() if replicate in s.trajectory_replicates(p)]
    return spread(points, count)


def balance_point(s, point):
    theory = s.analysis("theory_balance_point")
    if theory is not None:
        return theory[point]
    alpha = s.parameter("outlier_magnitude")[point]
    gamma = s.parameter("outlier_target_offset")[point]
    share_a = s.parameter("fraction_group_a")[point]
    share_b = s.parameter("fraction_group_b")[point]
    return gamma * (share_a - share_b) / (alpha * (share_a + share_b))


def opposing_losses(s, replicate):
    points = opposing_points(s, replicate)
    figure, axes = s.figure(1, len(points), f"Training loss, total and per group "
                            f"(replicate {replicate})", width=4.2, height=3.8, sharey=True)
    for panel, point in zip(axes[0], points):
        series = s.trajectory(point, replicate)
        step = series["step"]
        for name, label, colour in (("loss_group_a", "group A (x₀ = +α)", "tab:red"),
                                    ("loss_group_b", "group B (x₀ = -α)", "tab:blue"),
                                    ("loss_rest", "other points", "tab:green"),
                                    ("loss", "total", "k")):
            panel.semilogy(step, series[name], color=colour, lw=0.7 if name != "loss" else 1.0,
                           label=label)
        panel.set_title(s.point_label(point))
        panel.set_xlabel("optimizer step")
        panel.grid(True, alpha=0.3)
    axes[0][0].set_ylabel("mean squared-error loss (dimensionless)")
    axes[0][0].legend(loc="upper right")
    return figure


def opposing_sharpness(s, replicate):
    points = opposing_points(s, replicate)
    summary = s.points > 1 and s.analysis("long_run_sharpness") is not None and \
        "learning_rate" in s.scanned
    figure, axes = s.figure(1, len(points) + (1 if summary else 0),
                            f"Sharpness (top Hessian eigenvalue) and the 2/η line "
                            f"(replicate {replicate})", width=4.2, height=3.8)
    for panel, point in zip(axes[0], points):
        series = s.trajectory(point, replicate)
        rate = s.parameter("learning_rate")[point]
        panel.plot(series["step"], series["sharpness"], lw=0.8, label="sharpness (Lanczos)")
        panel.plot(series["step"], series["sharpness_formula"], lw=0.8, ls="--",
                   label="q α² (‖b‖² + ‖A[:,0]‖²)")
        panel.axhline(2 / rate, color="tab:red", lw=1.2, label=f"2/η = {2 / rate:.4g}")
        panel.set_title(s.point_label(point))
        panel.set_xlabel("optimizer step")
        panel.grid(True, alpha=0.3)
        top = max(2 / rate, float(np.nanmax(series["sharpness"]))) * 1.15
        panel.set_ylim(0, top)
    axes[0][0].set_ylabel("sharpness (dimensionless)")
    axes[0][0].legend(loc="lower right")
    if summary:
        panel = axes[0][-1]
        x, label, log = s.axis("learning_rate")
        draw_interval(panel, x, "long-run sharpness (mean over seeds)",
                      s.analysis("long_run_sharpness"), s.interval("long_run_sharpness"),
                      color="k")
        panel.plot(x, s.analysis("theory_sharpness_edge"), "--", color="tab:red", label="2/η")
        flow = s.analysis("theory_sharpness_flow")
        if flow is not None:
            panel.plot(x, flow, ":", color="tab:green", label="q α² ‖β‖ (gradient flow)")
        panel.set_xlabel(label)
        panel.set_title("across the scan")
        finish_axis(panel, log)
        panel.legend()
    return figure


def opposing_outlier_weight(s, replicate):
    points = opposing_points(s, replicate)
    figure, axes = s.figure(2, len(points), f"Outlier weight w₀ = bᵀA[:,0] around the balance "
                            f"point (replicate {replicate})", width=4.2, height=3.1)
    for column, point in enumerate(points):
        series = s.trajectory(point, replicate)
        step, weight = series["step"], series["outlier_weight"]
        balance = balance_point(s, point)
        for row, window in enumerate((slice(None), slice(-60, None))):
            panel = axes[row][column]
            panel.plot(step[window], weight[window], lw=0.6 if row == 0 else 1.0,
                       marker=None if row == 0 else ".", label="w₀")
            panel.axhline(balance, color="tab:red", lw=1.0,
                          label=f"balance point γ(p_A − p_B)/(αq) = {balance:.3g}")
            panel.grid(True, alpha=0.3)
            panel.set_xlabel("optimizer step" + (" (last 60 recorded)" if row == 1 else ""))
        axes[0][column].set_title(s.point_label(point))
    axes[0][0].set_ylabel("w₀ (dimensionless)")
    axes[1][0].set_ylabel("w₀, end of the run")
    axes[0][0].legend(loc="lower right")
    return figure


def opposing_optimizers(s, replicate):
    points = [p for p in s.trajectory_points() if replicate in s.trajectory_replicates(p)]
    figure, axes = s.figure(1, 3, f"Optimiser comparison (replicate {replicate} for the curves)",
                            width=4.8, height=4.2)
    optimizers = s.parameter("optimizer")
    rates = s.parameter("learning_rate")
    colours = plt.cm.tab10(np.arange(len(points)) % 10)
    for colour, point in zip(colours, points):
        series = s.trajectory(point, replicate)
        label = f"{optimizers[point]}, η = {rates[point]:g}"
        axes[0][0].semilogy(series["step"], series["loss"], color=colour, lw=0.8, label=label)
        axes[0][1].semilogy(series["step"], series["sharpness"], color=colour, lw=0.8,
                            label=label)
    axes[0][0].set_title("total training loss")
    axes[0][0].set_ylabel("loss (dimensionless)")
    axes[0][1].set_title("sharpness (top Hessian eigenvalue)")
    axes[0][1].set_ylabel("sharpness (dimensionless)")
    for rate in sorted(set(float(r) for r in rates)):
        axes[0][1].axhline(2 / rate, color="k", lw=0.6, ls="--")
        axes[0][1].annotate(f"2/η, η = {rate:g}", (0, 2 / rate), xytext=(2, 2),
                            textcoords="offset points", fontsize=7)
    for panel in axes[0][:2]:
        panel.set_xlabel("optimizer step")
        panel.grid(True, alpha=0.3)
    axes[0][0].legend(loc="upper right")
    bars = axes[0][2]
    labels = [f"{optimizers[p]}\nη = {rates[p]:g}" for p in range(s.points)]
    position = np.arange(s.points)
    spike = s.analysis("spike_ratio")
    if spike is None:
        spike = np.nanmean(s.results("spike_ratio"), axis=1)
    interval = s.interval("spike_ratio")
    error = None
    if interval is not None:
        error = [np.clip(spike - interval[0], 0, None), np.clip(interval[1] - spike, 0, None)]
    bars.bar(position, spike, yerr=error, capsize=3, color=colours[:s.points]
             if len(colours) >= s.points else "tab:gray")
    bars.set_yscale("log")
    bars.set_xticks(position, labels, fontsize=7)
    bars.set_ylabel("largest loss spike / loss before it")
    bars.set_title("loss spikes (mean over seeds)")
    bars.grid(True, axis="y", alpha=0.3)
    return figure


# ---- the plan --------------------------------------------------------------------------

def plan(s, replicate):
    """[(name, draw, needs analysis)] of the figures this file can give."""
    trajectories = bool(s.trajectory_points())
    figures = []
    if s.family == "contact_sensing":
        figures += [("false_negative_rate", contact_false_negative_rate, True),
                    ("position_error", contact_position_error, True),
                    ("roc", contact_roc, False)]
        if trajectories:
            figures.append(("cell", lambda s: contact_cell(s, replicate), False))
    elif s.family == "regime_shifts":
        if trajectories:
            figures.append(("trajectories", regime_trajectories, False))
            figures.append(("indicators", lambda s: regime_indicators(s, replicate), False))
        figures += [("tau_distributions", regime_tau_distributions, False),
                    ("roc", regime_roc, False),
                    ("theory_check", regime_theory_check, True)]
    else:
        if trajectories and opposing_points(s, replicate):
            figures += [("losses", lambda s: opposing_losses(s, replicate), False),
                        ("sharpness", lambda s: opposing_sharpness(s, replicate), False),
                        ("outlier_weight", lambda s: opposing_outlier_weight(s, replicate),
                         False)]
            if "optimizer" in s.scanned and len(set(s.parameter("optimizer"))) > 1:
                figures.append(("optimizers", lambda s: opposing_optimizers(s, replicate),
                                False))
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", help="vigil result file (HDF5)")
    parser.add_argument("-o", "--output", required=True, help="directory for the PNG figures")
    parser.add_argument("--replicate", type=int, default=0,
                        help="replicate whose trajectories are drawn (default 0)")
    parser.add_argument("--overwrite", action="store_true", help="replace existing figures")
    parser.add_argument("--check", action="store_true",
                        help="only check that the figures can be written; write nothing")
    arguments = parser.parse_args()

    try:
        if not os.path.exists(arguments.file):
            raise unusable_input(f"{arguments.file}: no such file")
        s = study(arguments.file)
        directory = arguments.output
        if os.path.exists(directory) and not os.path.isdir(directory):
            raise unusable_input(f"--plot {directory}: exists and is not a directory")
        figures = plan(s, arguments.replicate)
        if not figures:
            raise unusable_input(f"{arguments.file}: no figures to draw (the {s.model} figures "
                                 "need trajectories: set trajectories = 2 in the scan file)")
        paths = {name: os.path.join(directory, f"{s.stem}_{name}.png") for name, _, _ in figures}
        existing = [path for path in paths.values() if os.path.exists(path)]
        if existing and not arguments.overwrite:
            raise unusable_input(f"{existing[0]}: exists ({len(existing)} of the "
                                 f"{len(paths)} figures do); pass --overwrite to replace them")
        if arguments.check:
            return 0
        os.makedirs(directory, exist_ok=True)
    except unusable_input as error:
        print(error, file=sys.stderr)
        return 2

    for name, draw, needs_analysis in figures:
        if needs_analysis and not s.has_analysis:
            print(f"skipped {paths[name]}: it needs the analysis; run "
                  f"`vigil analyze {arguments.file}` first", file=sys.stderr)
            continue
        figure = draw(s)
        partial = paths[name] + ".partial.png"
        figure.savefig(partial, dpi=DPI)
        plt.close(figure)
        os.replace(partial, paths[name])
        print(f"wrote {paths[name]}", file=sys.stderr)
    if not s.trajectory_points():
        print(f"note: {arguments.file} holds no trajectories; set trajectories = 2 in the "
              "scan file for the figures drawn from them", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
