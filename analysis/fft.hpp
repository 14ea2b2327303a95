#pragma once

// Real discrete Fourier transforms for analysis/ (phase-randomised surrogates, kernel
// smoothing), through FFTW. Plans use FFTW_ESTIMATE (no timing runs) on fftw_malloc-aligned
// buffers, so a given length always gets the same plan and the same bits on one machine,
// whatever the thread count or heap state. Plans are made under one process-wide mutex
// (FFTW's planner is not thread-safe); the functions are safe to call from any thread.

#include <complex>
#include <cstddef>
#include <span>
#include <vector>

namespace vigil::analysis {

// The n/2 + 1 non-negative-frequency bins of sum_j x[j] exp(-2 pi i j k / n), n = x.size() > 0.
std::vector<std::complex<double>> forward_real_fft(std::span<const double> x);

// The n real values whose forward transform is `bins` (n/2 + 1 of them), divided by n so that
// inverse_real_fft(forward_real_fft(x), n) == x up to rounding. The imaginary parts of bin 0
// and, for even n, bin n/2 are ignored.
std::vector<double> inverse_real_fft(std::span<const std::complex<double>> bins, std::size_t n);

// Circular convolution of two real sequences of the same length n: out[i] = sum_j a[j]
// b[(i - j) mod n], in O(n log n).
std::vector<double> circular_convolution(std::span<const double> a, std::span<const double> b);

}  // namespace vigil::analysis
