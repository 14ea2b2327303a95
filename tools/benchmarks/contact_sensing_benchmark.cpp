// Contact-sensing hot paths: one ensemble of receptor renewal paths, the log-likelihood ratios,
// the maximum-sum arc and one whole replicate (both ensembles). Beside them, in the same binary,
// their floor (the very same random variates, drawn alone from the same streams) and the
// population-level Gillespie direct method as the textbook baseline.

#include "tools/benchmarks/common.hpp"
#include "tools/benchmarks/direct_method.hpp"

#include "models/contact_sensing/kinetics.hpp"
#include "models/contact_sensing/max_sum_arc.hpp"
#include "models/contact_sensing/model.hpp"

#include <fmt/format.h>
#include <boost/random/bernoulli_distribution.hpp>
#include <boost/random/exponential_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>

#include <cmath>
#include <map>
#include <memory>
#include <numbers>
#include <stdexcept>
#include <vector>

namespace vigil::benchmarks {

namespace {

namespace cs = contact_sensing;

constexpr std::uint64_t seed = 20231101;
constexpr std::uint64_t replicate_cycle = 64;  // each benchmark cycles through these replicates
constexpr double two_pi = 2 * std::numbers::pi;

random_stream ensemble_stream(const replicate_streams& streams, cs::stream_id id) {
    return streams.stream(static_cast<std::uint64_t>(id));
}

// The default study's point (inputs/contact_sensing/default.toml) at one contact length.
cs::point_configuration configuration_for(double contact_length_um) {
    const scan_plan plan = single_point_plan(
        "contact_sensing", fmt::format("contact_length_um = {}", contact_length_um));
    return cs::read_configuration(plan.points.front());
}

// ---- the random-variate floor ----------------------------------------------------------

// The variates one receptor's simulation draws, in order: per bond a free period, the ligand
// (only where both ligands can bind) and the bond's duration; then one last free period unless
// the path ends in a bond still open at T.
struct receptor_draws {
    std::uint32_t bonds = 0;
    bool ligand_draws = false;
    double ephrin_fraction = 0;
    bool last_free_period = false;
};
using ensemble_draws = std::vector<receptor_draws>;

// One receptor's path, simulated with its history so that its draws can be read off.
struct recorded_receptor {
    receptor_draws draws;
    cs::observed_receptor_path path;
    double log_likelihood_ratio = 0;
};

recorded_receptor record_receptor(const cs::receptor_kinetics& kinetics,
                                  const cs::receptor_log_likelihood_ratio& scorer,
                                  double observation_time, random_stream& stream) {
    std::vector<cs::binding_event> history;
    const cs::receptor_outcome outcome = simulate_receptor(
        kinetics, &scorer, cs::initial_state::unbound, observation_time, stream, 0, &history);
    const bool ends_in_bond = !history.empty() && history.back().censored;
    const double p = kinetics.ephrin_fraction();

    recorded_receptor recorded;
    recorded.draws = {outcome.binding_events, p > 0 && p < 1, p,
                      !ends_in_bond && kinetics.total_binding_rate() > 0};
    recorded.path.free_time = outcome.free_time;
    for (const cs::binding_event& event : history) {
        if (event.censored) {
            recorded.path.censored_bond = event.duration;
        } else {
            recorded.path.completed_bonds.push_back(event.duration);
        }
    }
    recorded.log_likelihood_ratio = outcome.log_likelihood_ratio;
    return recorded;
}

// Draws exactly the variates of `draws` from `stream`, in the simulation's order, and nothing
// else; returns their sum so that none can be optimised away.
double draw_variates(const ensemble_draws& draws, random_stream& stream) {
    boost::random::exponential_distribution<double> exponential(1.0);
    double sum = 0;
    for (const receptor_draws& receptor : draws) {
        boost::random::bernoulli_distribution<double> ligand(receptor.ephrin_fraction);
        for (std::uint32_t bond = 0; bond < receptor.bonds; ++bond) {
            sum += exponential(stream);
            if (receptor.ligand_draws && ligand(stream)) sum += 1;
            sum += exponential(stream);
        }
        if (receptor.last_free_period) sum += exponential(stream);
    }
    return sum;
}

// One ensemble as the model simulates it, recorded receptor by receptor.
struct recorded_ensemble {
    ensemble_draws draws;
    std::vector<cs::observed_receptor_path> paths;
    std::vector<double> log_likelihood_ratios;
    double binding_events = 0;
};

// Which receptors the model puts in contact for a contact centred at `centre` (sharp edges).
std::vector<bool> contact_membership(const cs::point_configuration& configuration, double centre) {
    const std::size_t n = configuration.receptors;
    std::vector<bool> in_contact(n);
    for (std::size_t j = 0; j < n; ++j) {
        const double angle = two_pi * static_cast<double>(j) / static_cast<double>(n);
        double distance = std::fabs(angle - centre);
        if (distance > std::numbers::pi) distance = two_pi - distance;
        in_contact[j] = configuration.contact_width_rad >= two_pi ||
                        distance < 0.5 * configuration.contact_width_rad;
    }
    return in_contact;
}

recorded_ensemble record_ensemble(const cs::point_configuration& configuration,
                                  const std::vector<bool>& in_contact, random_stream& stream) {
    const cs::receptor_log_likelihood_ratio scorer(configuration.rates, configuration.placement);
    const cs::receptor_kinetics inside(
        cs::rates_in_contact(configuration.rates, configuration.placement), configuration.rates);
    const cs::receptor_kinetics outside(cs::rates_out_of_contact(configuration.rates),
                                        configuration.rates);
    recorded_ensemble ensemble;
    for (std::size_t j = 0; j < configuration.receptors; ++j) {
        const recorded_receptor receptor = record_receptor(in_contact[j] ? inside : outside, scorer,
                                                           configuration.observation_time, stream);
        ensemble.draws.push_back(receptor.draws);
        ensemble.paths.push_back(receptor.path);
        ensemble.log_likelihood_ratios.push_back(receptor.log_likelihood_ratio);
        ensemble.binding_events += receptor.draws.bonds;
    }
    return ensemble;
}

struct recorded_replicate {
    recorded_ensemble contact;
    recorded_ensemble no_contact;
};

recorded_replicate record_replicate(const cs::point_configuration& configuration,
                                    const replicate_streams& streams) {
    random_stream geometry = ensemble_stream(streams, cs::stream_id::contact_geometry);
    const double centre = boost::random::uniform_real_distribution<double>(0.0, two_pi)(geometry);
    random_stream contact = ensemble_stream(streams, cs::stream_id::contact_ensemble);
    random_stream no_contact = ensemble_stream(streams, cs::stream_id::no_contact_ensemble);
    const std::vector<bool> nowhere(configuration.receptors, false);
    return {record_ensemble(configuration, contact_membership(configuration, centre), contact),
            record_ensemble(configuration, nowhere, no_contact)};
}

double draw_replicate_variates(const recorded_replicate& replicate,
                               const replicate_streams& streams) {
    random_stream geometry = ensemble_stream(streams, cs::stream_id::contact_geometry);
    double sum = boost::random::uniform_real_distribution<double>(0.0, two_pi)(geometry);
    random_stream contact = ensemble_stream(streams, cs::stream_id::contact_ensemble);
    sum += draw_variates(replicate.contact.draws, contact);
    random_stream no_contact = ensemble_stream(streams, cs::stream_id::no_contact_ensemble);
    sum += draw_variates(replicate.no_contact.draws, no_contact);
    return sum;
}

// ---- one contact length: the simulator, its recorded replicates and the baselines -------

struct contact_case {
    cs::point_configuration configuration;
    std::unique_ptr<cs::contact_sensing_simulator> simulator;
    std::vector<recorded_replicate> replicates;
    std::unique_ptr<direct_method_contact_sensing> linear_baseline;
    std::unique_ptr<direct_method_contact_sensing> tree_baseline;
    std::string error;  // set when the recording does not reproduce the model
};

replicate_streams streams_of(std::uint64_t replicate) {
    return replicate_streams(seed, 0, replicate % replicate_cycle);
}

// Built once per contact length. Checks that the recorded draws are the model's: the binding
// events of every recorded replicate must equal the model's own count.
const contact_case& case_for(int contact_length_um) {
    static std::map<int, contact_case> cases;
    const auto found = cases.find(contact_length_um);
    if (found != cases.end()) return found->second;

    contact_case& made = cases[contact_length_um];
    made.configuration = configuration_for(contact_length_um);
    made.simulator = std::make_unique<cs::contact_sensing_simulator>(made.configuration);
    made.linear_baseline = std::make_unique<direct_method_contact_sensing>(made.configuration,
                                                                           reaction_search::linear);
    made.tree_baseline =
        std::make_unique<direct_method_contact_sensing>(made.configuration, reaction_search::tree);
    std::vector<double> results(8);
    for (std::uint64_t r = 0; r < replicate_cycle; ++r) {
        made.replicates.push_back(record_replicate(made.configuration, streams_of(r)));
        made.simulator->simulate(streams_of(r), results, nullptr);
        const recorded_replicate& recorded = made.replicates.back();
        if (results[5] != recorded.contact.binding_events ||
            results[7] != recorded.no_contact.binding_events) {
            made.error = fmt::format("replicate {}: recorded draws differ from the model's", r);
        }
    }
    return made;
}

// Means over the cycle of replicates of the engine's and a baseline's binding events (both
// ensembles) and GLRT statistic with contact, as counters; `mismatch` is set when they differ
// by more than 5 standard errors, i.e. when the baseline does not simulate the same model.
struct engine_comparison {
    std::map<std::string, double> means;
    std::string mismatch;
};

engine_comparison compare_with_engine(const contact_case& made,
                                      const direct_method_contact_sensing& baseline) {
    static constexpr std::size_t compared[] = {5, 7, 1};
    static constexpr const char* names[] = {"events_contact", "events_no_contact", "glrt"};
    std::vector<double> engine(8), direct(8);
    double sum[2][3] = {}, square[2][3] = {};
    for (std::uint64_t r = 0; r < replicate_cycle; ++r) {
        made.simulator->simulate(streams_of(r), engine, nullptr);
        baseline.simulate(replicate_streams(seed + 1, 0, r), direct);
        for (std::size_t k = 0; k < 3; ++k) {
            sum[0][k] += engine[compared[k]];
            square[0][k] += engine[compared[k]] * engine[compared[k]];
            sum[1][k] += direct[compared[k]];
            square[1][k] += direct[compared[k]] * direct[compared[k]];
        }
    }

    engine_comparison comparison;
    const double n = static_cast<double>(replicate_cycle);
    for (std::size_t k = 0; k < 3; ++k) {
        double variance_of_difference = 0;
        for (std::size_t which = 0; which < 2; ++which) {
            const double mean = sum[which][k] / n;
            variance_of_difference += (square[which][k] / n - mean * mean) / (n - 1);
        }
        const double difference = (sum[1][k] - sum[0][k]) / n;
        comparison.means[std::string("engine_") + names[k]] = sum[0][k] / n;
        comparison.means[std::string("direct_") + names[k]] = sum[1][k] / n;
        if (std::fabs(difference) > 5 * std::sqrt(variance_of_difference) + 1e-12) {
            comparison.mismatch =
                fmt::format("the direct method's mean {} differs from the engine's by {}", names[k],
                            difference);
        }
    }
    return comparison;
}

// ---- benchmarks ------------------------------------------------------------------------

// One ensemble of 400 receptor paths (every receptor in contact or none), with l_j or without.
void receptor_renewal(benchmark::State& state) {
    const cs::point_configuration configuration = configuration_for(1.0);
    const bool in_contact = state.range(0) != 0;
    const cs::receptor_log_likelihood_ratio scorer_object(configuration.rates,
                                                          configuration.placement);
    const cs::receptor_log_likelihood_ratio* const scorer =
        state.range(1) != 0 ? &scorer_object : nullptr;
    const cs::receptor_kinetics kinetics(
        in_contact ? cs::rates_in_contact(configuration.rates, configuration.placement)
                   : cs::rates_out_of_contact(configuration.rates),
        configuration.rates);

    std::uint64_t replicate = 0;
    for (auto _ : state) {
        random_stream stream =
            ensemble_stream(streams_of(replicate++), cs::stream_id::contact_ensemble);
        double sum = 0;
        for (std::size_t j = 0; j < configuration.receptors; ++j) {
            sum += simulate_receptor(kinetics, scorer, configuration.start,
                                     configuration.observation_time, stream,
                                     static_cast<std::uint32_t>(j), nullptr)
                       .log_likelihood_ratio;
        }
        benchmark::DoNotOptimize(sum);
    }
    state.SetItemsProcessed(state.iterations() *
                            static_cast<std::int64_t>(configuration.receptors));
}

// Floor of receptor_renewal: the same variates from the same streams, drawn alone.
void receptor_renewal_floor(benchmark::State& state) {
    const cs::point_configuration configuration = configuration_for(1.0);
    const std::vector<bool> membership(configuration.receptors, state.range(0) != 0);
    std::vector<ensemble_draws> draws;
    for (std::uint64_t r = 0; r < replicate_cycle; ++r) {
        random_stream stream = ensemble_stream(streams_of(r), cs::stream_id::contact_ensemble);
        draws.push_back(record_ensemble(configuration, membership, stream).draws);
    }

    std::uint64_t replicate = 0;
    for (auto _ : state) {
        const std::uint64_t r = replicate++ % replicate_cycle;
        random_stream stream = ensemble_stream(streams_of(r), cs::stream_id::contact_ensemble);
        benchmark::DoNotOptimize(draw_variates(draws[r], stream));
    }
    state.SetItemsProcessed(state.iterations() *
                            static_cast<std::int64_t>(configuration.receptors));
}

// l_j of every receptor of one ensemble from its observed path, added up bond by bond as the
// simulation does (path_sum: one exp per bond, one log per receptor).
void log_likelihood_ratios(benchmark::State& state) {
    const contact_case& made = case_for(1);
    const cs::receptor_log_likelihood_ratio scorer(made.configuration.rates,
                                                   made.configuration.placement);
    std::int64_t bonds = 0;
    std::uint64_t replicate = 0;
    for (auto _ : state) {
        const recorded_ensemble& ensemble = made.replicates[replicate++ % replicate_cycle].contact;
        double sum = 0;
        for (const cs::observed_receptor_path& path : ensemble.paths) {
            cs::receptor_log_likelihood_ratio::path_sum llr(scorer);
            for (const double tau : path.completed_bonds) llr.add_completed_bond(tau);
            if (path.censored_bond) llr.add_censored_bond(*path.censored_bond);
            sum += llr.value(path.free_time);
        }
        bonds += static_cast<std::int64_t>(ensemble.binding_events);
        benchmark::DoNotOptimize(sum);
    }
    state.SetItemsProcessed(bonds);
}

// The same with one softplus (an exp and a log1p) per bond: the form path_sum replaced.
void log_likelihood_ratios_softplus_per_bond(benchmark::State& state) {
    const contact_case& made = case_for(1);
    const cs::receptor_log_likelihood_ratio scorer(made.configuration.rates,
                                                   made.configuration.placement);
    std::int64_t bonds = 0;
    std::uint64_t replicate = 0;
    for (auto _ : state) {
        const recorded_ensemble& ensemble = made.replicates[replicate++ % replicate_cycle].contact;
        double sum = 0;
        for (const cs::observed_receptor_path& path : ensemble.paths) sum += scorer.evaluate(path);
        bonds += static_cast<std::int64_t>(ensemble.binding_events);
        benchmark::DoNotOptimize(sum);
    }
    state.SetItemsProcessed(bonds);
}

// The maximum-sum circular run of the l_j of one contact ensemble (N = 400).
void max_sum_arc(benchmark::State& state) {
    const contact_case& made = case_for(static_cast<int>(state.range(0)));
    std::uint64_t replicate = 0;
    for (auto _ : state) {
        const recorded_ensemble& ensemble = made.replicates[replicate++ % replicate_cycle].contact;
        benchmark::DoNotOptimize(cs::max_sum_circular_run(ensemble.log_likelihood_ratios));
    }
    state.SetItemsProcessed(state.iterations() *
                            static_cast<std::int64_t>(made.configuration.receptors));
}

// One whole replicate as `vigil run` simulates it: contact and no-contact ensembles, l_j, arcs.
void contact_replicate(benchmark::State& state) {
    const contact_case& made = case_for(static_cast<int>(state.range(0)));
    if (!made.error.empty()) state.SkipWithError(made.error.c_str());
    std::vector<double> results(8);
    std::uint64_t replicate = 0;
    for (auto _ : state) {
        made.simulator->simulate(streams_of(replicate++), results, nullptr);
        benchmark::DoNotOptimize(results.data());
    }
    state.SetItemsProcessed(state.iterations());
}

// Floor of contact_replicate: the same replicates' variates, drawn alone.
void contact_replicate_floor(benchmark::State& state) {
    const contact_case& made = case_for(static_cast<int>(state.range(0)));
    if (!made.error.empty()) state.SkipWithError(made.error.c_str());
    std::uint64_t replicate = 0;
    for (auto _ : state) {
        const std::uint64_t r = replicate++ % replicate_cycle;
        benchmark::DoNotOptimize(draw_replicate_variates(made.replicates[r], streams_of(r)));
    }
    state.SetItemsProcessed(state.iterations());
}

// Baseline: the same replicate by the population-level direct method.
void contact_replicate_direct_method(benchmark::State& state) {
    const contact_case& made = case_for(static_cast<int>(state.range(0)));
    const direct_method_contact_sensing& baseline =
        state.range(1) == 0 ? *made.linear_baseline : *made.tree_baseline;
    static std::map<const direct_method_contact_sensing*, engine_comparison> comparisons;
    if (!comparisons.contains(&baseline)) {
        comparisons[&baseline] = compare_with_engine(made, baseline);
    }
    const engine_comparison& comparison = comparisons[&baseline];
    if (!comparison.mismatch.empty()) state.SkipWithError(comparison.mismatch.c_str());
    for (const auto& [name, mean] : comparison.means) state.counters[name] = mean;
    std::vector<double> results(8);
    std::uint64_t replicate = 0;
    for (auto _ : state) {
        baseline.simulate(streams_of(replicate++), results);
        benchmark::DoNotOptimize(results.data());
    }
    state.SetItemsProcessed(state.iterations());
}

BENCHMARK(receptor_renewal)
    ->ArgNames({"in_contact", "scored"})
    ->Args({0, 1})
    ->Args({1, 1})
    ->Args({0, 0})
    ->Apply(report_minimum);
BENCHMARK(receptor_renewal_floor)->ArgName("in_contact")->Arg(0)->Arg(1)->Apply(report_minimum);
BENCHMARK(log_likelihood_ratios)->Apply(report_minimum);
BENCHMARK(log_likelihood_ratios_softplus_per_bond)->Apply(report_minimum);
BENCHMARK(max_sum_arc)->ArgName("contact_um")->Arg(1)->Apply(report_minimum);
BENCHMARK(contact_replicate)->ArgName("contact_um")->Arg(1)->Arg(25)->Apply(report_minimum);
BENCHMARK(contact_replicate_floor)->ArgName("contact_um")->Arg(1)->Arg(25)->Apply(report_minimum);
BENCHMARK(contact_replicate_direct_method)
    ->ArgNames({"contact_um", "tree"})
    ->Args({1, 0})
    ->Args({1, 1})
    ->Args({25, 0})
    ->Args({25, 1})
    ->Apply(report_minimum);

}  // namespace

}  // namespace vigil::benchmarks
