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

Panels across a scan of two or more axes draw one line per combination of the values of the
other scanned parameters, named in the legend. A shard of a scan is refused: join the shards
with `vigil merge` first. Figures from trajectories need `trajectories = N` in the scan file.
--verbose counts the measured and theory lines of each such panel. Existing figures are
replaced only with --overwrite. Exit status 0, 2 for a file or directory it cannot use (one
line on stderr), 1 when drawing failed. Needs Debian's python3-h5py and python3-matplotlib.
"""
import argparse
import math
import os
import sys
import tempfile
import textwrap
import warnings

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


class nothing_to_draw(Exception):
    """A figure whose data are empty (e.g. every recorded run left its basin at once): skipped
    with a note, not a failure."""


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
        shard = text(attributes.get("shard", ""))
        if shard:
            raise unusable_input(f"{path}: holds shard {shard} of a scan, not all of it; join "
                                 "the shards with `vigil merge` and draw the merged file")
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

    def axis_name(self, *preferred):
        """The scan axis to plot against: the first of `preferred` that is numeric and varies,
        else the first such scanned parameter, else None (the point index)."""
        for name in list(preferred) + self.scanned:
            if name is None or not self.has_parameter(name):
                continue
            values = self.parameter(name)
            if isinstance(values, list) or np.unique(values).size < 2:
                continue
            return name
        return None

    def axis(self, *preferred):
        """(values, label, log scale) of the scan axis axis_name(*preferred)."""
        name = self.axis_name(*preferred)
        if name is None:
            return np.arange(1, self.points + 1, dtype=float), "scan point", False
        values = self.parameter(name)
        positive = np.all(values > 0)
        log = bool(positive and values.max() / values.min() > 20)
        return values, name + unit_suffix(self.unit("parameters", name)), log

    def scan_lines(self, axis_name):
        """[(label, points)]: the scan points as lines against the axis `axis_name`, one per
        combination of the values of the scanned parameters that vary independently of it (a
        parameter zipped with the axis does not split it). A scan along one axis is one line,
        unlabelled, in scan order; otherwise each line's points are in order of the axis."""
        every = list(range(self.points))
        if axis_name is None:
            return [(None, every)]
        x = self.parameter(axis_name)
        others = []
        for name in self.scanned:
            if name == axis_name:
                continue
            values = self.parameter(name)
            at = {}
            for point in every:
                at.setdefault(repr(x[point]), set()).add(repr(values[point]))
            if any(len(seen) > 1 for seen in at.values()):
                others.append(name)
        if not others:
            return [(None, every)]
        lines = {}
        for point in every:
            key = tuple(repr(self.parameter(name)[point]) for name in others)
            lines.setdefault(key, []).append(point)
        result = []
        for points in lines.values():
            first = points[0]
            label = ", ".join(self.value_text(name, first) for name in others)
            result.append((label, sorted(points, key=lambda p: x[p])))
        return result

    def value_text(self, name, point):
        value = self.parameter(name)[point]
        return f"{name} = {value}" if isinstance(value, str) else f"{name} = {value:.4g}"

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

    def heading(self, what, width_inches):
        """The figure's title, wrapped to its width (about 6.5 points per character)."""
        name = self.scan_file
        if len(name) > 60:
            name = os.path.basename(name)
        if len(name) > 60:
            name = name[:28] + "…" + name[-28:]
        lines = [what, f"{name}: {self.model}, {self.points} point"
                 f"{'s' if self.points != 1 else ''} x {self.replicates} replicate"
                 f"{'s' if self.replicates != 1 else ''}"]
        columns = max(30, int(width_inches * 72 / 6.5))
        return "\n".join(textwrap.fill(line, columns) for line in lines)

    def figure(self, rows, columns, what, width=4.6, height=3.6, **options):
        figure, axes = plt.subplots(rows, columns, figsize=(width * columns, height * rows + 0.7),
                                    squeeze=False, layout="constrained", **options)
        figure.suptitle(self.heading(what, width * columns))
        return figure, axes

    def mosaic(self, layout, what, size, **options):
        figure, axes = plt.subplot_mosaic(layout, figsize=size, layout="constrained", **options)
        figure.suptitle(self.heading(what, size[0]))
        return figure, axes


def draw_interval(axes, x, name, values, interval, points=None, fmt="o-", **style):
    """A measured line with its interval, over `points` of the scan (all when None)."""
    if points is not None:
        x, values = x[points], values[points]
        interval = None if interval is None else (interval[0][points], interval[1][points])
    if interval is None:
        axes.plot(x, values, fmt, label=name, gid="measured", **style)
        return
    lower, upper = interval
    below = np.clip(values - lower, 0, None)
    above = np.clip(upper - values, 0, None)
    drawn = axes.errorbar(x, values, yerr=[below, above], fmt=fmt, capsize=3, label=name,
                          **style)
    drawn.lines[0].set_gid("measured")


def line_colours(lines):
    """A colour per scan line of s.scan_lines(): None for a lone line (each figure keeps its
    own colours then), else spread over viridis."""
    if len(lines) == 1:
        return [None]
    return [tuple(colour) for colour in plt.cm.viridis(np.linspace(0, 0.85, len(lines)))]


