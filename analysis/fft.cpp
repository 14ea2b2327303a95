#include "analysis/fft.hpp"

#include <fftw3.h>

#include <limits>
#include <memory>
#include <mutex>
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

int checked_length(std::size_t n) {
    if (n == 0 || n > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
        throw std::invalid_argument("FFT length must be in [1, INT_MAX]");
    }
    return static_cast<int>(n);
}

}  // namespace

std::vector<std::complex<double>> forward_real_fft(std::span<const double> x) {
    const int n = checked_length(x.size());
    std::vector<double> input(x.begin(), x.end());
    std::vector<std::complex<double>> bins(x.size() / 2 + 1);
    unique_plan plan;
    {
        const std::lock_guard lock(planner_mutex());
        plan.reset(fftw_plan_dft_r2c_1d(
            n, input.data(), reinterpret_cast<fftw_complex*>(bins.data()), FFTW_ESTIMATE));
    }
    if (!plan) throw std::runtime_error("FFTW could not make a plan");
    fftw_execute(plan.get());
    return bins;
}

std::vector<double> inverse_real_fft(std::span<const std::complex<double>> bins, std::size_t n) {
    const int length = checked_length(n);
    if (bins.size() != n / 2 + 1) {
        throw std::invalid_argument("inverse_real_fft: n/2 + 1 bins expected");
    }
    std::vector<std::complex<double>> input(bins.begin(), bins.end());  // c2r overwrites it
    std::vector<double> output(n);
    unique_plan plan;
    {
        const std::lock_guard lock(planner_mutex());
        plan.reset(fftw_plan_dft_c2r_1d(length, reinterpret_cast<fftw_complex*>(input.data()),
                                        output.data(), FFTW_ESTIMATE));
    }
    if (!plan) throw std::runtime_error("FFTW could not make a plan");
    fftw_execute(plan.get());
    for (double& v : output) v /= static_cast<double>(n);
    return output;
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
