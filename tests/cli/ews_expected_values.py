#!/usr/bin/python3
"""Independent calculation of the early-warning numbers that tests/cli/ews_test.cpp expects.

Run once by hand (/usr/bin/python3 with Debian's numpy and scipy); its printed numbers were
pasted into ews_test.cpp. The test suite does not run it. It shares no code with vigil: the
trend comes from scipy.ndimage.gaussian_filter1d (what ewstools calls), from a direct
Nadaraya-Watson sum (R's ksmooth), from numpy.polyfit, or from the LOWESS below (Cleveland's
algorithm written out with argsort and weighted numpy.polyfit), the window statistics from
numpy/scipy one window at a time, and Kendall's tau from scipy.stats.kendalltau (tau-b).
"""

import numpy as np
from scipy import ndimage, stats


def load(name):
    data = np.genfromtxt(f"inputs/data/{name}.csv", delimiter=",", names=True)
    return data["time"], data["value"]


def gaussian_trend(x, bandwidth_fraction, convention):
    n = len(x)
    if convention == "ewstools":
        sigma = 0.25 / 0.675 * bandwidth_fraction * n
        return ndimage.gaussian_filter1d(x, sigma, mode="reflect", truncate=4.0)
    bw = round(bandwidth_fraction * n)  # R's round: halves to even, as Python's
    sigma = 0.3706506 * bw
    trend = np.empty(n)
    for i in range(n):
        j = np.arange(n)
        keep = np.abs(j - i) <= 4 * sigma
        w = np.exp(-0.5 * ((j[keep] - i) / sigma) ** 2)
        trend[i] = np.sum(w * x[keep]) / np.sum(w)
    return trend


def lowess_trend(t, x, span, degree, passes):
    n = len(x)
    k = int(np.floor(span * n))
    robustness = np.ones(n)
    for _ in range(passes + 1):
        fit = np.empty(n)
        for i in range(n):
            d = np.abs(t - t[i])
            nearest = np.argsort(d, kind="stable")[:k]  # ties: the earlier point first
            h = d[nearest].max()
            w = (1 - (d[nearest] / h) ** 3) ** 3 * robustness[nearest]
            keep = w > 0
            # numpy.polyfit weights multiply the residuals: pass the square roots.
            coefficients = np.polyfit(t[nearest][keep] - t[i], x[nearest][keep], degree,
                                      w=np.sqrt(w[keep]))
            fit[i] = coefficients[-1]
        residuals = np.abs(x - fit)
        scale = 6 * np.median(residuals)
        u = residuals / scale
        robustness = np.where(u < 1, (1 - u**2) ** 2, 0.0)
    return fit


def window_values(r, s, windows, convention):
    out = {}
    out["variance"] = np.var(r, ddof=1)
    out["sd"] = np.std(r, ddof=1)
    if convention == "ewstools":
        out["cv"] = out["sd"] / np.mean(s)
        out["autocorrelation"] = np.corrcoef(r[:-1], r[1:])[0, 1]
        out["ar1"] = np.polyfit(r[:-1], r[1:], 1)[0]
        out["skewness"] = stats.skew(r, bias=False)
        out["kurtosis"] = stats.kurtosis(r, fisher=True, bias=False)
        phi = out["autocorrelation"]
    else:
        m = np.mean(r)
        out["cv"] = out["sd"] / m
        out["autocorrelation"] = np.sum((r[:-1] - m) * (r[1:] - m)) / np.sum((r - m) ** 2)
        out["ar1"] = np.sum(r[:-1] * r[1:]) / np.sum(r[:-1] ** 2)
        out["skewness"] = stats.skew(r, bias=True)
        out["kurtosis"] = stats.kurtosis(r, fisher=False, bias=True)
        phi = out["autocorrelation"]
    out["return_rate"] = 1 / out["ar1"]
    f_low = 5 * 0.5 / (windows - 1)
    out["density_ratio"] = (1 + phi) ** 2 / (1 - 2 * phi * np.cos(2 * np.pi * f_low) + phi**2)
    return out


def analyse(name, convention, detrend, bandwidth, window_fraction):
    t, x = load(name)
    n = len(x)
    if detrend == "gaussian":
        trend = gaussian_trend(x, bandwidth, convention)
    elif detrend == "lowess":
        trend = (lowess_trend(t, x, bandwidth, 1, 3) if convention == "ewstools"
                 else lowess_trend(t, x, bandwidth, 2, 0))
    else:
        trend = np.polyval(np.polyfit(t, x, 1), t)
    r = x - trend
    w = int(window_fraction * n) if convention == "ewstools" else round(window_fraction * n)
    windows = n - w + 1
    ends = list(range(w - 1, n))
    series = {}
    for e in ends:
        v = window_values(r[e - w + 1:e + 1], x[e - w + 1:e + 1], windows, convention)
        for k, value in v.items():
            series.setdefault(k, []).append(value)
    print(f"// {name}: {convention}, {detrend} bandwidth/span {bandwidth}, window {w} of {n}")
    picks = [w - 1, (w - 1 + n - 1) // 2, n - 1]
    print(f"//   trend at {picks}: " + ", ".join(f"{trend[i]:.17g}" for i in picks))
    for k, values in series.items():
        tau = stats.kendalltau(t[ends], values).statistic
        at = [values[i - (w - 1)] for i in picks]
        print(f'    {{"{k}", {{{", ".join(f"{a:.17g}" for a in at)}}}, {tau:.17g}}},')


analyse("foldbif", "ewstools", "gaussian", 0.2, 0.5)
analyse("glaciation", "ewstools", "gaussian", 0.2, 0.5)
analyse("foldbif", "r", "gaussian", 0.1, 0.5)
analyse("glaciation", "r", "linear", 0.2, 0.25)
analyse("foldbif", "ewstools", "lowess", 0.2, 0.5)
analyse("glaciation", "r", "lowess", 0.3, 0.5)