def draw_theory(panel, x, values, lines, style, colour, label, **options):
    """A theory curve along each scan line, in the line's colour; scan lines along which the
    theory is the same curve share one, drawn in `colour` and labelled `label`."""
    curves = {}
    for (_, points), line_colour in zip(lines, line_colours(lines)):
        key = tuple(f"{x[p]!r} {values[p]!r}" for p in points)
        curves.setdefault(key, []).append((points, line_colour))
    labelled = False
    for members in curves.values():
        points, line_colour = members[0]
        shared = len(members) > 1 or line_colour is None
        panel.plot(x[points], values[points], style, color=colour if shared else line_colour,
                   label=label if shared and not labelled else None, gid="theory", **options)
        labelled = labelled or shared


def scan_legend(panel, lines, styles, **options):
    """The panel's legend; with several scan lines (each labelled, in its colour) black samples
    follow of what each line style means: `styles` is [(description, plot format such as
    "o-", "s--" or ":")]."""
    handles, labels = panel.get_legend_handles_labels()
    if len(lines) > 1:
        for description, style in styles:
            if description in labels:
                continue
            marker = style[0] if style[0] in "os^" else None
            line = style[1:] if marker else style
            handles.append(plt.Line2D([], [], color="k", marker=marker, ls=line or "none"))
            labels.append(description)
        options["loc"] = "best"
    panel.legend(handles, labels, **options)


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


def contact_axis(s, panels):
    """The scan axis for contact-sensing panels. Contact lengths that reach towards the whole
    perimeter go on a logit scale of length / perimeter, labelled in µm, so that both the
    smallest and the nearly complete contacts are spread out."""
    x, label, log = s.axis("contact_length_um")
    radii = np.unique(s.parameter("radius_um"))
    if not label.startswith("contact_length_um") or radii.size != 1:
        for panel in panels:
            finish_axis(panel, log)
            panel.set_xlabel(label)
        return x
    perimeter = 2 * math.pi * radii[0]
    if x.max() / perimeter < 0.5:
        for panel in panels:
            finish_axis(panel, log)
            panel.set_xlabel(label)
        return x

    def forward(length):
        share = np.clip(np.asarray(length, dtype=float) / perimeter, 1e-9, 1 - 1e-9)
        return np.log(share / (1 - share))

    def inverse(value):
        return perimeter / (1 + np.exp(-np.asarray(value, dtype=float)))

    ticks = [t for t in (0.5, 1, 2, 5, 10, 20, 31.4, 45, 55, 60, 62, 62.5, 62.7)
             if x.min() * 0.8 <= t <= perimeter * (1 - 1e-4) and t <= x.max() * 1.002]
    for panel in panels:
        panel.set_xscale("function", functions=(forward, inverse))
        panel.set_xticks(ticks, [f"{t:g}" for t in ticks])
        panel.set_xlim(inverse(forward(x.min()) - 0.3), inverse(forward(x.max()) + 0.3))
        panel.set_xlabel(f"contact length [µm] (logit scale; perimeter {perimeter:.4g} µm)")
        panel.grid(True, alpha=0.3)
    return x


def contact_false_negative_rate(s):
    rate = s.false_positive_rate()
    figure, axes = s.figure(1, 2, f"Missed contacts at a false-positive rate of {rate:g}",
                            width=5.4, height=4.3)
    x = contact_axis(s, axes[0])
    lines = s.scan_lines(s.axis_name("contact_length_um"))
    confidence = float(s.file["analysis"].attrs.get("confidence_level", 0.95))
    simulated = f"simulated GLRT ({confidence:.0%} Wilson interval)"
    known_arc = "theory: known arc, Gaussian"
    floor = 0.5 / s.replicates
    for panel, log in zip(axes[0], (False, True)):
        measured = s.analysis("p_fn_at_fp")
        interval = s.interval("p_fn_at_fp")
        if log:
            measured = np.maximum(measured, floor)
            interval = (np.maximum(interval[0], floor), np.maximum(interval[1], floor))
        theory = s.analysis("theory_p_fn_at_fp_known_arc")
        for (label, points), colour in zip(lines, line_colours(lines)):
            draw_interval(panel, x, label or simulated, measured, interval, points,
                          color=colour or "k")
        if theory is not None:
            draw_theory(panel, x, np.maximum(theory, floor * 1e-3) if log else theory, lines,
                        "--", "tab:red", known_arc, lw=1.6)
        panel.set_ylabel(f"false-negative rate at P_FP = {rate:g}")
        if log:
            panel.set_yscale("log")
            panel.set_ylim(floor * 0.5, 1.2)
            panel.axhline(floor, color="tab:gray", lw=0.8, ls=":",
                          label=f"none missed of {s.replicates} (drawn at 1/(2n))")
            panel.set_title("log scale")
        else:
            top = np.nanmax(np.concatenate([interval[1], measured]))
            panel.set_ylim(-0.02, min(1.02, 1.15 * top + 0.03))
            panel.set_title("linear scale")
        scan_legend(panel, lines, [(simulated, "o-")] +
                    ([(known_arc, "--")] if theory is not None else []), loc="upper right")
    return figure


