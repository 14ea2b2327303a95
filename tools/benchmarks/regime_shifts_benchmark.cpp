// Regime-shift hot paths: Euler-Maruyama integration of `grazing` (the approaching and the null
// member stepped together, as simulate() does) beside its floor, the same normal variates drawn
// alone from the same two streams; and allee_ibm's exact Gillespie simulation of one member.

#include "tools/benchmarks/common.hpp"

#include "models/regime_shifts/allee_ibm.hpp"
#include "models/regime_shifts/models.hpp"
#include "models/regime_shifts/stochastic_steppers.hpp"

#include <cmath>
#include <memory>

namespace vigil::benchmarks {

namespace {

namespace rs = regime_shifts;

parameter_set defaults_of(const model& chosen) {
    parameter_set values;
    for (const parameter_spec& spec : chosen.parameters()) {
        if (spec.default_value) values.set(spec.name, *spec.default_value);
    }
    return values;
}

// grazing with its defaults, a ramp that stays short of the fold (both members integrate to
// the end) and 10^3 time units without burn-in: 10^5 steps per member at the default dt.
struct grazing_case {
    std::unique_ptr<model> chosen;
    std::unique_ptr<point_simulator> prepared;
    const rs::continuous_simulator<rs::grazing_equations>* simulator = nullptr;
    std::size_t steps_per_member = 0;
};

const grazing_case& default_grazing() {
    static const grazing_case made = [] {
        grazing_case c;
        c.chosen =
            std::make_unique<rs::continuous_model<rs::grazing_equations>>(rs::grazing_definition());
        parameter_set values = defaults_of(*c.chosen);
        values.set("grazing_rate_end", 1.5);
        values.set("duration", 1e3);
        values.set("burn_in", 0.0);
        c.chosen->check(values);
        c.prepared = c.chosen->prepare(values);
        c.simulator =
            &dynamic_cast<const rs::continuous_simulator<rs::grazing_equations>&>(*c.prepared);
        c.steps_per_member =
            c.simulator->configuration().steps + c.simulator->configuration().burn_in_steps;
        return c;
    }();
    return made;
}

std::array<random_stream, 2> member_streams(std::uint64_t replicate) {
    const replicate_streams streams(20231101, 0, replicate);
    return {streams.stream(0), streams.stream(1)};
}

// Both members of one replicate through run_members (the integrator, drift, noise and the
// recording observer). Items are member-steps.
void grazing_euler_maruyama(benchmark::State& state) {
    const grazing_case& c = default_grazing();
    const auto& ramp = c.simulator->configuration().ramp;
    std::uint64_t replicate = 0;
    for (auto _ : state) {
        const auto tracks =
            c.simulator->run_members<2>(member_streams(replicate++ % 64), {ramp, ramp.held()});
        benchmark::DoNotOptimize(tracks[0].samples.data());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(2 * c.steps_per_member));
}

// Floor: the same normals from the same two streams, member by member in step order.
void grazing_euler_maruyama_floor(benchmark::State& state) {
    const grazing_case& c = default_grazing();
    std::uint64_t replicate = 0;
    for (auto _ : state) {
        const auto streams = member_streams(replicate++ % 64);
        rs::member_normals<2, 1> normals(
            {rs::normal_source(streams[0]), rs::normal_source(streams[1])});
        double sum = 0;
        for (std::size_t step = 0; step < c.steps_per_member; ++step) {
            sum += normals(0);
            sum += normals(1);
        }
        benchmark::DoNotOptimize(sum);
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(2 * c.steps_per_member));
}

// allee_ibm with its defaults (a = 100 held, 10^3 time units) and its expected event count:
// the equilibrium's birth plus death rate times the duration (the population fluctuates by a
// few percent around it, so the count is right to about 1%).
struct allee_case {
    rs::allee_configuration configuration;
    std::unique_ptr<rs::allee_ibm_simulator> simulator;
    double expected_events = 0;
};

const allee_case& default_allee() {
    static const allee_case made = [] {
        allee_case c;
        const rs::allee_ibm_model chosen;
        c.configuration = chosen.configuration(defaults_of(chosen));
        c.simulator = std::make_unique<rs::allee_ibm_simulator>(c.configuration);
        const rs::allee_equations& e = c.configuration.equations;
        const double a = c.configuration.extra_death_rate;
        double low = e.allee_scale;  // between the Allee threshold and K: births exceed deaths
        double high = e.carrying_capacity;
        for (int i = 0; i < 100; ++i) {
            const double middle = 0.5 * (low + high);
            (e.birth_rate(middle) > e.death_rate(middle, a) ? low : high) = middle;
        }
        c.expected_events = (e.birth_rate(low) + e.death_rate(low, a)) *
                            (c.configuration.duration + c.configuration.burn_in);
        return c;
    }();
    return made;
}

// One member by Gillespie's direct method with the ramp-aware waiting time.
void allee_ibm_gillespie(benchmark::State& state) {
    const allee_case& c = default_allee();
    std::uint64_t replicate = 0;
    for (auto _ : state) {
        const replicate_streams streams(20231101, 0, replicate++ % 64);
        benchmark::DoNotOptimize(c.simulator->run_member(streams.stream(0), 0.0).series.data());
    }
    state.counters["expected_events"] = c.expected_events;
}

// Floor: the variates of the expected number of events, an Exp(1) by -log(u) and a uniform each.
void allee_ibm_gillespie_floor(benchmark::State& state) {
    const allee_case& c = default_allee();
    const auto events = static_cast<std::int64_t>(c.expected_events);
    std::uint64_t replicate = 0;
    for (auto _ : state) {
        const replicate_streams streams(20231101, 0, replicate++ % 64);
        random_stream stream = streams.stream(0);
        double sum = 0;
        for (std::int64_t event = 0; event < events; ++event) {
            sum += -std::log(stream.uniform_open());
            sum += stream.uniform_open();
        }
        benchmark::DoNotOptimize(sum);
    }
}

BENCHMARK(grazing_euler_maruyama)->Unit(benchmark::kMicrosecond)->Apply(report_minimum);
BENCHMARK(grazing_euler_maruyama_floor)->Unit(benchmark::kMicrosecond)->Apply(report_minimum);
BENCHMARK(allee_ibm_gillespie)->Unit(benchmark::kMillisecond)->Apply(report_minimum);
BENCHMARK(allee_ibm_gillespie_floor)->Unit(benchmark::kMillisecond)->Apply(report_minimum);

}  // namespace

}  // namespace vigil::benchmarks
