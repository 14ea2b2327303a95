#pragma once

// Boettiger & Hastings' (2012) model-based early-warning test on one series: likelihoods, fits
// and simulations of a stable Ornstein-Uhlenbeck process (OU) and of a linearised saddle-node
// (LSN) whose relaxation rate erodes linearly in time, at the series' own, possibly uneven,
// sampling times, and one parametric-bootstrap replicate of the likelihood-ratio statistic.
// Every function is a pure function of its arguments (random numbers come from the stream or
// key passed in): thread-safe, and the same on any thread count. Malformed input (times that do
// not increase, mismatched lengths, NaN) throws std::invalid_argument; a fit that cannot be
// made or did not converge says so in its status and never throws.

#include "engine/random_stream.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace vigil::analysis {

// dx = rate (mean - x) dt + sigma dW. Stationary variance sigma^2 / (2 rate).
struct ou_parameters {
    double rate = 1;
    double mean = 0;
    double sigma = 1;
};

// dx = 2 sqrt(R(t)) (sqrt(R(t)) + theta - x) dt + sigma sqrt(sqrt(R(t)) + theta) dW with
// R(t) = r0 + m (t - t_first): the normal form mu - x^2 of a fold linearised about its stable
// branch, mu = R(t) eroding towards the fold (R = 0) when m < 0. t_first is the first sampling
// time of the series, so r0 is R at the first observation. The relaxation rate is 2 sqrt(R),
// the level (stable state) sqrt(R) + theta, which must stay positive, as must R.
// With m = 0 it is an OU process: rate 2 sqrt(r0), mean sqrt(r0) + theta,
// sigma_ou = sigma sqrt(sqrt(r0) + theta) (lsn_from_ou inverts this for a positive OU mean).
struct lsn_parameters {
    double r0 = 1;
    double m = 0;
    double theta = 0;
    double sigma = 1;
};

lsn_parameters lsn_from_ou(const ou_parameters& ou);

// The Gaussian law of x(t1) given x(t0).
struct gaussian_transition {
    double mean = 0;
    double variance = 0;
};

// Exact OU transition over a step dt > 0.
gaussian_transition ou_transition(const ou_parameters& p, double dt, double x0);

// LSN transition from `since_first0` to `since_first1` (times after the series' first time):
// the LSN is linear with state-independent noise, so x(t1) given x(t0) is exactly Gaussian; its
// mean and variance solve dE/dt = 2 sqrt(R) (sqrt(R) + theta - E), dV/dt = -4 sqrt(R) V +
// sigma^2 (sqrt(R) + theta), E(t0) = x0, V(t0) = 0, integrated with Boost.Odeint's
// Runge-Kutta-Fehlberg 7(8) stepper in fixed steps chosen from the rates in the interval
// (relative error about 1e-9; fixed steps keep the likelihood smooth for the optimiser).
// Intervals over which the mean forgets its start by more than e^-4 use the same equations'
// closed form in the decay variable int 2 sqrt(R) dt, by Gauss-Legendre quadrature, instead.
// Throws std::invalid_argument where R or the level is not positive on [t0, t1].
gaussian_transition lsn_transition(const lsn_parameters& p, double since_first0,
                                   double since_first1, double x0);

// Log-likelihoods of the series given its first value: the sum over consecutive pairs of the
// log Gaussian transition density. `time` must increase strictly (any spacing). The LSN's is
// -infinity where R or the level is not positive at some sampling time.
double ou_log_likelihood(const ou_parameters& p, std::span<const double> time,
                         std::span<const double> value);
double lsn_log_likelihood(const lsn_parameters& p, std::span<const double> time,
                          std::span<const double> value);

// A path at the given times started from x0 at time[0], drawn exactly from the transition
// laws above (standard normals from Boost.Random on `stream`).
std::vector<double> simulate_ou(const ou_parameters& p, std::span<const double> time, double x0,
                                random_stream& stream);
std::vector<double> simulate_lsn(const lsn_parameters& p, std::span<const double> time, double x0,
                                 random_stream& stream);

// ---- maximum likelihood ----------------------------------------------------------------------

// converged: the best of several NLopt BOBYQA starts ended on a tolerance (not on the
// evaluation limit), a restart from it found nothing better, and no parameter sits at the
// bound of its search range (except the LSN's R = 0 at an end of the series, a model in its own
// right). The other states leave the parameters and likelihood NaN except not_converged, which
// keeps the best point found.
enum class fit_status { converged, not_converged, too_short, constant_series };
std::string to_string(fit_status status);

