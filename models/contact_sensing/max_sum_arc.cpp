#include "models/contact_sensing/max_sum_arc.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>

namespace vigil::contact_sensing {

namespace {

// A run sum kept exact in the presence of infinite entries: (+inf count - -inf count, finite
// part), ordered lexicographically. Addition is order-preserving, so Kadane's argument holds.
struct extended_sum {
    std::int64_t infinities = 0;
    double finite = 0;

    static extended_sum of(double value) {
        if (value == std::numeric_limits<double>::infinity()) return {1, 0.0};
        if (value == -std::numeric_limits<double>::infinity()) return {-1, 0.0};
        return {0, value};
    }

    double value() const {
        if (infinities > 0) return std::numeric_limits<double>::infinity();
        if (infinities < 0) return -std::numeric_limits<double>::infinity();
        return finite;
    }

    friend extended_sum operator+(extended_sum a, extended_sum b) {
        return {a.infinities + b.infinities, a.finite + b.finite};
    }
    friend extended_sum operator-(extended_sum a, extended_sum b) {
        return {a.infinities - b.infinities, a.finite - b.finite};
    }
    friend bool operator<(extended_sum a, extended_sum b) {
        if (a.infinities != b.infinities) return a.infinities < b.infinities;
        return a.finite < b.finite;
    }
};

struct extended_run {
    std::size_t start = 0;
    std::size_t length = 0;
    extended_sum sum;
};

enum class goal { largest, smallest };

template <goal target>
bool better(extended_sum a, extended_sum b) {
    return target == goal::largest ? b < a : a < b;
}

// Kadane's scan over values[first, first + count) (no wrap): the best non-empty run.
template <goal target>
extended_run best_linear_run(std::span<const double> values, std::size_t first, std::size_t count) {
    extended_run current{first, 1, extended_sum::of(values[first])};
    extended_run best = current;
    for (std::size_t i = first + 1; i < first + count; ++i) {
        const extended_sum entry = extended_sum::of(values[i]);
        if (better<target>(extended_sum{}, current.sum)) {
            current = {i, 1, entry};  // the run so far only hurts: start afresh here
        } else {
            current.length += 1;
            current.sum = current.sum + entry;
        }
        if (better<target>(current.sum, best.sum)) best = current;
    }
    return best;
}

// The sum of a circular run, added up directly (avoids the rounding of total - complement).
double direct_sum(std::span<const double> values, std::size_t start, std::size_t length) {
    extended_sum sum;
    for (std::size_t k = 0; k < length; ++k) {
        sum = sum + extended_sum::of(values[(start + k) % values.size()]);
    }
    return sum.value();
}

// ---- all entries finite: the same scans in plain doubles ------------------------------
// With no infinite entry every extended_sum has infinities == 0, so its additions and
// comparisons are exactly those of the finite parts: the scans below are the ones above with
// the same operations in the same order, hence bit-for-bit the same runs and sums, at a third
// of the cost (one pass for the largest run, the smallest run and the total).

struct finite_run {
    std::size_t start = 0;
    std::size_t length = 0;
    double sum = 0;
};

// Kadane's scan for the smallest run of values[first, first + count).
finite_run smallest_finite_run(std::span<const double> values, std::size_t first,
                               std::size_t count) {
    finite_run current{first, 1, values[first]};
    finite_run smallest = current;
    for (std::size_t i = first + 1; i < first + count; ++i) {
        if (0.0 < current.sum) {
            current = {i, 1, values[i]};
        } else {
            current.length += 1;
            current.sum = current.sum + values[i];
        }
        if (current.sum < smallest.sum) smallest = current;
    }
    return smallest;
}

double finite_sum(std::span<const double> values, std::size_t start, std::size_t length) {
    const std::size_t n = values.size();
    const std::size_t before_end = std::min(length, n - start);
    double sum = 0;
    for (std::size_t i = start; i < start + before_end; ++i) sum = sum + values[i];
    for (std::size_t i = 0; i < length - before_end; ++i) sum = sum + values[i];
    return sum;
}

circular_run max_sum_finite_run(std::span<const double> values) {
    const std::size_t n = values.size();
    finite_run up{0, 1, values[0]};
    finite_run down = up;
    finite_run largest = up;
    finite_run smallest = down;
    double total = 0.0 + values[0];
    for (std::size_t i = 1; i < n; ++i) {
        const double value = values[i];
        if (up.sum < 0.0) {
            up = {i, 1, value};
        } else {
            up.length += 1;
            up.sum = up.sum + value;
        }
        if (largest.sum < up.sum) largest = up;
        if (0.0 < down.sum) {
            down = {i, 1, value};
        } else {
            down.length += 1;
            down.sum = down.sum + value;
        }
        if (down.sum < smallest.sum) smallest = down;
        total = total + value;
    }
    if (n == 1) return {largest.start, largest.length, largest.sum};

    if (smallest.length == n) {
        const finite_run without_last = smallest_finite_run(values, 0, n - 1);
        const finite_run without_first = smallest_finite_run(values, 1, n - 1);
        smallest = without_first.sum < without_last.sum ? without_first : without_last;
    }
    const finite_run wrapped{(smallest.start + smallest.length) % n, n - smallest.length,
                             total - smallest.sum};
    const finite_run& best = largest.sum < wrapped.sum ? wrapped : largest;
    return {best.start, best.length, finite_sum(values, best.start, best.length)};
}

}  // namespace

circular_run max_sum_circular_run(std::span<const double> values) {
    if (std::all_of(values.begin(), values.end(), [](double v) { return std::isfinite(v); })) {
        return max_sum_finite_run(values);
    }
    const std::size_t n = values.size();
    const extended_run linear = best_linear_run<goal::largest>(values, 0, n);
    if (n == 1) return {linear.start, linear.length, linear.sum.value()};

    // A run through the end of the array is the complement of a proper linear run: the best
    // such run leaves out the smallest linear run that is not the whole array.
    extended_run excluded = best_linear_run<goal::smallest>(values, 0, n);
    if (excluded.length == n) {
        const extended_run without_last = best_linear_run<goal::smallest>(values, 0, n - 1);
        const extended_run without_first = best_linear_run<goal::smallest>(values, 1, n - 1);
        excluded = better<goal::smallest>(without_first.sum, without_last.sum) ? without_first
                                                                               : without_last;
    }
    extended_sum total;
    for (const double value : values) total = total + extended_sum::of(value);
    const extended_run wrapped{(excluded.start + excluded.length) % n, n - excluded.length,
                               total - excluded.sum};

    const extended_run& best = better<goal::largest>(wrapped.sum, linear.sum) ? wrapped : linear;
    return {best.start, best.length, direct_sum(values, best.start, best.length)};
}

circular_run max_sum_circular_run_brute_force(std::span<const double> values) {
    const std::size_t n = values.size();
    extended_run best{0, 1, extended_sum::of(values[0])};
    for (std::size_t start = 0; start < n; ++start) {
        extended_sum sum;
        for (std::size_t length = 1; length <= n; ++length) {
            sum = sum + extended_sum::of(values[(start + length - 1) % n]);
            if (better<goal::largest>(sum, best.sum)) best = {start, length, sum};
        }
    }
    return {best.start, best.length, best.sum.value()};
}

double run_centre_angle(const circular_run& run, std::size_t receptors) {
    const double n = static_cast<double>(receptors);
    double position = static_cast<double>(run.start) + 0.5 * static_cast<double>(run.length - 1);
    if (position >= n) position -= n;
    return 2.0 * std::numbers::pi * position / n;
}

double run_width_angle(const circular_run& run, std::size_t receptors) {
    return 2.0 * std::numbers::pi * static_cast<double>(run.length) /
           static_cast<double>(receptors);
}

double glrt_statistic(const circular_run& best) {
    return best.sum > 0 ? best.sum : 0.0;
}

}  // namespace vigil::contact_sensing