def contact_position_error(s):
    figure, axes = s.figure(1, 2, "Errors of the estimated contact arc (detected contacts)",
                            width=5.4, height=4.3)
    x = contact_axis(s, axes[0])
    lines = s.scan_lines(s.axis_name("contact_length_um"))
    spacing = 2 * math.pi * s.parameter("radius_um") / s.parameter("receptors")
    for panel, quantity in zip(axes[0], ("centre", "width")):
        statistics = (("rms", "o-", "tab:blue"),) if quantity == "centre" else \
            (("rms", "o-", "tab:blue"), ("bias", "s--", "tab:orange"))
        styles = []
        for statistic, style, colour in statistics:
            name = f"{statistic}_{quantity}_error_um_detected"
            if s.analysis(name) is None:
                name = f"{statistic}_{quantity}_error_um"
            values = s.analysis(name)
            if values is None:
                continue
            styles.append((f"{statistic} (with interval)", style))
            interval = s.interval(name)
            for (label, points), line_colour in zip(lines, line_colours(lines)):
                error = None if interval is None else \
                    [np.clip(values - interval[0], 0, None)[points],
                     np.clip(interval[1] - values, 0, None)[points]]
                # With several scan lines each is labelled once, on its first statistic.
                label = f"{statistic} (with interval)" if label is None else \
                    (label if statistic == "rms" else None)
                drawn = panel.errorbar(x[points], values[points], yerr=error, fmt=style,
                                       color=colour if line_colour is None else line_colour,
                                       capsize=3, label=label)
                drawn.lines[0].set_gid("measured")
        draw_theory(panel, x, spacing, lines, ":", "tab:gray", "receptor spacing")
        if quantity == "centre":
            panel.set_yscale("log")
        else:
            panel.axhline(0, color="k", lw=0.6)
        panel.set_ylabel(f"{quantity} error, estimate − truth [µm]")
        panel.set_title(f"contact {quantity}")
        scan_legend(panel, lines, styles, loc="upper left")
    return figure


def contact_roc(s):
    positives = s.results("glrt_statistic")
    negatives = s.results("glrt_statistic_no_contact")
    curves = [roc_curve(negatives[p], positives[p]) for p in range(s.points)]
    # The informative curves are those short of perfect; one perfect curve is kept to compare.
    imperfect = [p for p in range(s.points) if curves[p][2] < 0.9995]
    perfect = [p for p in range(s.points) if p not in imperfect]
    points = sorted(spread(imperfect, 5) + perfect[:1]) or spread(range(s.points), 5)
    figure, axes = s.figure(1, 2, "ROC of the GLRT statistic: contact vs no-contact cells",
                            width=5.2, height=4.5)
    colours = plt.cm.viridis(np.linspace(0, 0.9, len(points)))
    for colour, point in zip(colours, points):
        fpr, tpr, auc = curves[point]
        for panel in axes[0]:
            panel.plot(fpr, tpr, color=colour, lw=1.5,
                       label=f"{s.point_label(point)} (AUC {auc:.4f})")
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
            panel.set_title(f"linear axes (dashed: P_FP = {s.false_positive_rate():g})")
        panel.set_ylim(0, 1.01)
    axes[0][0].legend(loc="lower right")
    return figure


def draw_arc(axes, centre, width, radius, **style):
    angles = np.linspace(centre - width / 2, centre + width / 2, max(8, int(200 * width)))
    axes.plot(radius * np.cos(angles), radius * np.sin(angles), solid_capstyle="butt", **style)


def contact_cell(s, replicate):
    from matplotlib.collections import LineCollection
    from matplotlib.colors import TwoSlopeNorm

    points = [p for p in s.trajectory_points() if replicate in s.trajectory_replicates(p)]
    points = spread(points, 3)
    figure, axes = s.figure(1, len(points), f"One cell (replicate {replicate}): receptors "
                            "coloured by their log-likelihood ratio", width=4.3, height=4.4)
    centres = s.results("contact_centre_rad")
    estimated_centres = s.results("centre_estimate_rad")
    estimated_widths = s.results("width_estimate_rad")
    statistic = s.results("glrt_statistic")
    threshold = s.analysis("threshold_at_fp")
    ratios = {p: s.trajectory(p, replicate)["log_likelihood_ratio"] for p in points}
    # Out of contact the ratios are small and negative, on it large and positive: white at 0,
    # each side scaled to its own 98th percentile so that both show.
    every = np.concatenate(list(ratios.values()))
    low = min(-1e-6, float(np.nanpercentile(every, 2)))
    high = max(1e-6, float(np.nanpercentile(every, 98)))
    colours = TwoSlopeNorm(vmin=low, vcenter=0.0, vmax=high)
    lines = None
    for panel, point in zip(axes[0], points):
        values = ratios[point]
        radius = s.parameter("radius_um")[point]
        angles = 2 * math.pi * np.arange(values.size) / values.size
        ticks = np.stack([np.stack([0.9 * radius * np.cos(angles), 0.9 * radius * np.sin(angles)],
                                   axis=1),
                          np.stack([1.02 * radius * np.cos(angles),
                                    1.02 * radius * np.sin(angles)], axis=1)], axis=1)
        lines = LineCollection(ticks, cmap="RdBu_r", norm=colours,
                               linewidths=max(0.6, min(3.0, 600 / values.size)))
        lines.set_array(values)
        panel.add_collection(lines)
        draw_arc(panel, centres[point, replicate], contact_width_rad(s, point), 1.1 * radius,
                 color="k", lw=4, label="true contact")
        detected = threshold is None or statistic[point, replicate] > threshold[point]
        draw_arc(panel, estimated_centres[point, replicate], estimated_widths[point, replicate],
                 1.2 * radius, color="tab:orange", lw=4,
                 label="estimated arc" + ("" if detected else " (not detected)"))
        verdict = "" if threshold is None else (" > " if detected else " ≤ ") + \
            f"threshold {threshold[point]:.3g}"
        panel.set_title(f"{s.point_label(point)}\nGLRT Λ = {statistic[point, replicate]:.3g}"
                        f"{verdict}")
        panel.set_aspect("equal")
        reach = 1.32 * radius
        panel.set_xlim(-reach, reach)
        panel.set_ylim(-reach, reach)
        panel.set_xlabel("x [µm]")
        panel.set_ylabel("y [µm]")
        panel.legend(loc="center", frameon=False)
    figure.colorbar(lines, ax=list(axes[0]), shrink=0.85,
                    label="receptor log-likelihood ratio l_j (contact vs none)")
    return figure


