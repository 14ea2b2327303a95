#include "analysis/indicators.hpp"

#include "analysis/fft.hpp"
#include "analysis/kendall.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>

namespace vigil::analysis {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// scipy's gaussian_filter1d uses radius int(truncate * sigma + 0.5) with truncate = 4.
constexpr double kernel_truncation = 4.0;

// ewstools: sigma = (0.25 / 0.675) bandwidth; R's ksmooth: bandwidth * 0.3706506, which is
// 0.25 / qnorm(0.75), so that the kernel's quartiles sit at +-0.25 bandwidth.
constexpr double ewstools_sigma_per_bandwidth = 0.25 / 0.675;
constexpr double r_sigma_per_bandwidth = 0.3706506;

void check_finite(std::span<const double> values, const char* what) {
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (!std::isfinite(values[i])) {
            throw std::invalid_argument(std::string(what) + ": value " + std::to_string(i) +
                                        " is not a finite number");
        }
    }
}

void check_same_length(std::span<const double> time, std::span<const double> values) {
    if (time.size() != values.size()) {
        throw std::invalid_argument("time and values differ in length (" +
                                    std::to_string(time.size()) + " vs " +
                                    std::to_string(values.size()) + ")");
    }
}

// Neumaier-compensated running sum: add and remove terms with an error of a few ulps of the
// largest partial sum instead of growing with the number of updates.
class compensated_sum {
public:
    void reset() { sum_ = correction_ = 0; }
    void add(double term) {
        const double total = sum_ + term;
        if (std::fabs(sum_) >= std::fabs(term)) {
            correction_ += (sum_ - total) + term;
        } else {
            correction_ += (term - total) + sum_;
        }
        sum_ = total;
    }
    double value() const { return sum_ + correction_; }

private:
    double sum_ = 0;
    double correction_ = 0;
};

// Index into a series extended by scipy's "reflect" mode: (d c b a | a b c d | d c b a),
// repeated with period 2n.
std::size_t reflected_index(std::ptrdiff_t index, std::size_t n) {
    const auto period = static_cast<std::ptrdiff_t>(2 * n);
    std::ptrdiff_t folded = index % period;
    if (folded < 0) folded += period;
    if (folded >= static_cast<std::ptrdiff_t>(n)) folded = period - 1 - folded;
    return static_cast<std::size_t>(folded);
}

// Solves the weighted least-squares polynomial fit of `degree` at x0 (time measured from x0),
// returning the fitted value at x0. Returns the weighted mean when the design is singular.
double local_polynomial_value(std::span<const double> time, std::span<const double> values,
                              std::span<const double> weights, std::size_t first, std::size_t last,
                              double x0, int degree, double scale) {
    // Normal equations in the scaled variable u = (t - x0) / scale.
    double moments[5] = {0, 0, 0, 0, 0};
    double rhs[3] = {0, 0, 0};
    for (std::size_t j = first; j <= last; ++j) {
        const double w = weights[j];
        if (w <= 0) continue;
        const double u = (time[j] - x0) / scale;
        double power = w;
        for (int p = 0; p <= 2 * degree; ++p) {
            moments[p] += power;
            if (p <= degree) rhs[p] += power * values[j];
            power *= u;
        }
    }
    if (moments[0] <= 0) return nan;
    const double mean = rhs[0] / moments[0];
    const int size = degree + 1;
    double a[3][4];
    for (int r = 0; r < size; ++r) {
        for (int c = 0; c < size; ++c) a[r][c] = moments[r + c];
        a[r][size] = rhs[r];
    }
    // Gaussian elimination with partial pivoting on the (degree+1)^2 system.
    for (int col = 0; col < size; ++col) {
        int pivot = col;
        for (int r = col + 1; r < size; ++r) {
            if (std::fabs(a[r][col]) > std::fabs(a[pivot][col])) pivot = r;
        }
        if (std::fabs(a[pivot][col]) <= 1e-12 * moments[0]) return mean;
        if (pivot != col) {
            for (int c = 0; c <= size; ++c) std::swap(a[col][c], a[pivot][c]);
        }
        for (int r = col + 1; r < size; ++r) {
            const double factor = a[r][col] / a[col][col];
            for (int c = col; c <= size; ++c) a[r][c] -= factor * a[col][c];
        }
    }
    double solution[3] = {0, 0, 0};
    for (int r = size - 1; r >= 0; --r) {
        double s = a[r][size];
        for (int c = r + 1; c < size; ++c) s -= a[r][c] * solution[c];
        solution[r] = s / a[r][r];
    }
    return solution[0];  // the polynomial at u = 0, that is at x0
}

