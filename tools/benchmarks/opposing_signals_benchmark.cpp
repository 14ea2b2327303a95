// The opposing-signals network at its default size (n = 1000 points, k = 10 signal dimensions,
// hidden width 20): one full-batch gradient-descent training step and one exact Hessian-vector
// product, each beside one gradient evaluation (the unit both are made of).

#include "tools/benchmarks/common.hpp"

#include "models/opposing_signals/data.hpp"
#include "models/opposing_signals/network.hpp"
#include "models/opposing_signals/optimizers.hpp"
#include "models/opposing_signals/training.hpp"

#include <Eigen/Dense>

namespace vigil::benchmarks {

namespace {

namespace os = opposing_signals;

// The default data set, objective and initial parameters, made once.
struct network_case {
    os::data_set data;
    std::unique_ptr<os::linear_network_objective> objective;
    Eigen::VectorXd theta;
    Eigen::VectorXd direction;
};

const network_case& default_network() {
    static const network_case made = [] {
        network_case c;
        const replicate_streams streams(20231101, 0, 0);
        random_stream inputs = streams.stream(0);
        random_stream direction = streams.stream(1);
        random_stream noise = streams.stream(2);
        random_stream initialization = streams.stream(3);
        c.data = os::generate_data(os::data_configuration{}, inputs, direction, noise);
        c.objective = std::make_unique<os::linear_network_objective>(c.data, 20);
        c.theta = os::initial_parameters(*c.objective, 0.01, initialization);
        c.direction = os::initial_parameters(*c.objective, 1.0, initialization);
        return c;
    }();
    return made;
}

void network_gradient(benchmark::State& state) {
    const network_case& c = default_network();
    for (auto _ : state) benchmark::DoNotOptimize(c.objective->gradient(c.theta));
}

// One step of full-batch gradient descent (the default optimiser): gradient and update.
void network_training_step(benchmark::State& state) {
    const network_case& c = default_network();
    os::optimizer update(os::optimizer_settings{});
    Eigen::VectorXd theta = c.theta;
    for (auto _ : state) {
        update.step(theta, c.objective->gradient(theta));
        benchmark::DoNotOptimize(theta.data());
    }
}

void network_hessian_vector_product(benchmark::State& state) {
    const network_case& c = default_network();
    for (auto _ : state) {
        benchmark::DoNotOptimize(c.objective->hessian_vector_product(c.theta, c.direction));
    }
}

BENCHMARK(network_gradient)->Apply(report_minimum);
BENCHMARK(network_training_step)->Apply(report_minimum);
BENCHMARK(network_hessian_vector_product)->Apply(report_minimum);

}  // namespace

}  // namespace vigil::benchmarks