# ---- regime shifts ---------------------------------------------------------------------

def control_name(s):
    """The ramped control: the parameter that has an `_end` (or `_slope`) partner."""
    for name in s.file["parameters"]:
        for partner in ("_end", "_slope"):
            if s.has_parameter(name + partner) and not name.endswith(partner):
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
    """When the ramped control first reaches `value` (linear between samples); None if never."""
    if value is None or not np.isfinite(value) or control.size < 2:
        return None
    direction = 1.0 if control[-1] >= control[0] else -1.0
    reached = direction * (control - value) >= 0
    if not reached.any() or reached[0]:
        return None
    i = int(np.argmax(reached))
    share = (value - control[i - 1]) / (control[i] - control[i - 1])
    return float(time[i - 1] + share * (time[i] - time[i - 1]))


def recorded_points(s, replicate=None):
    """Trajectory points whose replicate (the first recorded one when None) holds samples: a run
    that leaves its basin before its first sample records empty series."""
    points = []
    for point in s.trajectory_points():
        replicates = s.trajectory_replicates(point)
        chosen = replicate if replicate in replicates else (replicates[0] if replicates else None)
        if chosen is not None and s.trajectory(point, chosen)["time"].size > 1:
            points.append(point)
    if not points:
        raise nothing_to_draw("every recorded run left its basin before its second sample "
                              "(empty trajectories)")
    return points


def regime_trajectories(s):
    points = spread(recorded_points(s), 3)
    figure, axes = s.figure(2, len(points), "Sample paths: ramped (approaching) and held (null) "
                            "members", width=4.6, height=2.4, sharex="col",
                            gridspec_kw={"height_ratios": [2.2, 1]})
    control = control_name(s) or "control"
    bifurcation = s.analysis("theory_bifurcation")
    for column, point in enumerate(points):
        top, bottom = axes[0][column], axes[1][column]
        replicates = s.trajectory_replicates(point)[:2]
        first = s.trajectory(point, replicates[0])
        component = state_component(s, point, replicates[0], first)
        unit = s.trajectory_unit(point, replicates[0], "approach_" + component)
        for k, replicate in enumerate(replicates):
            series = s.trajectory(point, replicate)
            time = series["time"]
            approach = series["approach_" + component]
            null = series["null_" + component]
            top.plot(time[:null.size], null, color=NULL_COLOUR, lw=0.6, alpha=0.8,
                     label="null member (control held)" if k == 0 else None)
            top.plot(time[:approach.size], approach, color=APPROACH_COLOUR, lw=0.6, alpha=0.85,
                     label="approaching member (control ramped)" if k == 0 else None)
            if 0 < approach.size < time.size:
                top.plot(time[approach.size - 1], approach[-1], "x", color="k", ms=8, mew=2,
                         label="transition (left the basin)" if k == 0 else None)
        top.set_title(s.point_label(point))
        top.grid(True, alpha=0.3)
        bottom.plot(first["time"], first["approach_control"], color=APPROACH_COLOUR, lw=1.5,
                    label="ramped control")
        bottom.axhline(first["approach_control"][0], color=NULL_COLOUR, lw=1.5,
                       label="held control")
        value = None if bifurcation is None else bifurcation[point]
        if value is not None and np.isfinite(value):
            bottom.axhline(value, color="tab:green", lw=1.2, ls="--",
                           label=f"bifurcation {control} = {value:.4g}")
            when = crossing_time(first["time"], first["approach_control"], value)
            if when is not None:
                for panel in (top, bottom):
                    panel.axvline(when, color="tab:green", lw=1.2, ls="--")
        bottom.set_xlabel("time [model time units]")
        bottom.grid(True, alpha=0.3)
    control_unit = s.trajectory_unit(points[0], s.trajectory_replicates(points[0])[0],
                                     "approach_control")
    axes[0][0].set_ylabel(f"{component}{unit_suffix(unit)}")
    axes[1][0].set_ylabel(f"{control}{unit_suffix(control_unit)}")
    low = min(panel.get_ylim()[0] for panel in axes[1])
    high = max(panel.get_ylim()[1] for panel in axes[1])
    for panel in axes[1]:
        panel.set_ylim(low, high)
    proxies = [plt.Line2D([], [], color=NULL_COLOUR, lw=1, label="null member (control held)"),
               plt.Line2D([], [], color=APPROACH_COLOUR, lw=1,
                          label="approaching member (control ramped)"),
               plt.Line2D([], [], color="k", marker="x", ls="", mew=2,
                          label="transition (left the basin)")]
    axes[0][0].legend(handles=proxies, loc="lower left")
    axes[1][0].legend(loc="upper left")
    return figure