double median_of(std::vector<double> values) {
    const auto middle = values.size() / 2;
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(middle),
                     values.end());
    const double upper = values[middle];
    if (values.size() % 2 == 1) return upper;
    const double lower =
        *std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(middle));
    return 0.5 * (lower + upper);
}

}  // namespace

// ---- names -----------------------------------------------------------------------------

std::string to_string(ews_convention convention) {
    return convention == ews_convention::ewstools ? "ewstools" : "r";
}

ews_convention parse_convention(const std::string& text) {
    if (text == "ewstools") return ews_convention::ewstools;
    if (text == "r" || text == "earlywarnings") return ews_convention::earlywarnings;
    throw std::invalid_argument("convention \"" + text + "\": use ewstools or r");
}

std::string to_string(detrend_method method) {
    switch (method) {
        case detrend_method::none:
            return "none";
        case detrend_method::linear:
            return "linear";
        case detrend_method::gaussian:
            return "gaussian";
        case detrend_method::lowess:
            return "lowess";
        case detrend_method::first_difference:
            return "first-diff";
    }
    return "?";
}

detrend_method parse_detrend_method(const std::string& text) {
    for (const auto method :
         {detrend_method::none, detrend_method::linear, detrend_method::gaussian,
          detrend_method::lowess, detrend_method::first_difference}) {
        if (text == to_string(method)) return method;
    }
    throw std::invalid_argument("detrending \"" + text +
                                "\": use none, linear, gaussian, lowess or first-diff");
}

std::string to_string(indicator which) {
    switch (which) {
        case indicator::variance:
            return "variance";
        case indicator::standard_deviation:
            return "sd";
        case indicator::coefficient_of_variation:
            return "cv";
        case indicator::autocorrelation:
            return "autocorrelation";
        case indicator::ar1:
            return "ar1";
        case indicator::skewness:
            return "skewness";
        case indicator::kurtosis:
            return "kurtosis";
        case indicator::return_rate:
            return "return_rate";
        case indicator::density_ratio:
            return "density_ratio";
    }
    return "?";
}

indicator parse_indicator(const std::string& text) {
    for (const auto which : all_indicators) {
        if (text == to_string(which)) return which;
    }
    throw std::invalid_argument("indicator \"" + text +
                                "\": use variance, sd, cv, autocorrelation, ar1, skewness, "
                                "kurtosis, return_rate or density_ratio");
}

// ---- sampling --------------------------------------------------------------------------

void check_increasing_time(std::span<const double> time) {
    for (std::size_t i = 0; i < time.size(); ++i) {
        if (!std::isfinite(time[i])) {
            throw std::invalid_argument("time " + std::to_string(i) + " is not a finite number");
        }
        if (i > 0 && !(time[i] > time[i - 1])) {
            throw std::invalid_argument("time " + std::to_string(i) +
                                        " does not increase on the one before");
        }
    }
}

bool is_evenly_sampled(std::span<const double> time, double relative_tolerance) {
    if (time.size() < 3) return true;
    const double mean_step = (time.back() - time.front()) / static_cast<double>(time.size() - 1);
    if (!(mean_step > 0)) return false;
    for (std::size_t i = 1; i < time.size(); ++i) {
        const double step = time[i] - time[i - 1];
        if (std::fabs(step - mean_step) > relative_tolerance * mean_step) return false;
    }
    return true;
}

// ---- detrending ------------------------------------------------------------------------

double gaussian_sigma_points(double bandwidth_points, ews_convention convention) {
    return bandwidth_points * (convention == ews_convention::ewstools ? ewstools_sigma_per_bandwidth
                                                                      : r_sigma_per_bandwidth);
}

