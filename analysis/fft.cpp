#include "analysis/fft.hpp"

#include <fftw3.h>

#include <algorithm>
#include <limits>
#include <memory>
#include <mutex>
#include <new>
#include <stdexcept>

namespace vigil::analysis {

namespace {

std::mutex& planner_mutex() {
    static std::mutex mutex;
    return mutex;
}

struct plan_deleter {
    void operator()(fftw_plan_s* plan) const {
        const std::lock_guard lock(planner_mutex());
        fftw_destroy_plan(plan);
    }
};
using unique_plan = std::unique_ptr<fftw_plan_s, plan_deleter>;

// Buffers from fftw_malloc, which aligns them for FFTW's SIMD code. FFTW chooses codelets by
// the alignment of the arrays a plan is made for; with std::vector storage that alignment would
// depend on the heap's state, and so, through the codelet chosen, would the last bits.
struct fftw_deleter {
    void operator()(void* memory) const { fftw_free(memory); }
};
template <typename T>
using fftw_buffer = std::unique_ptr<T[], fftw_deleter>;

int checked_length(std::size_t n) {
    if (n == 0 || n > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
        throw std::invalid_argument("FFT length must be in [1, INT_MAX]");
    }
    return static_cast<int>(n);
}

}  // namespace

std::vector<std::complex<double>> forward_real_fft(std::span<const double> x) {
    const int n = checked_length(x.size());
    const std::size_t bins = x.size() / 2 + 1;
    const fftw_buffer<double> input(fftw_alloc_real(x.size()));
    const fftw_buffer<fftw_complex> output(fftw_alloc_complex(bins));
    if (!input || !output) throw std::bad_alloc();
    std::copy(x.begin(), x.end(), input.get());
    unique_plan plan;
    {
        const std::lock_guard lock(planner_mutex());
        plan.reset(fftw_plan_dft_r2c_1d(n, input.get(), output.get(), FFTW_ESTIMATE));
    }
    if (!plan) throw std::runtime_error("FFTW could not make a plan");
    fftw_execute(plan.get());
    std::vector<std::complex<double>> result(bins);
    for (std::size_t k = 0; k < bins; ++k) result[k] = {output.get()[k][0], output.get()[k][1]};
    return result;
}

std::vector<double> inverse_real_fft(std::span<const std::complex<double>> bins, std::size_t n) {
    const int length = checked_length(n);
    if (bins.size() != n / 2 + 1) {
        throw std::invalid_argument("inverse_real_fft: n/2 + 1 bins expected");
    }
    const fftw_buffer<fftw_complex> input(fftw_alloc_complex(bins.size()));  // c2r overwrites it
    const fftw_buffer<double> output(fftw_alloc_real(n));
    if (!input || !output) throw std::bad_alloc();
    for (std::size_t k = 0; k < bins.size(); ++k) {
        input.get()[k][0] = bins[k].real();
        input.get()[k][1] = bins[k].imag();
    }
    unique_plan plan;
    {
        const std::lock_guard lock(planner_mutex());
        plan.reset(fftw_plan_dft_c2r_1d(length, input.get(), output.get(), FFTW_ESTIMATE));
    }
    if (!plan) throw std::runtime_error("FFTW could not make a plan");
    fftw_execute(plan.get());
    std::vector<double> result(n);
    for (std::size_t i = 0; i < n; ++i) result[i] = output.get()[i] / static_cast<double>(n);
    return result;
}

std::vector<double> circular_convolution(std::span<const double> a, std::span<const double> b) {
    if (a.size() != b.size()) {
        throw std::invalid_argument("circular_convolution: lengths differ");
    }
    auto spectrum = forward_real_fft(a);
    const auto other = forward_real_fft(b);
    for (std::size_t k = 0; k < spectrum.size(); ++k) spectrum[k] *= other[k];
    return inverse_real_fft(spectrum, a.size());
}

}  // namespace vigil::analysis
