#pragma once

// What all regime-shift models share: the random stream ids of a replicate, the parameters of
// the time grid and of the early-warning pipeline, and the per-replicate result fields. Each
// replicate simulates an approaching member (control ramped) and a null member (control held
// at its start value) from two different keyed streams.

#include "engine/model.hpp"
#include "engine/parameters.hpp"
#include "models/regime_shifts/early_warning.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace vigil::regime_shifts {

// The random streams of one replicate, by id: listed here and nowhere else.
enum class stream_id : std::uint64_t {
    approaching = 0,  // the member whose control is ramped from its start to its end value
    null = 1,         // the member whose control stays at its start value
};

// Parameter names shared by the models, as written in scan files.
namespace key {
inline constexpr const char* noise_intensity = "noise_intensity";
inline constexpr const char* noise_type = "noise_type";
inline constexpr const char* integrator = "integrator";
inline constexpr const char* duration = "duration";
inline constexpr const char* burn_in = "burn_in";
inline constexpr const char* time_step = "time_step";
inline constexpr const char* sample_interval = "sample_interval";
inline constexpr const char* initial_state = "initial_state";
inline constexpr const char* transition_threshold = "transition_threshold";
inline constexpr const char* detrending = "detrending";
inline constexpr const char* bandwidth = "bandwidth";
inline constexpr const char* lowess_span = "lowess_span";
inline constexpr const char* rolling_window = "rolling_window";
inline constexpr const char* rolling_window_points = "rolling_window_points";
inline constexpr const char* autocorrelation_lag = "autocorrelation_lag";
inline constexpr const char* indicator_convention = "indicator_convention";
}  // namespace key

// duration, burn_in, sample_interval (and time_step when `with_time_step`).
std::vector<parameter_spec> time_grid_parameters(double default_duration, double default_burn_in,
                                                 double default_time_step,
                                                 double default_sample_interval,
                                                 bool with_time_step);
std::vector<parameter_spec> early_warning_parameters();

early_warning_settings read_early_warning(const parameter_set& values);

// The most samples one member records. A replicate holds both members' series and, while it
// analyses one of them, about 25 doubles per sample (time, the detrended series' four columns,
// nine rolling indicators, Kendall tau's sorted copies, the Gaussian kernel's FFT buffers):
// about 200 bytes per sample, measured. At 10^6 samples that is about 200 MB per replicate in
// flight (one per thread) and about four times as much for a replicate whose trajectory is
// recorded (10^7 would need 2 GB per thread); 100 times the longest study in
// inputs/regime_shifts/.
inline constexpr double max_samples_per_member = 1e6;

// The number of samples of a run in floating point, defined for any positive grid so that it
// can be checked before it is counted: floor(duration / sample_interval) + 1 (at 0,
// sample_interval, ..., duration).
double recorded_samples(const parameter_set& values);

// recorded_samples() as a count, for a grid check_time_grid_and_window() has accepted.
std::size_t sample_count(const parameter_set& values);

// Rules between the time-grid and pipeline parameters: sample_interval a whole number of
// time steps, at least 8 and at most max_samples_per_member samples, at most 1e10 time steps,
// a detrending kernel and a rolling window that fit the series.
void check_time_grid_and_window(const parameter_set& values, bool with_time_step);

// The per-replicate result fields of every regime-shift model, in order.
std::vector<result_field> ensemble_result_fields(const std::string& control_unit,
                                                 const std::string& state_unit);

// Positions in the result span.
namespace field {
inline constexpr std::size_t approach_transition = 0;
inline constexpr std::size_t approach_transition_time = 1;
inline constexpr std::size_t approach_transition_control = 2;
inline constexpr std::size_t null_transition = 3;
inline constexpr std::size_t null_transition_time = 4;
inline constexpr std::size_t compared_samples = 5;
inline constexpr std::size_t approach_tau = 6;  // indicator_count values
inline constexpr std::size_t null_tau = approach_tau + indicator_count;
inline constexpr std::size_t approach_moments = null_tau + indicator_count;  // mean, var, ac1
inline constexpr std::size_t null_moments = approach_moments + 3;
inline constexpr std::size_t count = null_moments + 3;
}  // namespace field

// What one member of a replicate produced.
struct member_outcome {
    std::vector<double> series;  // the first state component, every sample_interval
    bool transition = false;
    double transition_time = 0;
    double transition_control = 0;
};

// Fills every result field from the two members: tau of each indicator on the approaching
// series before its transition and on the null series cut to the same length, and the
// whole-series moments of each member.
void store_ensemble_results(const member_outcome& approaching, const member_outcome& null,
                            double sample_interval, const early_warning_settings& settings,
                            std::span<double> results);

// For a recorded replicate: adds to `trajectory` what the stored trends were computed from,
// on the same series (each member cut to the compared length): each member's trend
// (`approach_trend`, `null_trend`) and rolling indicators (`approach_rolling_variance`, ...,
// NaN until the first window is full). Adds nothing when the window does not fit.
void record_indicator_series(const member_outcome& approaching, const member_outcome& null,
                             double sample_interval, const early_warning_settings& settings,
                             const std::string& state_unit, trajectory_record& trajectory);

}  // namespace vigil::regime_shifts