namespace {

// Kernel lengths up to which the direct sum beats FFT convolution.
constexpr std::size_t direct_kernel_limit = 64;

// weights[k + radius] = exp(-(k / sigma)^2 / 2) for k = -radius .. radius.
std::vector<double> gaussian_weights(std::size_t radius, double sigma) {
    std::vector<double> weights(2 * radius + 1);
    for (std::size_t j = 0; j < weights.size(); ++j) {
        const double u = (static_cast<double>(j) - static_cast<double>(radius)) / sigma;
        weights[j] = std::exp(-0.5 * u * u);
    }
    return weights;
}

// out[i] = sum_k weights[k + r] * extended[i + r + k] for i < extended.size() - 2r, with a
// symmetric kernel of 2r + 1 weights: a direct sum for short kernels, else FFT convolution.
std::vector<double> apply_symmetric_kernel(const std::vector<double>& extended,
                                           const std::vector<double>& weights, bool use_fft) {
    const std::size_t r = (weights.size() - 1) / 2;
    const std::size_t count = extended.size() - 2 * r;
    std::vector<double> out(count);
    if (!use_fft) {
        for (std::size_t i = 0; i < count; ++i) {
            double sum = 0;
            for (std::size_t j = 0; j < weights.size(); ++j) sum += weights[j] * extended[i + j];
            out[i] = sum;
        }
        return out;
    }
    // Circular convolution over a length >= extended.size(): for the outputs kept, c - k stays
    // inside [0, extended.size()), so nothing wraps around.
    std::size_t length = 1;
    while (length < extended.size()) length <<= 1;
    std::vector<double> signal(length, 0.0);
    std::copy(extended.begin(), extended.end(), signal.begin());
    std::vector<double> kernel(length, 0.0);
    for (std::size_t j = 0; j < weights.size(); ++j) {
        const auto k = static_cast<std::ptrdiff_t>(j) - static_cast<std::ptrdiff_t>(r);
        kernel[static_cast<std::size_t>((k + static_cast<std::ptrdiff_t>(length)) %
                                        static_cast<std::ptrdiff_t>(length))] = weights[j];
    }
    const auto convolved = circular_convolution(signal, kernel);
    for (std::size_t i = 0; i < count; ++i) out[i] = convolved[i + r];
    return out;
}

}  // namespace

std::vector<double> gaussian_smooth_points(std::span<const double> values, double sigma_points,
                                           ews_convention convention,
                                           kernel_evaluation evaluation) {
    const std::size_t n = values.size();
    if (!(sigma_points >= 0) || !std::isfinite(sigma_points)) {
        throw std::invalid_argument("Gaussian kernel sigma must be finite and >= 0");
    }
    if (n == 0) return {};
    const auto fft_for = [&](std::size_t kernel_points) {
        return evaluation == kernel_evaluation::fft ||
               (evaluation == kernel_evaluation::automatic && kernel_points > direct_kernel_limit);
    };

    if (convention == ews_convention::ewstools) {
        const auto radius = static_cast<std::size_t>(kernel_truncation * sigma_points + 0.5);
        if (radius == 0) return {values.begin(), values.end()};
        auto weights = gaussian_weights(radius, sigma_points);
        double total = 0;
        for (const double w : weights) total += w;
        for (double& w : weights) w /= total;
        std::vector<double> extended(n + 2 * radius);
        for (std::size_t j = 0; j < extended.size(); ++j) {
            extended[j] = values[reflected_index(
                static_cast<std::ptrdiff_t>(j) - static_cast<std::ptrdiff_t>(radius), n)];
        }
        return apply_symmetric_kernel(extended, weights, fft_for(weights.size()));
    }

    if (!(sigma_points > 0)) {
        throw std::invalid_argument(
            "Gaussian bandwidth rounds to 0 points; the r convention needs at least 1");
    }
    // Nadaraya-Watson with the weights outside the series dropped: numerator and denominator
    // are the kernel applied to the zero-padded values and to the zero-padded indicator.
    const auto reach = static_cast<std::size_t>(std::floor(kernel_truncation * sigma_points));
    const auto weights = gaussian_weights(reach, sigma_points);
    std::vector<double> padded_values(n + 2 * reach, 0.0);
    std::vector<double> padded_ones(n + 2 * reach, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
        padded_values[i + reach] = values[i];
        padded_ones[i + reach] = 1.0;
    }
    const bool use_fft = fft_for(weights.size());
    const auto numerator = apply_symmetric_kernel(padded_values, weights, use_fft);
    const auto denominator = apply_symmetric_kernel(padded_ones, weights, use_fft);
    std::vector<double> smooth(n);
    for (std::size_t i = 0; i < n; ++i) smooth[i] = numerator[i] / denominator[i];
    return smooth;
}

std::vector<double> gaussian_smooth_time(std::span<const double> time,
                                         std::span<const double> values, double sigma_time) {
    check_same_length(time, values);
    if (!(sigma_time > 0) || !std::isfinite(sigma_time)) {
        throw std::invalid_argument("Gaussian kernel sigma in time units must be > 0");
    }
    const std::size_t n = values.size();
    const double cutoff = kernel_truncation * sigma_time;
    std::vector<double> smooth(n);
    std::size_t first = 0;
    for (std::size_t i = 0; i < n; ++i) {
        while (time[first] < time[i] - cutoff) ++first;
        double numerator = 0;
        double denominator = 0;
        for (std::size_t j = first; j < n && time[j] <= time[i] + cutoff; ++j) {
            const double u = (time[j] - time[i]) / sigma_time;
            const double w = std::exp(-0.5 * u * u);
            numerator += w * values[j];
            denominator += w;
        }
        smooth[i] = numerator / denominator;
    }
    return smooth;
}