// Fewer points than this cannot carry the LSN's four parameters plus a check (5 transitions).
inline constexpr std::size_t minimum_fit_points = 6;

struct ou_fit {
    fit_status status = fit_status::not_converged;
    ou_parameters parameters;
    double log_likelihood = 0;
    std::size_t evaluations = 0;
    std::string message;  // why it is not converged; empty when converged
};

struct lsn_fit {
    fit_status status = fit_status::not_converged;
    lsn_parameters parameters;
    double log_likelihood = 0;
    std::size_t evaluations = 0;
    std::string message;
};

// OU on (log rate, mean, log sigma), started from the AR(1) regression on consecutive pairs
// (rate from the lag-one slope at the median step, mean and variance from the sample) and from
// that rate divided and multiplied by 5.
ou_fit fit_ou(std::span<const double> time, std::span<const double> value);

// LSN on (log of the mean of sqrt(R) at the first and last times, the first's share of
// that sum in [0, 1], log of the lowest level, log sigma), which keeps R >= 0 and the level
// positive over the series; the ramp's ends (R = 0 at the last or at the first sampling time)
// are admissible optima, the other bounds are not. Starts: the OU fit mapped to m = 0 (so the
// LSN's likelihood is never below the OU's when the OU mean is positive), the same with R falling
// to 1/5 of r0 by the last time, and `extra_starts` (e.g. the parameters a bootstrap series
// was simulated from).
lsn_fit fit_lsn(std::span<const double> time, std::span<const double> value, const ou_fit& ou_start,
                std::span<const lsn_parameters> extra_starts = {});

// ---- units -----------------------------------------------------------------------------------

// The power of two by which a series is divided before it is fitted: 1 when the sample standard
// deviation of `value` lies in [2^-10, 2^10] (or is 0), else 2^k nearest to it, so that fits
// of series in extreme units (1e-20, 1e12) run at a spread near 1. Dividing by it is exact.
// The OU maps back exactly (mean and sigma times the unit, log L minus (n - 1) log unit); the
// LSN does not: its level moves with sqrt(R), a rate, so its x has a scale of its own and its
// fit depends on the units the series is measured in.
double fitting_unit(std::span<const double> value);

// ---- the test --------------------------------------------------------------------------------

// delta = 2 (log L_LSN - log L_OU); NaN unless both fits converged.
double likelihood_ratio_statistic(const ou_fit& ou, const lsn_fit& lsn);

// Both models fitted to one series.
struct model_pair_fit {
    ou_fit ou;
    lsn_fit lsn;
    double delta = 0;
};
model_pair_fit fit_both(std::span<const double> time, std::span<const double> value,
                        std::span<const lsn_parameters> extra_lsn_starts = {});

// One parametric-bootstrap replicate: a series simulated from the fitted OU (null) and one
// from the fitted LSN (test), both at `time` from `x0`, each refitted with both models.
// The null series draws from random_stream(null_key), the test series from test_key; the
// caller keys replicate r by r, so the bootstrap is the same for any thread count.
struct bootstrap_replicate {
    model_pair_fit under_ou;
    model_pair_fit under_lsn;
};
bootstrap_replicate model_test_replicate(const ou_parameters& ou, const lsn_parameters& lsn,
                                         std::span<const double> time, double x0,
                                         const stream_key& null_key, const stream_key& test_key);

// The test from the replicates: p = (1 + #{null delta >= observed}) / (1 + valid null
// replicates), the ROC AUC of delta between the null and test replicates with its stratified
// bootstrap interval, and the true-positive rate of the test at a 5% false-positive rate.
// Replicates whose delta is NaN (a fit that did not converge) are left out and counted.
struct model_test_summary {
    double observed_delta = 0;
    std::vector<double> null_delta;  // valid replicates only, in replicate order
    std::vector<double> test_delta;
    std::size_t null_failed = 0;
    std::size_t test_failed = 0;
    double p_value = 0;
    double auc = 0;
    double auc_lower = 0;
    double auc_upper = 0;
    double threshold_at_5_percent = 0;  // the null's level-5% critical delta
    double power_at_5_percent = 0;
};
model_test_summary summarize_model_test(double observed_delta,
                                        std::span<const bootstrap_replicate> replicates,
                                        double confidence_level, std::uint64_t auc_resamples,
                                        const stream_key& auc_key);

}  // namespace vigil::analysis
