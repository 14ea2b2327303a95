#!/usr/bin/python3
"""Plots the stored trajectories of an opposing_signals result file, one column per scan point:
losses of the groups, sharpness against 2/eta and q alpha^2 (|b|^2 + |A[:,0]|^2), w_0 against the
balance point, and |b|^2 against 2/(eta q alpha^2).

    /usr/bin/python3 tools/plot_opposing_signals.py eta.h5 -o eta.png [--replicate 0] [--last 3000]

Needs Debian's python3-h5py and python3-matplotlib; reads the file only.
"""
import argparse
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def parameter(file, name, point):
    return float(file["parameters"][name][point])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("-o", "--output", required=True)
    parser.add_argument("--replicate", type=int, default=0)
    parser.add_argument("--last", type=int, default=0, help="plot only the last N recorded steps")
    arguments = parser.parse_args()

    with h5py.File(arguments.file, "r") as file:
        if file.attrs.get("model") not in ("opposing_signals", b"opposing_signals"):
            sys.exit(f"{arguments.file}: not an opposing_signals result file")
        if "trajectories" not in file:
            sys.exit(f"{arguments.file}: no trajectories (set trajectories = 1 in the scan file)")
        points = int(file.attrs["points"])
        figure, axes = plt.subplots(4, points, figsize=(3.2 * points, 9), squeeze=False,
                                    sharex="col")
        for point in range(points):
            group = file[f"trajectories/point_{point}/replicate_{arguments.replicate}"]
            series = {name: group[name][:] for name in group}
            cut = slice(-arguments.last, None) if arguments.last else slice(None)
            step = series["step"][cut]
            rate = parameter(file, "learning_rate", point)
            alpha = parameter(file, "outlier_magnitude", point)
            gamma = parameter(file, "outlier_target_offset", point)
            samples = parameter(file, "samples", point)
            group_a = round(parameter(file, "fraction_group_a", point) * samples)
            group_b = round(parameter(file, "fraction_group_b", point) * samples)
            moment = (group_a + group_b) / samples * alpha ** 2

            top = axes[0][point]
            top.semilogy(step, series["loss_group_a"][cut], label="group A", lw=0.6)
            top.semilogy(step, series["loss_group_b"][cut], label="group B", lw=0.6)
            top.semilogy(step, series["loss_rest"][cut], label="rest", lw=0.6)
            top.semilogy(step, series["loss"][cut], label="total", lw=0.8, color="k")
            top.set_title(f"learning_rate {rate:g}, alpha {alpha:g}", fontsize=9)
            axes[1][point].plot(step, series["sharpness"][cut], lw=0.6, label="sharpness")
            axes[1][point].plot(step, series["sharpness_formula"][cut], lw=0.6, ls="--",
                                label="q a^2 (|b|^2 + |A0|^2)")
            axes[1][point].axhline(2 / rate, color="r", lw=0.8, label="2 / eta")
            axes[2][point].plot(step, series["outlier_weight"][cut], lw=0.4, label="w_0")
            axes[2][point].axhline(gamma * (group_a - group_b) / (alpha * (group_a + group_b)),
                                   color="r", lw=0.8, label="balance point")
            axes[3][point].plot(step, series["second_layer_norm_sq"][cut], lw=0.6, label="|b|^2")
            axes[3][point].axhline(2 / (rate * moment), color="r", lw=0.8,
                                   label="2 / (eta q a^2)")
            axes[3][point].set_xlabel("step")
        for row in axes:
            row[0].legend(fontsize=7)
        figure.tight_layout()
        figure.savefig(arguments.output, dpi=110)


if __name__ == "__main__":
    main()