std::vector<double> lowess(std::span<const double> time, std::span<const double> values,
                           double span, int degree, int robustness_passes) {
    check_same_length(time, values);
    const std::size_t n = values.size();
    if (degree != 1 && degree != 2) throw std::invalid_argument("LOWESS degree must be 1 or 2");
    if (!(span > 0 && span <= 1)) throw std::invalid_argument("LOWESS span must be in (0, 1]");
    const auto neighbours = static_cast<std::size_t>(std::floor(span * static_cast<double>(n)));
    // The farthest neighbour has weight 0: d + 2 neighbours would fit through the series.
    if (neighbours < static_cast<std::size_t>(degree) + 3) {
        throw std::invalid_argument("LOWESS span " + std::to_string(span) + " covers " +
                                    std::to_string(neighbours) + " of " + std::to_string(n) +
                                    " points; a local fit of degree " + std::to_string(degree) +
                                    " needs at least " + std::to_string(degree + 3));
    }

    std::vector<double> robustness(n, 1.0);
    std::vector<double> weights(n, 0.0);
    std::vector<double> fitted(n);
    for (int pass = 0; pass <= robustness_passes; ++pass) {
        std::size_t left = 0;  // neighbourhood [left, left + neighbours - 1], slid right
        for (std::size_t i = 0; i < n; ++i) {
            while (left + neighbours < n &&
                   time[i] - time[left] > time[left + neighbours] - time[i]) {
                ++left;
            }
            const std::size_t right = left + neighbours - 1;
            const double radius = std::max(time[i] - time[left], time[right] - time[i]);
            const double scale = radius > 0 ? radius : 1.0;
            for (std::size_t j = left; j <= right; ++j) {
                const double d = radius > 0 ? std::fabs(time[j] - time[i]) / radius : 0.0;
                const double tricube = d < 1 ? std::pow(1 - d * d * d, 3) : 0.0;
                weights[j] = tricube * robustness[j];
            }
            fitted[i] =
                local_polynomial_value(time, values, weights, left, right, time[i], degree, scale);
            for (std::size_t j = left; j <= right; ++j) weights[j] = 0;
        }
        if (pass == robustness_passes) break;

        std::vector<double> absolute_residuals(n);
        for (std::size_t i = 0; i < n; ++i)
            absolute_residuals[i] = std::fabs(values[i] - fitted[i]);
        const double scale = 6 * median_of(absolute_residuals);
        if (!(scale > 0)) break;  // an exact fit: nothing to down-weight
        for (std::size_t i = 0; i < n; ++i) {
            const double u = absolute_residuals[i] / scale;
            robustness[i] = u < 1 ? (1 - u * u) * (1 - u * u) : 0.0;
        }
    }
    return fitted;
}

std::vector<double> linear_trend(std::span<const double> time, std::span<const double> values) {
    check_same_length(time, values);
    const std::size_t n = values.size();
    if (n < 2) throw std::invalid_argument("a linear trend needs at least 2 points");
    double mean_t = 0;
    double mean_x = 0;
    for (std::size_t i = 0; i < n; ++i) {
        mean_t += time[i];
        mean_x += values[i];
    }
    mean_t /= static_cast<double>(n);
    mean_x /= static_cast<double>(n);
    double stt = 0;
    double stx = 0;
    for (std::size_t i = 0; i < n; ++i) {
        stt += (time[i] - mean_t) * (time[i] - mean_t);
        stx += (time[i] - mean_t) * (values[i] - mean_x);
    }
    const double slope = stt > 0 ? stx / stt : 0.0;
    std::vector<double> trend(n);
    for (std::size_t i = 0; i < n; ++i) trend[i] = mean_x + slope * (time[i] - mean_t);
    return trend;
}