def regime_indicator_point(s):
    points = recorded_points(s)
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
                            width=9.0, height=2.5, sharex=True)
    time = series["time"]
    compared = series["approach_trend"].size if "approach_trend" in series else 0
    top = axes[0][0]
    for member, colour in (("approach", APPROACH_COLOUR), ("null", NULL_COLOUR)):
        values = series[f"{member}_{component}"]
        top.plot(time[:values.size], values, color=colour, lw=0.6,
                 label=f"{member} member")
        if f"{member}_trend" in series:
            top.plot(time[:compared], series[f"{member}_trend"], color=colour, lw=1.8, ls="--",
                     label=f"{member} trend (removed)")
    if compared and compared < time.size:
        top.axvspan(time[compared - 1], time[-1], color="0.88", zorder=0,
                    label="after the transition (not used)")
    top.set_ylabel(f"{component}{unit_suffix(unit)}")
    top.grid(True, alpha=0.3)
    top.legend(loc="upper left", bbox_to_anchor=(1.01, 1))
    squared = unit_suffix(unit + "^2" if unit not in ("", "1") else "")
    rows = ((axes[1][0], "variance", f"rolling variance{squared}"),
            (axes[2][0], "autocorrelation", "rolling lag-1\nautocorrelation"))
    for panel, indicator, label in rows:
        for member, colour in (("approach", APPROACH_COLOUR), ("null", NULL_COLOUR)):
            name = f"{member}_rolling_{indicator}"
            if name not in series:
                continue
            tau = s.results(f"{member}_tau_{indicator}")[point, replicate]
            panel.plot(time[:series[name].size], series[name], color=colour, lw=1.3,
                       label=f"{member}: Kendall τ = {tau:+.2f}")
        if indicator == "variance" and "approach_rolling_variance" in series:
            panel.set_yscale("log")
        panel.set_ylabel(label)
        panel.legend(loc="upper left", bbox_to_anchor=(1.01, 1))
        panel.grid(True, alpha=0.3)
    if "approach_rolling_variance" not in series:
        axes[1][0].text(0.5, 0.5, "no rolling indicators in this file's trajectories\n"
                        "(written before vigil recorded them: rerun the scan)",
                        ha="center", va="center", transform=axes[1][0].transAxes)
    axes[2][0].set_xlabel("time [model time units] (each indicator value at its window's "
                          "right end)")
    return figure


def regime_tau_distributions(s):
    points = spread(range(s.points), 4)
    figure, axes = s.figure(2, len(points), "Kendall τ of the rolling indicators: approaching "
                            "vs null runs", width=3.6, height=2.9)
    bins = np.linspace(-1, 1, 41)
    for row, indicator in enumerate(("variance", "autocorrelation")):
        approach = s.results(f"approach_tau_{indicator}")
        null = s.results(f"null_tau_{indicator}")
        auc = s.analysis(f"auc_{indicator}")
        for column, point in enumerate(points):
            panel = axes[row][column]
            panel.hist(null[point][np.isfinite(null[point])], bins=bins, color=NULL_COLOUR,
                       alpha=0.55, label="null runs")
            panel.hist(approach[point][np.isfinite(approach[point])], bins=bins,
                       color=APPROACH_COLOUR, alpha=0.55, label="approaching runs")
            title = s.point_label(point)
            if auc is not None:
                title += f"\nAUC {auc[point]:.3f}"
            panel.set_title(title)
            panel.set_xlabel(f"τ of the rolling {indicator}")
            panel.set_xlim(-1, 1)
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
        control = control_name(s)
        ramp = ramp_names(s)
        x, label, log = s.axis(*ramp)
        lines = s.scan_lines(s.axis_name(*ramp))
        indicators = (("variance", "tab:purple", "o-"), ("autocorrelation", "tab:olive", "s--"))
        for (line, points), colour in zip(lines, line_colours(lines)):
            for indicator, indicator_colour, style in indicators:
                # Several scan lines: colour per line, style per indicator.
                name = indicator if line is None else (line if style == "o-" else None)
                draw_interval(panel, x, name, s.analysis(f"auc_{indicator}"),
                              s.interval(f"auc_{indicator}"), points,
                              fmt="o-" if colour is None else style,
                              color=indicator_colour if colour is None else colour)
        panel.axhline(0.5, color="tab:gray", ls=":", label="chance")
        bifurcation = s.analysis("theory_bifurcation")
        if control and label.startswith(control + "_end") and bifurcation is not None:
            # One line per distinct bifurcation (the other scanned parameters may move it).
            values = sorted({float(bifurcation[points[0]]) for _, points in lines
                             if np.isfinite(bifurcation[points[0]])})
            for value in values:
                panel.axvline(value, color="tab:green", ls="--",
                              label=f"bifurcation {control} = {value:.4g}", gid="theory")
        panel.set_xlabel(label)
        panel.set_ylabel("ROC AUC (bootstrap interval)")
        panel.set_title("AUC across the scan")
        panel.set_ylim(0.3, 1.02)
        finish_axis(panel, log)
        scan_legend(panel, lines, [(indicator, style) for indicator, _, style in indicators],
                    loc="lower right")
    return figure


