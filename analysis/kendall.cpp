#include "analysis/kendall.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <utility>
#include <vector>

namespace vigil::analysis {

namespace {

// Pairs within groups of equal values: sum over groups of t (t - 1) / 2. `sorted` must be sorted
// so that equal elements are adjacent.
template <typename T>
std::uint64_t tied_pairs(const std::vector<T>& sorted) {
    std::uint64_t pairs = 0;
    std::uint64_t run = 1;
    for (std::size_t i = 1; i <= sorted.size(); ++i) {
        if (i < sorted.size() && sorted[i] == sorted[i - 1]) {
            ++run;
        } else {
            pairs += run * (run - 1) / 2;
            run = 1;
        }
    }
    return pairs;
}

// Sorts values[first, last) ascending and returns the number of strict inversions it removed.
std::uint64_t merge_sort_count(std::vector<double>& values, std::vector<double>& scratch,
                               std::size_t first, std::size_t last) {
    if (last - first < 2) return 0;
    const std::size_t middle = first + (last - first) / 2;
    std::uint64_t exchanges = merge_sort_count(values, scratch, first, middle) +
                              merge_sort_count(values, scratch, middle, last);
    std::size_t left = first;
    std::size_t right = middle;
    std::size_t out = first;
    while (left < middle && right < last) {
        if (values[right] < values[left]) {
            exchanges += middle - left;  // values[right] precedes every remaining left value
            scratch[out++] = values[right++];
        } else {
            scratch[out++] = values[left++];
        }
    }
    while (left < middle) scratch[out++] = values[left++];
    while (right < last) scratch[out++] = values[right++];
    std::copy(scratch.begin() + static_cast<std::ptrdiff_t>(first),
              scratch.begin() + static_cast<std::ptrdiff_t>(last),
              values.begin() + static_cast<std::ptrdiff_t>(first));
    return exchanges;
}

}  // namespace

double kendall_tau_b(std::span<const double> x, std::span<const double> y) {
    if (x.size() != y.size()) {
        throw std::invalid_argument("Kendall tau: the two samples differ in length");
    }
    const std::size_t n = x.size();
    for (std::size_t i = 0; i < n; ++i) {
        if (std::isnan(x[i]) || std::isnan(y[i])) {
            throw std::invalid_argument("Kendall tau: value " + std::to_string(i) + " is NaN");
        }
    }
    if (n < 2) return std::numeric_limits<double>::quiet_NaN();

    std::vector<std::pair<double, double>> pairs(n);
    for (std::size_t i = 0; i < n; ++i) pairs[i] = {x[i], y[i]};
    std::sort(pairs.begin(), pairs.end());

    std::vector<double> sorted_x(n);
    std::vector<double> ys(n);
    for (std::size_t i = 0; i < n; ++i) {
        sorted_x[i] = pairs[i].first;
        ys[i] = pairs[i].second;
    }
    const std::uint64_t ties_x = tied_pairs(sorted_x);
    const std::uint64_t ties_xy = tied_pairs(pairs);

    std::vector<double> scratch(n);
    const std::uint64_t discordant = merge_sort_count(ys, scratch, 0, n);
    const std::uint64_t ties_y = tied_pairs(ys);

    const std::uint64_t total = static_cast<std::uint64_t>(n) * (n - 1) / 2;
    const auto not_tied_x = static_cast<double>(total - ties_x);
    const auto not_tied_y = static_cast<double>(total - ties_y);
    if (not_tied_x == 0 || not_tied_y == 0) return std::numeric_limits<double>::quiet_NaN();
    // concordant - discordant = (total - ties_x - ties_y + ties_xy) - 2 discordant
    const double difference = static_cast<double>(total + ties_xy - ties_x - ties_y) -
                              2.0 * static_cast<double>(discordant);
    return difference / std::sqrt(not_tied_x * not_tied_y);
}

double trend_tau(std::span<const double> time, std::span<const double> values) {
    if (time.size() != values.size()) {
        throw std::invalid_argument("trend tau: time and values differ in length");
    }
    std::vector<double> kept_time;
    std::vector<double> kept_values;
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (std::isnan(values[i])) continue;
        kept_time.push_back(time[i]);
        kept_values.push_back(values[i]);
    }
    const std::size_t n = kept_values.size();
    if (n < 3) return std::numeric_limits<double>::quiet_NaN();
    for (std::size_t i = 1; i < n; ++i) {
        if (!(kept_time[i] > kept_time[i - 1])) return kendall_tau_b(kept_time, kept_values);
    }
    // Strictly increasing times: already sorted, no ties in time, so tau-b needs only the
    // exchanges that sort the values and their ties.
    std::vector<double> scratch(n);
    const std::uint64_t discordant = merge_sort_count(kept_values, scratch, 0, n);
    const std::uint64_t ties_y = tied_pairs(kept_values);
    const std::uint64_t total = static_cast<std::uint64_t>(n) * (n - 1) / 2;
    if (ties_y == total) return std::numeric_limits<double>::quiet_NaN();
    const double difference =
        static_cast<double>(total - ties_y) - 2.0 * static_cast<double>(discordant);
    return difference / std::sqrt(static_cast<double>(total) * static_cast<double>(total - ties_y));
}

}  // namespace vigil::analysis