detrended_series detrend(std::span<const double> time, std::span<const double> values,
                         const detrend_options& options) {
    check_same_length(time, values);
    check_finite(values, "series");
    check_increasing_time(time);
    const std::size_t n = values.size();
    if (n < 2) throw std::invalid_argument("the series has fewer than 2 points");

    detrended_series out;
    if (options.method == detrend_method::first_difference) {
        out.time.assign(time.begin() + 1, time.end());
        out.state.assign(values.begin() + 1, values.end());
        out.trend.assign(values.begin(), values.end() - 1);
    } else {
        out.time.assign(time.begin(), time.end());
        out.state.assign(values.begin(), values.end());
        switch (options.method) {
            case detrend_method::none:
                out.trend.assign(n, 0.0);
                break;
            case detrend_method::linear:
                out.trend = linear_trend(time, values);
                break;
            case detrend_method::lowess:
                out.trend = options.convention == ews_convention::ewstools
                                ? lowess(time, values, options.span, 1, 3)
                                : lowess(time, values, options.span, 2, 0);
                break;
            case detrend_method::gaussian: {
                const auto& bandwidth = options.bandwidth;
                if (!(bandwidth.value > 0) || !std::isfinite(bandwidth.value)) {
                    throw std::invalid_argument("bandwidth must be a finite number > 0");
                }
                const bool even = is_evenly_sampled(time);
                if (bandwidth.kind == series_length::unit::time && !even) {
                    const double sigma = gaussian_sigma_points(bandwidth.value, options.convention);
                    out.trend = gaussian_smooth_time(time, values, sigma);
                    break;
                }
                if (!even) {
                    throw std::invalid_argument(
                        "the time steps are uneven: give the Gaussian bandwidth in time units");
                }
                double points = bandwidth.value;
                if (bandwidth.kind == series_length::unit::fraction) {
                    if (bandwidth.value > 1) {
                        throw std::invalid_argument("bandwidth fraction must be in (0, 1]");
                    }
                    points = bandwidth.value * static_cast<double>(n);
                } else if (bandwidth.kind == series_length::unit::time) {
                    points =
                        bandwidth.value * static_cast<double>(n - 1) / (time.back() - time.front());
                }
                if (options.convention == ews_convention::earlywarnings) {
                    points = std::nearbyint(points);  // R's round(): halves to even
                }
                out.trend = gaussian_smooth_points(
                    values, gaussian_sigma_points(points, options.convention), options.convention);
                break;
            }
            case detrend_method::first_difference:
                break;
        }
    }
    out.residuals.resize(out.state.size());
    for (std::size_t i = 0; i < out.state.size(); ++i) {
        out.residuals[i] = out.state[i] - out.trend[i];
    }
    return out;
}

// ---- rolling indicators ----------------------------------------------------------------

std::size_t minimum_window_points(std::size_t lag) {
    return std::max<std::size_t>(4, lag + 3);
}

std::size_t window_points(const series_length& window, std::size_t n, ews_convention convention) {
    if (!(window.value > 0) || !std::isfinite(window.value)) {
        throw std::invalid_argument("window must be a finite number > 0");
    }
    switch (window.kind) {
        case series_length::unit::fraction: {
            if (window.value > 1) throw std::invalid_argument("window fraction must be in (0, 1]");
            const double points = window.value * static_cast<double>(n);
            return static_cast<std::size_t>(convention == ews_convention::ewstools
                                                ? std::floor(points)
                                                : std::nearbyint(points));
        }
        case series_length::unit::points:
            if (window.value != std::floor(window.value)) {
                throw std::invalid_argument("window in points must be a whole number");
            }
            // Compared before the cast: a count of 2^64 or more does not fit std::size_t.
            if (window.value > static_cast<double>(n)) {
                std::ostringstream message;
                message << "window of " << window.value << " points is longer than the series ("
                        << n << " points)";
                throw std::invalid_argument(message.str());
            }
            return static_cast<std::size_t>(window.value);
        case series_length::unit::time:
            break;
    }
    throw std::invalid_argument("a window is a fraction of the series or a number of points");
}

double density_ratio_of(double phi, std::size_t windows) {
    if (windows < 6 || !std::isfinite(phi)) return nan;
    // The low frequency depends only on the number of windows: one cosine per series.
    thread_local std::size_t cached_windows = 0;
    thread_local double cosine = 0;
    if (windows != cached_windows) {
        const double low = 5 * 0.5 / static_cast<double>(windows - 1);
        cosine = std::cos(2 * std::numbers::pi * low);
        cached_windows = windows;
    }
    const double high_term = (1 + phi) * (1 + phi);
    const double low_term = 1 - 2 * phi * cosine + phi * phi;
    return low_term > 0 ? high_term / low_term : nan;
}

const std::vector<double>& rolling_indicators::operator[](indicator which) const {
    switch (which) {
        case indicator::variance:
            return variance;
        case indicator::standard_deviation:
            return standard_deviation;
        case indicator::coefficient_of_variation:
            return coefficient_of_variation;
        case indicator::autocorrelation:
            return autocorrelation;
        case indicator::ar1:
            return ar1;
        case indicator::skewness:
            return skewness;
        case indicator::kurtosis:
            return kurtosis;
        case indicator::return_rate:
            return return_rate;
        case indicator::density_ratio:
            return density_ratio;
    }
    throw std::invalid_argument("unknown indicator");
}