def ramp_names(s):
    """The ramp's end (or slope) and the control's start value: the scan axes regime-shift
    panels prefer, in that order."""
    control = control_name(s)
    if control is None:
        return []
    return [control + "_end", control + "_slope", control]


def regime_theory_check(s):
    control = control_name(s)
    preferred = [control] + ramp_names(s)[:2] if control else []
    x, label, log = s.axis(*preferred)
    lines = s.scan_lines(s.axis_name(*preferred))
    figure, axes = s.figure(1, 2, "Null runs (control held at its start value): measured "
                            "variance and lag-1 autocorrelation vs theory", width=5.2, height=4.2)
    state_unit = s.unit("results", "null_mean")
    squared = unit_suffix(state_unit + "^2" if state_unit not in ("", "1") else "")
    pairs = ((axes[0][0], "null_variance",
              (("theory_variance_start", "--", "linear-noise σ²/(2|λ|)"),
               ("theory_expected_sample_variance", ":", "expected sample variance (finite run)"),
               ("theory_variance_euler_maruyama_start", "-.", "Euler–Maruyama chain")),
              f"variance{squared}"),
             (axes[0][1], "null_lag1_autocorrelation",
              (("theory_lag1_autocorrelation_start", "--", "linear-noise exp(λΔt)"),
               ("theory_lag1_autocorrelation_euler_maruyama_start", "-.",
                "Euler–Maruyama chain")),
              "lag-1 autocorrelation"))
    for panel, measured, theories, ylabel in pairs:
        values = s.analysis(measured)
        if values is None:
            values = np.nanmean(s.results(measured), axis=1)
        simulated = "simulated null runs (mean, interval)"
        styles = [(simulated, "o-")]
        for (line, points), colour in zip(lines, line_colours(lines)):
            draw_interval(panel, x, line or simulated, values, s.interval(measured), points,
                          color=colour or "k")
        for name, style, description in theories:
            theory = s.analysis(name)
            if theory is None or not np.isfinite(theory).any():
                continue
            styles.append((f"theory: {description}", style))
            draw_theory(panel, x, theory, lines, style, None, f"theory: {description}", lw=1.6)
        panel.set_xlabel(label)
        panel.set_ylabel(ylabel)
        finish_axis(panel, log)
        scan_legend(panel, lines, styles)
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
    columns = 2 if len(points) > 1 else 1
    rows = (len(points) + columns - 1) // columns
    figure, axes = s.figure(rows, columns, f"Training loss, total and per group "
                            f"(replicate {replicate})", width=5.2, height=3.3, sharey=True)
    panels = [panel for row in axes for panel in row]
    for panel, point in zip(panels, points):
        series = s.trajectory(point, replicate)
        step = series["step"]
        for name, label, colour in (("loss_group_a", "group A (x₀ = +α)", "tab:red"),
                                    ("loss_group_b", "group B (x₀ = −α)", "tab:blue"),
                                    ("loss_rest", "other points", "tab:green"),
                                    ("loss", "total", "k")):
            panel.semilogy(step, series[name], color=colour, lw=0.7 if name != "loss" else 1.1,
                           label=label)
        panel.set_title(s.point_label(point))
        panel.set_xlabel("optimizer step")
        panel.grid(True, alpha=0.3)
    for panel in panels[len(points):]:
        panel.set_visible(False)
    for row in axes:
        row[0].set_ylabel("mean squared error (dimensionless)")
    panels[0].legend(loc="lower left", ncol=2)
    return figure


