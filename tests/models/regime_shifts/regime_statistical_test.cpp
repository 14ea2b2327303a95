// Monte Carlo validation of the regime-shift models against their theory (slow; fixed seeds).
// Tolerances are stated per test in standard errors of the estimate.

#include "models/regime_shifts/allee_ibm.hpp"
#include "models/regime_shifts/models.hpp"
#include "models/regime_shifts/theory.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <ctime>

namespace vigil::regime_shifts {
namespace {

parameter_set defaults_of(const model& chosen) {
    parameter_set values;
    for (const parameter_spec& spec : chosen.parameters()) {
        if (spec.default_value) values.set(spec.name, *spec.default_value);
    }
    return values;
}

// Sample variance of an AR(1)-like series and its standard error for lag-1 correlation rho:
// var(s^2) ~ 2 sigma^4 (1 + rho^2) / (n (1 - rho^2)).
struct variance_estimate {
    double value = 0;
    double standard_error = 0;
};

variance_estimate variance_of(const std::vector<state_vector<1>>& samples, double rho) {
    const double n = static_cast<double>(samples.size());
    double mean = 0;
    for (const auto& s : samples) mean += s[0];
    mean /= n;
    double squares = 0;
    for (const auto& s : samples) squares += (s[0] - mean) * (s[0] - mean);
    const double variance = squares / (n - 1);
    return {variance, variance * std::sqrt(2 * (1 + rho * rho) / (n * (1 - rho * rho)))};
}

// Euler-Maruyama on dx = -lambda x dt + sigma dW has stationary variance
// sigma^2 / (|lambda| (2 - |lambda| h)), not sigma^2 / (2 |lambda|): checked at four steps h
// through the ou model's own integration (odeint + observer), one sample per step, 10^6
// samples each (the most a member may record). Tolerance 5 standard errors (0.7% to 2.2%); the
// continuous-time value is 5% to 300% away.
TEST(regime_statistics, euler_maruyama_stationary_variance_on_ou) {
    const continuous_model<ou_equations> ou(ou_definition());
    for (const double h : {0.1, 0.5, 1.0, 1.5}) {
        parameter_set values = defaults_of(ou);
        values.set("relaxation_rate", 1.0);
        values.set("noise_intensity", 1.0);
        values.set("integrator", std::string("euler_maruyama"));
        values.set("time_step", h);
        values.set("sample_interval", h);
        values.set("duration", (1e6 - 1) * h);
        values.set("burn_in", 50.0);
        ou.check(values);
        const auto prepared = ou.prepare(values);
        const auto& simulator = dynamic_cast<const continuous_simulator<ou_equations>&>(*prepared);
        const auto tracks = simulator.run_members<1>({random_stream(stream_key{17, 0, 0, 0})},
                                                     {simulator.configuration().ramp});
        const variance_estimate measured = variance_of(tracks[0].samples, 1 - h);
        const double theory = euler_maruyama_stationary_variance(-1.0, 1.0, h);
        std::printf("EM on ou, h = %.2f: variance %.5f +- %.5f, theory %.5f, continuous 0.5\n", h,
                    measured.value, measured.standard_error, theory);
        EXPECT_NEAR(measured.value, theory, 5 * measured.standard_error) << h;
        EXPECT_GT(std::fabs(measured.value - 0.5), 5 * measured.standard_error) << h;
    }
}

// The exact step is exact at any step: variance sigma^2 / (2 lambda) at h = 1.5, where
// Euler-Maruyama would give 4 times that. 4e5 samples with rho = e^{-1.5}; 5 standard errors.
TEST(regime_statistics, exact_ou_step_has_the_continuous_variance) {
    const continuous_model<ou_equations> ou(ou_definition());
    parameter_set values = defaults_of(ou);
    values.set("relaxation_rate", 1.0);
    values.set("noise_intensity", 1.0);
    values.set("integrator", std::string("exact"));
    values.set("time_step", 1.5);
    values.set("sample_interval", 1.5);
    values.set("duration", 6e5);
    ou.check(values);
    const auto prepared = ou.prepare(values);
    const auto& simulator = dynamic_cast<const continuous_simulator<ou_equations>&>(*prepared);
    const auto tracks = simulator.run_members<1>({random_stream(stream_key{19, 0, 0, 0})},
                                                 {simulator.configuration().ramp});
    const variance_estimate measured = variance_of(tracks[0].samples, std::exp(-1.5));
    EXPECT_NEAR(measured.value, 0.5, 5 * measured.standard_error);
}

struct ensemble {
    std::vector<std::vector<double>> columns;
    point_results view(const model& chosen) const {
        point_results out;
        const auto fields = chosen.results();
        for (std::size_t f = 0; f < fields.size(); ++f) out[fields[f].name] = columns[f];
        return out;
    }
};

ensemble simulate(const model& chosen, const parameter_set& values, std::uint64_t replicates,
                  std::uint64_t seed) {
    chosen.check(values);
    const auto simulator = chosen.prepare(values);
    const std::size_t fields = chosen.results().size();
    ensemble out;
    out.columns.assign(fields, {});
    std::vector<double> row(fields);
    for (std::uint64_t r = 0; r < replicates; ++r) {
        simulator->simulate(replicate_streams(seed, 0, r), row, nullptr);
        for (std::size_t f = 0; f < fields; ++f) out.columns[f].push_back(row[f]);
    }
    return out;
}

const report_column& column_of(const std::vector<report_column>& report, const std::string& name) {
    for (const report_column& column : report) {
        if (column.name == name) return column;
    }
    throw std::runtime_error("no column " + name);
}

// Standard error of a replicate mean from the sample spread over replicates.
double standard_error(const std::vector<double>& values) {
    double mean = 0;
    for (const double v : values) mean += v;
    mean /= static_cast<double>(values.size());
    double squares = 0;
    for (const double v : values) squares += (v - mean) * (v - mean);
    return std::sqrt(squares / static_cast<double>(values.size() - 1) /
                     static_cast<double>(values.size()));
}

// allee_ibm at a fixed extra death rate a = 100: the null members' mean and variance against
// the linear-noise theory, n* = 730.2 and (birth + death) / (2 |lambda|). 40 replicates of
// 3000 samples; tolerance 4 standard errors of the replicate mean plus the linear-noise
// approximation's own error, O(1/n*) relative (1% allowed for the variance, 0.2% for the mean).
TEST(regime_statistics, allee_ibm_mean_and_variance_at_fixed_death_rate) {
    const allee_ibm_model allee;
    parameter_set values = defaults_of(allee);
    values.set("duration", 3000.0);
    values.set("burn_in", 20.0);
    const ensemble results = simulate(allee, values, 40, 23);
    const auto report = allee.analyze(values, results.view(allee), analysis_options{});
    const auto& fields = allee.results();
    std::vector<double> means;
    std::vector<double> variances;
    std::vector<double> autocorrelations;
    for (std::size_t f = 0; f < fields.size(); ++f) {
        if (fields[f].name == "null_mean") means = results.columns[f];
        if (fields[f].name == "null_variance") variances = results.columns[f];
        if (fields[f].name == "null_lag1_autocorrelation") autocorrelations = results.columns[f];
    }
    const double theory_mean = column_of(report, "theory_equilibrium_start").value;
    const double theory_variance = column_of(report, "theory_expected_sample_variance").value;
    const double theory_autocorrelation =
        column_of(report, "theory_lag1_autocorrelation_start").value;
    const double measured_mean = column_of(report, "null_mean").value;
    const double measured_variance = column_of(report, "null_variance").value;
    const double measured_autocorrelation = column_of(report, "null_lag1_autocorrelation").value;
    std::printf(
        "allee_ibm a = 100: mean %.2f (theory %.2f), variance %.1f +- %.1f (theory "
        "%.1f), lag-1 autocorrelation %.4f (theory %.4f)\n",
        measured_mean, theory_mean, measured_variance, standard_error(variances), theory_variance,
        measured_autocorrelation, theory_autocorrelation);
    EXPECT_NEAR(theory_mean, 730.22, 0.01);
    EXPECT_NEAR(measured_mean, theory_mean, 4 * standard_error(means) + 0.002 * theory_mean);
    EXPECT_NEAR(measured_variance, theory_variance,
                4 * standard_error(variances) + 0.01 * theory_variance);
    EXPECT_NEAR(measured_autocorrelation, theory_autocorrelation,
                4 * standard_error(autocorrelations) + 0.01);
}

// grazing held at c = 1.0 and 2.4 (sigma = 0.1): the null members' mean sample variance and
// lag-1 autocorrelation against theory for series of this length. 60 replicates of 2001
// samples; tolerance 4 standard errors of the replicate mean plus 1% for Euler-Maruyama's
// O(|lambda| h) bias and the nonlinearity of the drift.
TEST(regime_statistics, grazing_variance_matches_theory_at_fixed_grazing) {
    const auto grazing = make_grazing_model();
    for (const double c : {1.0, 2.4}) {
        parameter_set values = defaults_of(*grazing);
        values.set("grazing_rate", c);
        values.set("duration", 2000.0);
        const ensemble results = simulate(*grazing, values, 60, 29);
        const auto report = grazing->analyze(values, results.view(*grazing), analysis_options{});
        std::vector<double> variances;
        std::vector<double> autocorrelations;
        const auto& fields = grazing->results();
        for (std::size_t f = 0; f < fields.size(); ++f) {
            if (fields[f].name == "null_variance") variances = results.columns[f];
            if (fields[f].name == "null_lag1_autocorrelation")
                autocorrelations = results.columns[f];
        }
        const double measured = column_of(report, "null_variance").value;
        const double expected = column_of(report, "theory_expected_sample_variance").value;
        const double autocorrelation = column_of(report, "null_lag1_autocorrelation").value;
        const double theory_autocorrelation =
            column_of(report, "theory_lag1_autocorrelation_start").value;
        std::printf(
            "grazing c = %.1f: variance %.6f +- %.6f (theory %.6f; stationary %.6f), "
            "lag-1 autocorrelation %.4f (theory %.4f)\n",
            c, measured, standard_error(variances), expected,
            column_of(report, "theory_variance_start").value, autocorrelation,
            theory_autocorrelation);
        EXPECT_NEAR(measured, expected, 4 * standard_error(variances) + 0.01 * expected) << c;
        EXPECT_NEAR(autocorrelation, theory_autocorrelation,
                    4 * standard_error(autocorrelations) + 0.01)
            << c;
    }
}

// The grazing study's message: ramping towards the fold raises variance and autocorrelation,
// and their Kendall tau separates approaching from null runs. 150 replicates: an AUC's standard
// error is below 0.03, so "well above 0.5" is asked as > 0.75.
TEST(regime_statistics, grazing_ramp_towards_the_fold_is_detected) {
    const auto grazing = make_grazing_model();
    parameter_set values = defaults_of(*grazing);
    values.set("grazing_rate", 1.0);
    values.set("grazing_rate_end", 2.6);
    values.set("duration", 500.0);
    const ensemble results = simulate(*grazing, values, 150, 31);
    const auto report = grazing->analyze(values, results.view(*grazing), analysis_options{});
    for (const char* name : {"variance", "autocorrelation"}) {
        const report_column& auc = column_of(report, std::string("auc_") + name);
        const report_column& tau = column_of(report, std::string("approach_tau_") + name);
        std::printf("grazing 1.0 -> 2.6: AUC(%s) = %.3f [%.3f, %.3f], mean tau %.3f\n", name,
                    auc.value, auc.lower, auc.upper, tau.value);
        EXPECT_GT(auc.value, 0.75) << name;
        EXPECT_GT(tau.value, 0.3) << name;
    }
    EXPECT_NEAR(column_of(report, "null_tau_variance").value, 0.0, 0.1);
}

// This thread's CPU time in seconds: unlike wall time, it does not count other processes.
double thread_seconds() {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) + 1e-9 * static_cast<double>(now.tv_nsec);
}

// Benchmark, not a timed test: Euler-Maruyama member-steps per second for grazing beside the
// rate of drawing the same number of normal variates in this binary (target: >= 60%).
TEST(regime_benchmark, grazing_euler_maruyama_steps_per_second) {
    const continuous_model<grazing_equations> grazing(grazing_definition());
    parameter_set values = defaults_of(grazing);
    values.set("grazing_rate_end", 1.5);
    values.set("duration", 1e5);
    values.set("burn_in", 0.0);
    grazing.check(values);
    const auto prepared = grazing.prepare(values);
    const auto& simulator = dynamic_cast<const continuous_simulator<grazing_equations>&>(*prepared);
    const double member_steps = 2.0 * static_cast<double>(simulator.configuration().steps);
    double best_normals = 1e300;
    double best_steps = 1e300;
    double checksum = 0;
    for (int repeat = 0; repeat < 3; ++repeat) {
        const double start = thread_seconds();
        normal_source normals(random_stream(stream_key{1, 0, 0, 0}));
        for (std::size_t i = 0; i < static_cast<std::size_t>(member_steps); ++i) {
            checksum += normals();
        }
        const double middle = thread_seconds();
        const auto tracks = simulator.run_members<2>(
            {random_stream(stream_key{1, 0, 0, 0}), random_stream(stream_key{1, 1, 0, 0})},
            {simulator.configuration().ramp, simulator.configuration().ramp.held()});
        const double end = thread_seconds();
        checksum += tracks[0].samples.back()[0];
        best_normals = std::min(best_normals, middle - start);
        best_steps = std::min(best_steps, end - middle);
    }
    std::printf(
        "grazing Euler-Maruyama: %.3g member-steps/s; normal variates: %.3g /s; ratio "
        "%.2f (target >= 0.60) [checksum %g]\n",
        member_steps / best_steps, member_steps / best_normals, best_normals / best_steps,
        checksum);
    SUCCEED();
}

}  // namespace
}  // namespace vigil::regime_shifts