namespace {

// Sums over one window that determine every indicator: powers of the shifted values over the
// window, and for a lag k the shifted pairs (x[j], x[j+k]) with both ends in the window.
struct window_sums {
    double count = 0;
    double shift = 0;  // subtracted from every value before summing
    double s1 = 0, s2 = 0, s3 = 0, s4 = 0;
    double state_mean = 0;  // mean of the state over the window (unshifted)
    double pairs = 0;       // window - k
    double head1 = 0, head2 = 0, tail1 = 0, tail2 = 0, cross = 0;
};

struct lagged_values {
    double pearson = nan;     // Pearson correlation of the pairs
    double acf = nan;         // acf estimator: window mean, window sum of squares
    double ols_slope = nan;   // slope of x[j+k] on x[j] with intercept
    double ols_origin = nan;  // slope through the origin, unshifted values
};

lagged_values lagged_statistics(const window_sums& s) {
    lagged_values out;
    const double n = s.count;
    const double m = s.pairs;
    const double mean_head = s.head1 / m;
    const double mean_tail = s.tail1 / m;
    const double var_head = s.head2 - s.head1 * mean_head;
    const double var_tail = s.tail2 - s.tail1 * mean_tail;
    const double covariance = s.cross - s.head1 * mean_tail;
    if (var_head > 0 && var_tail > 0) out.pearson = covariance / std::sqrt(var_head * var_tail);
    if (var_head > 0) out.ols_slope = covariance / var_head;

    const double mean = s.s1 / n;
    const double sum_squares = s.s2 - s.s1 * mean;
    const double acf_numerator = s.cross - mean * (s.head1 + s.tail1) + m * mean * mean;
    if (sum_squares > 0) out.acf = acf_numerator / sum_squares;

    // Back to unshifted values: x = x' + c.
    const double c = s.shift;
    const double raw_cross = s.cross + c * (s.head1 + s.tail1) + m * c * c;
    const double raw_head2 = s.head2 + 2 * c * s.head1 + m * c * c;
    if (raw_head2 > 0) out.ols_origin = raw_cross / raw_head2;
    return out;
}

struct moment_values {
    double variance = nan, sd = nan, skewness = nan, kurtosis = nan, mean = nan;
};

moment_values moment_statistics(const window_sums& s, ews_convention convention) {
    moment_values out;
    const double n = s.count;
    const double mean_shifted = s.s1 / n;
    out.mean = mean_shifted + s.shift;
    const double a2 = s.s2 / n;
    const double a3 = s.s3 / n;
    const double a4 = s.s4 / n;
    const double mu = mean_shifted;
    const double m2 = std::max(0.0, a2 - mu * mu);
    const double m3 = a3 - 3 * mu * a2 + 2 * mu * mu * mu;
    const double m4 = a4 - 4 * mu * a3 + 6 * mu * mu * a2 - 3 * mu * mu * mu * mu;
    out.variance = m2 * n / (n - 1);
    out.sd = std::sqrt(out.variance);
    // Below this the window is constant up to rounding: shape statistics are undefined.
    if (!(m2 > 1e-13 * (a2 + s.shift * s.shift))) return out;
    const double g1 = m3 / (m2 * std::sqrt(m2));
    const double ratio = m4 / (m2 * m2);
    if (convention == ews_convention::ewstools) {
        out.skewness = std::sqrt(n * (n - 1)) / (n - 2) * g1;
        out.kurtosis = ((n + 1) * (ratio - 3) + 6) * (n - 1) / ((n - 2) * (n - 3));
    } else {
        out.skewness = g1;
        out.kurtosis = ratio;
    }
    return out;
}

window_values values_from_sums(const window_sums& lag_sums, const window_sums& one_sums,
                               std::size_t windows, ews_convention convention) {
    window_values v{};
    const auto moments = moment_statistics(one_sums, convention);
    const auto lagged = lagged_statistics(lag_sums);
    const auto first = lagged_statistics(one_sums);
    const bool ewstools = convention == ews_convention::ewstools;
    v.variance = moments.variance;
    v.standard_deviation = moments.sd;
    const double denominator = ewstools ? one_sums.state_mean : moments.mean;
    v.coefficient_of_variation = denominator != 0 ? moments.sd / denominator : nan;
    v.skewness = moments.skewness;
    v.kurtosis = moments.kurtosis;
    v.autocorrelation = ewstools ? lagged.pearson : lagged.acf;
    v.ar1 = ewstools ? first.ols_slope : first.ols_origin;
    v.return_rate = v.ar1 != 0 ? 1 / v.ar1 : nan;
    v.density_ratio = density_ratio_of(ewstools ? first.pearson : first.acf, windows);
    return v;
}

// Exact sums over the window [start, start + window) with the given shift.
window_sums exact_sums(std::span<const double> x, std::span<const double> state, std::size_t start,
                       std::size_t window, std::size_t lag, double shift) {
    window_sums s;
    s.count = static_cast<double>(window);
    s.pairs = static_cast<double>(window - lag);
    s.shift = shift;
    compensated_sum p1, p2, p3, p4, h1, h2, t1, t2, cross, state_sum;
    for (std::size_t j = start; j < start + window; ++j) {
        const double d = x[j] - shift;
        p1.add(d);
        p2.add(d * d);
        p3.add(d * d * d);
        p4.add(d * d * d * d);
        state_sum.add(state[j]);
        if (j + lag < start + window) {
            const double e = x[j + lag] - shift;
            h1.add(d);
            h2.add(d * d);
            t1.add(e);
            t2.add(e * e);
            cross.add(d * e);
        }
    }
    s.s1 = p1.value();
    s.s2 = p2.value();
    s.s3 = p3.value();
    s.s4 = p4.value();
    s.head1 = h1.value();
    s.head2 = h2.value();
    s.tail1 = t1.value();
    s.tail2 = t2.value();
    s.cross = cross.value();
    s.state_mean = state_sum.value() / s.count;
    return s;
}

// Slides window sums for one lag along the series: O(1) per step, with an exact recomputation
// (and a new shift, the current window's mean) every `window` steps.
class sliding_sums {
public:
    sliding_sums(std::span<const double> x, std::span<const double> state, std::size_t window,
                 std::size_t lag)
        : x_(x), state_(state), window_(window), lag_(lag) {}