def opposing_sharpness(s, replicate):
    points = opposing_points(s, replicate)
    summary = s.points > 1 and s.analysis("long_run_sharpness") is not None and \
        "learning_rate" in s.scanned
    names = [f"p{k}" for k in range(len(points))]
    columns = 2 if len(points) > 1 else 1
    rows = [names[i:i + columns] for i in range(0, len(names), columns)]
    rows[-1] += ["."] * (columns - len(rows[-1]))
    if summary:
        rows = [row + ["summary"] for row in rows]
    figure, axes = s.mosaic(rows, f"Sharpness (top Hessian eigenvalue) against 2/η "
                            f"(replicate {replicate})",
                            (4.6 * len(rows[0]), 3.2 * len(rows) + 0.7))
    for name, point in zip(names, points):
        panel = axes[name]
        series = s.trajectory(point, replicate)
        rate = s.parameter("learning_rate")[point]
        panel.plot(series["step"], series["sharpness"], lw=0.9, label="sharpness (Lanczos)")
        panel.plot(series["step"], series["sharpness_formula"], lw=0.9, ls="--",
                   label="q α² (‖b‖² + ‖A[:,0]‖²)")
        panel.axhline(2 / rate, color="tab:red", lw=1.2, label="2/η")
        finite = np.asarray(series["sharpness"])[np.isfinite(series["sharpness"])]
        peak = float(finite.max()) if finite.size else 2 / rate
        diverged = peak > 20 * 2 / rate  # a run that blew up: only a log axis shows it
        panel.set_title(f"{s.point_label(point)} (2/η = {2 / rate:.4g})"
                        + (", diverged" if diverged else ""))
        panel.set_xlabel("optimizer step")
        panel.set_ylabel("sharpness (dimensionless)")
        panel.grid(True, alpha=0.3)
        if diverged:
            panel.set_yscale("log")
        else:
            panel.set_ylim(0, max(2 / rate, peak) * 1.12)
    axes[names[0]].legend(loc="lower right")
    if summary:
        panel = axes["summary"]
        x, label, log = s.axis("learning_rate")
        lines = s.scan_lines(s.axis_name("learning_rate"))
        measured = "long-run sharpness (mean over seeds)"
        flow_text = "q α² ‖β‖ (gradient flow)"
        flow = s.analysis("theory_sharpness_flow")
        edge = s.analysis("theory_sharpness_edge")
        for (line, points), colour in zip(lines, line_colours(lines)):
            draw_interval(panel, x, line or measured, s.analysis("long_run_sharpness"),
                          s.interval("long_run_sharpness"), points, color=colour or "k")
        if len(lines) == 1:
            panel.plot(x, edge, "--", color="tab:red", label="2/η", gid="theory")
        else:
            # 2/η depends on η alone: one curve through the distinct learning rates.
            rates, first = np.unique(x, return_index=True)
            panel.plot(rates, edge[first], "--", color="tab:red", label="2/η", gid="theory")
        if flow is not None:
            draw_theory(panel, x, flow, lines, ":", "tab:green", flow_text, lw=1.6)
        panel.set_xlabel(label)
        panel.set_ylabel("sharpness (dimensionless)")
        panel.set_title("long run, across the scan")
        finish_axis(panel, log)
        scan_legend(panel, lines, [(measured, "o-")] +
                    ([(flow_text, ":")] if flow is not None else []))
    return figure


def opposing_outlier_weight(s, replicate):
    points = opposing_points(s, replicate, 3)
    figure, axes = s.figure(2, len(points), f"Outlier weight w₀ = bᵀA[:,0] around the balance "
                            f"point (replicate {replicate})", width=4.5, height=2.9)
    for column, point in enumerate(points):
        series = s.trajectory(point, replicate)
        step, weight = series["step"], series["outlier_weight"]
        balance = balance_point(s, point)
        for row, window in enumerate((slice(None), slice(-40, None))):
            panel = axes[row][column]
            panel.plot(step[window], weight[window], lw=0.6 if row == 0 else 1.0,
                       marker=None if row == 0 else ".", label="w₀")
            panel.axhline(balance, color="tab:red", lw=1.2,
                          label=f"balance point γ(p_A − p_B)/(αq) = {balance:.3g}")
            panel.grid(True, alpha=0.3)
            panel.set_xlabel("optimizer step" + (" (last 40 recorded)" if row == 1 else ""))
        axes[0][column].set_title(s.point_label(point))
    axes[0][0].set_ylabel("w₀ (dimensionless)")
    axes[1][0].set_ylabel("w₀ at the end")
    axes[1][0].legend(loc="lower left")
    return figure


def opposing_optimizers(s, replicate):
    points = [p for p in s.trajectory_points() if replicate in s.trajectory_replicates(p)]
    figure, axes = s.figure(1, 3, f"Optimiser comparison (curves: replicate {replicate})",
                            width=4.7, height=4.3)
    optimizers = s.parameter("optimizer")
    rates = s.parameter("learning_rate")
    colours = plt.cm.tab10(np.arange(s.points) % 10)
    for point in points:
        series = s.trajectory(point, replicate)
        label = f"{optimizers[point]}, η = {rates[point]:g}"
        # Minibatch SGD's loss is noisy: drawn underneath the others.
        order = 1 if optimizers[point] == "sgd" else 2
        axes[0][0].semilogy(series["step"], series["loss"], color=colours[point], lw=0.8,
                            label=label, zorder=order)
        axes[0][1].semilogy(series["step"], series["sharpness"], color=colours[point], lw=0.9,
                            label=label, zorder=order)
    axes[0][0].set_title("total training loss")
    axes[0][0].set_ylabel("mean squared error (dimensionless)")
    axes[0][1].set_title("sharpness (dashed: 2/η)")
    axes[0][1].set_ylabel("sharpness (dimensionless)")
    for rate in sorted(set(float(r) for r in rates)):
        axes[0][1].axhline(2 / rate, color="k", lw=0.7, ls="--")
        axes[0][1].annotate(f"2/η, η = {rate:g}", (1, 2 / rate), xycoords=("axes fraction",
                                                                           "data"),
                            xytext=(-3, 3), textcoords="offset points", ha="right", fontsize=8)
    for panel in axes[0][:2]:
        panel.set_xlabel("optimizer step")
        panel.grid(True, alpha=0.3)
    axes[0][0].legend(loc="upper right")
    bars = axes[0][2]
    labels = [f"{optimizers[p]}, η = {rates[p]:g}" for p in range(s.points)]
    position = np.arange(s.points)
    spike = s.analysis("spike_ratio")
    if spike is None:
        spike = np.nanmean(s.results("spike_ratio"), axis=1)
    interval = s.interval("spike_ratio")
    error = None
    if interval is not None:
        error = [np.clip(spike - interval[0], 0, None), np.clip(interval[1] - spike, 0, None)]
    bars.bar(position, spike, yerr=error, capsize=3, color=colours)
    bars.set_yscale("log")
    bars.set_xticks(position, labels, rotation=40, ha="right")
    bars.set_ylabel("largest loss / its running minimum")
    bars.set_title("largest loss spike (mean over seeds)")
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