    // Sums of the window ending at `end` (inclusive); call with end = window-1, window, ...
    const window_sums& at(std::size_t end) {
        const std::size_t start = end + 1 - window_;
        if (start % window_ == 0) {
            recompute(start);
        } else {
            slide(start);
        }
        return sums_;
    }

private:
    void recompute(std::size_t start) {
        double mean = 0;
        for (std::size_t j = start; j < start + window_; ++j) mean += x_[j];
        mean /= static_cast<double>(window_);
        sums_ = exact_sums(x_, state_, start, window_, lag_, mean);
        for (auto* sum : {&p1_, &p2_, &p3_, &p4_, &h1_, &h2_, &t1_, &t2_, &cross_, &state_sum_}) {
            sum->reset();
        }
        p1_.add(sums_.s1);
        p2_.add(sums_.s2);
        p3_.add(sums_.s3);
        p4_.add(sums_.s4);
        h1_.add(sums_.head1);
        h2_.add(sums_.head2);
        t1_.add(sums_.tail1);
        t2_.add(sums_.tail2);
        cross_.add(sums_.cross);
        state_sum_.add(sums_.state_mean * sums_.count);
    }

    // The window moved from [start-1, end-1] to [start, end].
    void slide(std::size_t start) {
        const double c = sums_.shift;
        const std::size_t end = start + window_ - 1;
        const double in = x_[end] - c;
        const double out = x_[start - 1] - c;
        p1_.add(in);
        p1_.add(-out);
        p2_.add(in * in);
        p2_.add(-out * out);
        p3_.add(in * in * in);
        p3_.add(-out * out * out);
        p4_.add(in * in * in * in);
        p4_.add(-out * out * out * out);
        state_sum_.add(state_[end]);
        state_sum_.add(-state_[start - 1]);

        // Pairs (j, j + lag) with start <= j and j + lag <= end.
        const double head_in = x_[end - lag_] - c;  // new first element of the last pair
        const double head_out = out;                // first element of the dropped pair
        const double tail_out = x_[start - 1 + lag_] - c;
        h1_.add(head_in);
        h1_.add(-head_out);
        h2_.add(head_in * head_in);
        h2_.add(-head_out * head_out);
        t1_.add(in);
        t1_.add(-tail_out);
        t2_.add(in * in);
        t2_.add(-tail_out * tail_out);
        cross_.add(head_in * in);
        cross_.add(-head_out * tail_out);

        sums_.s1 = p1_.value();
        sums_.s2 = p2_.value();
        sums_.s3 = p3_.value();
        sums_.s4 = p4_.value();
        sums_.head1 = h1_.value();
        sums_.head2 = h2_.value();
        sums_.tail1 = t1_.value();
        sums_.tail2 = t2_.value();
        sums_.cross = cross_.value();
        sums_.state_mean = state_sum_.value() / sums_.count;
    }