def check_directory(directory):
    """Refuses a figure directory that is a file, lies below a file, or cannot be written, by
    creating and removing a scratch entry in it (or in its nearest existing parent)."""
    if os.path.exists(directory) and not os.path.isdir(directory):
        raise unusable_input(f"--plot {directory}: exists and is not a directory")
    existing = os.path.abspath(directory)
    while not os.path.exists(existing):
        existing = os.path.dirname(existing)
    if not os.path.isdir(existing):
        raise unusable_input(f"--plot {directory}: {existing} is not a directory")
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".vigil-check-", dir=existing))
    except OSError as error:
        raise unusable_input(f"--plot {directory}: cannot write in {existing} "
                             f"({error.strerror})")


def describe_lines(name, figure):
    """For --verbose: `NAME "PANEL TITLE": M measured, T theory` for each panel with such
    lines (tagged by the drawing code), so that tests can count them."""
    for panel in figure.axes:
        kinds = [line.get_gid() for line in panel.get_lines()]
        if "measured" in kinds or "theory" in kinds:
            title = (panel.get_title() or panel.get_ylabel()).replace("\n", " / ")
            print(f"{name} \"{title}\": {kinds.count('measured')} measured, "
                  f"{kinds.count('theory')} theory", file=sys.stderr)


def main():
    # Warnings of numpy and matplotlib about empty or NaN data are not the user's business:
    # such a figure is drawn with what there is, or reported as failed.
    warnings.simplefilter("ignore")
    parser = argparse.ArgumentParser(prog="plot_results.py",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("file", help="vigil result file (HDF5)")
    parser.add_argument("-o", "--output", required=True, help="directory for the PNG figures")
    parser.add_argument("--replicate", type=int, default=0,
                        help="replicate whose trajectories are drawn (default 0)")
    parser.add_argument("--overwrite", action="store_true", help="replace existing figures")
    parser.add_argument("--check", action="store_true",
                        help="only check that the figures can be written; write nothing")
    parser.add_argument("--verbose", action="store_true",
                        help="after each figure, count the measured and theory lines of each "
                        "panel that has them")
    arguments = parser.parse_args()

    try:
        if not os.path.exists(arguments.file):
            raise unusable_input(f"{arguments.file}: no such file")
        s = study(arguments.file)
        if s.trajectory_points():
            stored = sorted({r for p in s.trajectory_points() for r in s.trajectory_replicates(p)})
            if arguments.replicate not in stored:
                raise unusable_input(f"--replicate {arguments.replicate}: {arguments.file} holds "
                                     "trajectories of replicate "
                                     + ", ".join(str(r) for r in stored))
        directory = arguments.output
        check_directory(directory)
        figures = plan(s, arguments.replicate)
        if not figures:
            raise unusable_input(f"{arguments.file}: no figures to draw (the {s.model} figures "
                                 "need trajectories: set trajectories = 2 in the scan file)")
        paths = {name: os.path.join(directory, f"{s.stem}_{name}.png") for name, _, _ in figures}
        for path in paths.values():
            if os.path.lexists(path) and not os.path.isfile(path):
                raise unusable_input(f"{path}: exists and is not a file (a figure goes there); "
                                     "move it or choose another --plot directory")
        existing = [path for path in paths.values() if os.path.exists(path)]
        if existing and not arguments.overwrite:
            raise unusable_input(f"{existing[0]}: exists ({len(existing)} of the "
                                 f"{len(paths)} figures do); pass --overwrite to replace them")
        if arguments.check:
            return 0
        try:
            os.makedirs(directory, exist_ok=True)
        except OSError as error:
            raise unusable_input(f"--plot {directory}: cannot create it ({error.strerror})")
    except unusable_input as error:
        print(error, file=sys.stderr)
        return 2

    failed = 0
    for name, draw, needs_analysis in figures:
        if needs_analysis and not s.has_analysis:
            print(f"skipped {paths[name]}: it needs the analysis; run "
                  f"`vigil analyze {arguments.file}` first", file=sys.stderr)
            continue
        # Each figure is written under a temporary name and renamed when complete; one that
        # fails is reported and the others are still drawn.
        partial = paths[name] + ".partial.png"
        try:
            figure = draw(s)
            figure.savefig(partial, dpi=DPI)
            os.replace(partial, paths[name])
            print(f"wrote {paths[name]}", file=sys.stderr)
            if arguments.verbose:
                describe_lines(name, figure)
            plt.close(figure)
        except nothing_to_draw as reason:
            plt.close("all")
            print(f"skipped {paths[name]}: {reason}", file=sys.stderr)
        except Exception as error:  # noqa: BLE001 - reported, then the exit status says so
            failed += 1
            plt.close("all")
            if os.path.exists(partial):
                os.remove(partial)
            print(f"could not draw {paths[name]}: {type(error).__name__}: {error}",
                  file=sys.stderr)
    if not s.trajectory_points():
        print(f"note: {arguments.file} holds no trajectories; set trajectories = 2 in the "
              "scan file for the figures drawn from them", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