    std::span<const double> x_;
    std::span<const double> state_;
    std::size_t window_;
    std::size_t lag_;
    window_sums sums_;
    compensated_sum p1_, p2_, p3_, p4_, h1_, h2_, t1_, t2_, cross_, state_sum_;
};

void check_rolling_arguments(std::span<const double> residuals, std::span<const double> state,
                             std::size_t window, std::size_t lag) {
    check_finite(residuals, "residuals");
    check_finite(state, "state");
    if (state.size() != residuals.size()) {
        throw std::invalid_argument("state and residuals differ in length");
    }
    if (lag < 1) throw std::invalid_argument("lag must be >= 1");
    if (window < minimum_window_points(lag)) {
        throw std::invalid_argument(
            "window of " + std::to_string(window) + " points is too short: lag " +
            std::to_string(lag) + " needs at least " + std::to_string(minimum_window_points(lag)));
    }
    if (window > residuals.size()) {
        throw std::invalid_argument("window of " + std::to_string(window) +
                                    " points is longer than the series (" +
                                    std::to_string(residuals.size()) + " points)");
    }
}

}  // namespace

window_values window_statistics(std::span<const double> residuals, std::span<const double> state,
                                std::size_t lag, std::size_t windows, ews_convention convention) {
    if (state.empty()) state = residuals;
    check_rolling_arguments(residuals, state, residuals.size(), lag);
    const std::size_t w = residuals.size();
    // Two passes: the mean first, then sums of centred values.
    double mean = 0;
    for (const double x : residuals) mean += x;
    mean /= static_cast<double>(w);
    const auto lag_sums = exact_sums(residuals, state, 0, w, lag, mean);
    const auto one_sums = exact_sums(residuals, state, 0, w, 1, mean);
    return values_from_sums(lag_sums, one_sums, windows, convention);
}

rolling_indicators rolling_statistics(std::span<const double> residuals,
                                      std::span<const double> state,
                                      const rolling_options& options) {
    if (state.empty()) state = residuals;
    check_rolling_arguments(residuals, state, options.window, options.lag);
    const std::size_t n = residuals.size();
    const std::size_t w = options.window;
    const std::size_t windows = n - w + 1;

    rolling_indicators out;
    out.window = w;
    out.lag = options.lag;
    for (auto* series : {&out.variance, &out.standard_deviation, &out.coefficient_of_variation,
                         &out.autocorrelation, &out.ar1, &out.skewness, &out.kurtosis,
                         &out.return_rate, &out.density_ratio}) {
        series->assign(n, nan);
    }

    sliding_sums lag_one(residuals, state, w, 1);
    std::optional<sliding_sums> lag_k;
    if (options.lag != 1) lag_k.emplace(residuals, state, w, options.lag);
    for (std::size_t end = w - 1; end < n; ++end) {
        const window_sums& one = lag_one.at(end);
        const window_sums& lagged = lag_k ? lag_k->at(end) : one;
        const auto v = values_from_sums(lagged, one, windows, options.convention);
        out.variance[end] = v.variance;
        out.standard_deviation[end] = v.standard_deviation;
        out.coefficient_of_variation[end] = v.coefficient_of_variation;
        out.autocorrelation[end] = v.autocorrelation;
        out.ar1[end] = v.ar1;
        out.skewness[end] = v.skewness;
        out.kurtosis[end] = v.kurtosis;
        out.return_rate[end] = v.return_rate;
        out.density_ratio[end] = v.density_ratio;
    }
    return out;
}

ews_result early_warning(std::span<const double> time, std::span<const double> values,
                         const ews_options& options) {
    ews_result result;
    result.series = detrend(time, values, options.detrending);
    const auto n = result.series.residuals.size();
    const auto window = window_points(options.window, values.size(), options.detrending.convention);
    if (window < minimum_window_points(options.lag)) {
        throw std::invalid_argument("window: " + std::to_string(window) + " points of " +
                                    std::to_string(values.size()) + "; lag " +
                                    std::to_string(options.lag) + " needs at least " +
                                    std::to_string(minimum_window_points(options.lag)));
    }
    if (window > n) {
        throw std::invalid_argument("window: " + std::to_string(window) +
                                    " points, longer than the " + std::to_string(n) +
                                    " detrended points");
    }
    result.rolling = rolling_statistics(result.series.residuals, result.series.state,
                                        {window, options.lag, options.detrending.convention});
    for (const auto which : all_indicators) {
        result.tau[static_cast<std::size_t>(which)] =
            trend_tau(result.series.time, result.rolling[which]);
    }
    return result;
}

}  // namespace vigil::analysis
