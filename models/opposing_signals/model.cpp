#include "models/opposing_signals/model.hpp"

#include "engine/error.hpp"
#include "models/opposing_signals/network.hpp"
#include "models/opposing_signals/report.hpp"

#include <fmt/format.h>

#include <string>

namespace vigil::opposing_signals {

namespace {

// Parameter names, as written in scan files.
namespace key {
constexpr const char* samples = "samples";
constexpr const char* signal_dims = "signal_dims";
constexpr const char* spectrum_decay = "spectrum_decay";
constexpr const char* fraction_group_a = "fraction_group_a";
constexpr const char* fraction_group_b = "fraction_group_b";
constexpr const char* outlier_magnitude = "outlier_magnitude";
constexpr const char* outlier_target_offset = "outlier_target_offset";
constexpr const char* signal_norm = "signal_norm";
constexpr const char* label_noise = "label_noise";
constexpr const char* hidden_width = "hidden_width";
constexpr const char* init_scale = "init_scale";
constexpr const char* learning_rate = "learning_rate";
constexpr const char* steps = "steps";
constexpr const char* optimizer = "optimizer";
constexpr const char* batch_size = "batch_size";
constexpr const char* momentum = "momentum";
constexpr const char* adam_beta1 = "adam_beta1";
constexpr const char* adam_beta2 = "adam_beta2";
constexpr const char* adam_epsilon = "adam_epsilon";
constexpr const char* clip_norm = "clip_norm";
constexpr const char* record_every = "record_every";
constexpr const char* long_run_fraction = "long_run_fraction";
constexpr const char* sharpness_tolerance = "sharpness_tolerance";
constexpr const char* sharpness_max_iterations = "sharpness_max_iterations";
constexpr const char* discovered_points = "discovered_points";
}  // namespace key

// One row of the parameter table.
struct row {
    const char* name;
    parameter_kind kind;
    const char* unit;
    parameter_value default_value;
    double minimum;
    double maximum;
    bool minimum_inclusive;
    bool maximum_inclusive;
    const char* description;
};

constexpr auto real = parameter_kind::real;
constexpr auto integer = parameter_kind::integer;
constexpr bool closed = true;
constexpr bool open = false;

// The one table of parameters: name, kind, unit, default, range [minimum, maximum] with
// inclusiveness, description. Defaults are specs/opposing-signals.md's.
std::vector<row> parameter_rows() {
    return {
        {key::samples, integer, "1", 1000.0, 2, 1e6, closed, closed, "number n of training points"},
        {key::signal_dims, integer, "1", 10.0, 1, 200, closed, closed,
         "dimension k of the signal coordinates x_s"},
        {key::spectrum_decay, real, "1", 0.6, 0, 1, open, closed,
         "rho: the signal coordinates have variances rho^0, rho^1, ..., rho^(k-1)"},
        {key::fraction_group_a, real, "1", 0.03, 0, 1, closed, closed,
         "p_A: fraction of points in group A (x_0 = +alpha); the group has round(p_A n) points"},
        {key::fraction_group_b, real, "1", 0.02, 0, 1, closed, closed,
         "p_B: fraction of points in group B (x_0 = -alpha)"},
        {key::outlier_magnitude, real, "1", 25.0, 0, 1e6, open, closed,
         "alpha: the outlier coordinate x_0 of groups A and B is +alpha and -alpha"},
        {key::outlier_target_offset, real, "1", 5.0, -1e6, 1e6, closed, closed,
         "gamma: the target is y = beta^T x_s + gamma |x_0| / alpha"},
        {key::signal_norm, real, "1", 3.0, 0, 1e6, closed, closed,
         "||beta||: norm of the true signal weights (direction uniform at random)"},
        {key::label_noise, real, "1", 0.0, 0, 1e6, closed, closed,
         "standard deviation of Gaussian noise added to every target"},
        {key::hidden_width, integer, "1", 20.0, 1, 1000, closed, closed,
         "h: width of the hidden layer, f(x) = b^T A x with A of size h x (1 + k)"},
        {key::init_scale, real, "1", 0.01, 0, 1e3, open, closed,
         "sigma_0: initial weights are N(0, sigma_0^2 / fan_in)"},
        {key::learning_rate, real, "1", 0.05, 0, 1e3, open, closed,
         "eta: step size of every optimizer; gradient descent is stable below sharpness 2/eta"},
        {key::steps, integer, "steps", 3000.0, 1, 1e6, closed, closed,
         "number of optimizer steps (a replicate keeps about 60 bytes per step)"},
        {key::optimizer, parameter_kind::choice, "", std::string("gd"), 0, 0, closed, closed,
         "gd: full-batch gradient descent; sgd: minibatch SGD; momentum: heavy ball; adam; "
         "clipped_gd: gradient descent with global norm clipping; split_adam: Adam on A[:,0] "
         "only, gradient descent elsewhere"},
        {key::batch_size, integer, "1", 100.0, 1, 1e6, closed, closed,
         "minibatch size of sgd (points drawn without replacement each step); the other "
         "optimizers ignore it"},
        {key::momentum, real, "1", 0.9, 0, 1, closed, open, "heavy-ball coefficient mu"},
        {key::adam_beta1, real, "1", 0.9, 0, 1, closed, open, "Adam's first-moment decay"},
        {key::adam_beta2, real, "1", 0.999, 0, 1, closed, open, "Adam's second-moment decay"},
        {key::adam_epsilon, real, "1", 1e-8, 0, 1, open, closed, "Adam's denominator offset"},
        {key::clip_norm, real, "1", 1.0, 0, 1e6, open, closed,
         "clipped_gd: largest global gradient norm; longer gradients are scaled down to it"},
        {key::record_every, integer, "steps", 1.0, 1, 1e6, closed, closed,
         "stride of the sharpness computation and of the stored trajectories"},
        {key::long_run_fraction, real, "1", 0.2, 0, 1, open, closed,
         "the long-run window: this last fraction of the steps"},
        {key::sharpness_tolerance, real, "1", 1e-6, 0, 0.1, open, closed,
         "Lanczos stops when its residual bound is below this fraction of the eigenvalue"},
        {key::sharpness_max_iterations, integer, "1", 100.0, 2, 1000, closed, closed,
         "most Hessian-vector products per sharpness computation"},
        {key::discovered_points, integer, "1", 50.0, 1, 1e6, closed, closed,
         "group discovery takes this many points whose loss changes most (up or down) at the "
         "largest loss increase"},
    };
}

std::vector<parameter_spec> parameter_table() {
    std::vector<parameter_spec> table;
    for (const row& entry : parameter_rows()) {
        parameter_spec spec;
        spec.name = entry.name;
        spec.kind = entry.kind;
        spec.unit = entry.unit;
        spec.description = entry.description;
        spec.default_value = entry.default_value;
        if (entry.kind == parameter_kind::choice) {
            spec.choices = {"gd", "sgd", "momentum", "adam", "clipped_gd", "split_adam"};
        } else {
            spec.minimum = entry.minimum;
            spec.maximum = entry.maximum;
            spec.minimum_inclusive = entry.minimum_inclusive;
            spec.maximum_inclusive = entry.maximum_inclusive;
        }
        table.push_back(spec);
    }
    return table;
}

std::size_t count(const parameter_set& values, const char* name) {
    return static_cast<std::size_t>(values.integer(name));
}

// The table's default of a parameter, as written in messages.
std::string default_of(const char* name) {
    for (const row& entry : parameter_rows()) {
        if (std::string(entry.name) == name) return to_string(entry.default_value);
    }
    return "none";
}

void record_trajectory(const training_history& history, double outlier_second_moment,
                       trajectory_record& trajectory) {
    const std::size_t recorded = history.recorded_step.size();
    const auto at_recorded = [&](const std::vector<double>& every_step) {
        std::vector<double> values(recorded);
        for (std::size_t i = 0; i < recorded; ++i) {
            values[i] = every_step[static_cast<std::size_t>(history.recorded_step[i])];
        }
        return values;
    };
    std::vector<double> formula(recorded);
    const auto b_norm = at_recorded(history.second_layer_norm_sq);
    const auto column_norm = at_recorded(history.outlier_column_norm_sq);
    for (std::size_t i = 0; i < recorded; ++i) {
        formula[i] = outlier_second_moment * (b_norm[i] + column_norm[i]);
    }

    trajectory["step"] = {"steps", "optimizer steps taken (0: initialisation)",
                          history.recorded_step};
    trajectory["loss"] = {"1", "training loss L", at_recorded(history.loss)};
    trajectory["loss_group_a"] = {"1", "mean loss of group A", at_recorded(history.loss_group_a)};
    trajectory["loss_group_b"] = {"1", "mean loss of group B", at_recorded(history.loss_group_b)};
    trajectory["loss_rest"] = {"1", "mean loss of the other points",
                               at_recorded(history.loss_rest)};
    trajectory["sharpness"] = {"1", "top Hessian eigenvalue (Lanczos on exact products)",
                               history.sharpness};
    trajectory["sharpness_formula"] = {"1", "q alpha^2 (||b||^2 + ||A[:,0]||^2)", formula};
    trajectory["eigenvector_outlier_share"] = {
        "1", "share of the top eigenvector's squared norm on A[:,0]",
        history.eigenvector_outlier_share};
    trajectory["outlier_weight"] = {"1", "w_0 = b^T A[:,0]", at_recorded(history.outlier_weight)};
    trajectory["second_layer_norm_sq"] = {"1", "||b||^2", b_norm};
    trajectory["outlier_column_norm_sq"] = {"1", "||A[:,0]||^2", column_norm};
}

}  // namespace

point_configuration read_configuration(const parameter_set& values) {
    point_configuration configuration;
    data_configuration& data = configuration.data;
    data.samples = count(values, key::samples);
    data.signal_dims = count(values, key::signal_dims);
    data.spectrum_decay = values.real(key::spectrum_decay);
    data.fraction_group_a = values.real(key::fraction_group_a);
    data.fraction_group_b = values.real(key::fraction_group_b);
    data.outlier_magnitude = values.real(key::outlier_magnitude);
    data.outlier_target_offset = values.real(key::outlier_target_offset);
    data.signal_norm = values.real(key::signal_norm);
    data.label_noise = values.real(key::label_noise);
    configuration.hidden_width = count(values, key::hidden_width);
    configuration.init_scale = values.real(key::init_scale);

    training_settings& training = configuration.training;
    training.optimizer.kind = optimizer_from_name(values.choice(key::optimizer));
    training.optimizer.learning_rate = values.real(key::learning_rate);
    training.optimizer.momentum = values.real(key::momentum);
    training.optimizer.adam_beta1 = values.real(key::adam_beta1);
    training.optimizer.adam_beta2 = values.real(key::adam_beta2);
    training.optimizer.adam_epsilon = values.real(key::adam_epsilon);
    training.optimizer.clip_norm = values.real(key::clip_norm);
    training.steps = count(values, key::steps);
    training.batch_size = count(values, key::batch_size);
    training.record_every = count(values, key::record_every);
    training.sharpness_tolerance = values.real(key::sharpness_tolerance);
    training.sharpness_max_iterations =
        static_cast<int>(values.integer(key::sharpness_max_iterations));
    training.discovered_points = count(values, key::discovered_points);

    configuration.summary.learning_rate = training.optimizer.learning_rate;
    configuration.summary.long_run_fraction = values.real(key::long_run_fraction);
    return configuration;
}

void opposing_signals_simulator::simulate(const replicate_streams& streams,
                                          std::span<double> results,
                                          trajectory_record* trajectory) const {
    const auto stream = [&](stream_id id) {
        return streams.stream(static_cast<std::uint64_t>(id));
    };
    random_stream inputs = stream(stream_id::signal_inputs);
    random_stream direction = stream(stream_id::signal_direction);
    random_stream noise = stream(stream_id::label_noise);
    random_stream initialization = stream(stream_id::initialization);
    random_stream minibatches = stream(stream_id::minibatches);

    const data_set data = generate_data(configuration_.data, inputs, direction, noise);
    const linear_network_objective objective(data, configuration_.hidden_width);
    const Eigen::VectorXd start =
        initial_parameters(objective, configuration_.init_scale, initialization);
    const training_history history =
        train(data, objective, start, configuration_.training, minibatches);
    store(summarize(history, data, configuration_.summary), results);
    if (trajectory != nullptr) {
        record_trajectory(history, configuration_.data.outlier_second_moment(), *trajectory);
    }
}

std::string opposing_signals_model::summary() const {
    return "a two-layer linear network trained on data with paired outlier groups: sharpening, "
           "edge of stability and loss spikes (Rosenfeld & Risteski 2023)";
}

std::vector<parameter_spec> opposing_signals_model::parameters() const {
    return parameter_table();
}

std::vector<result_field> opposing_signals_model::results() const {
    std::vector<result_field> fields;
    for (const summary_field& entry : summary_fields()) fields.push_back(entry.field);
    return fields;
}

void opposing_signals_model::check(const parameter_set& values) const {
    const point_configuration configuration = read_configuration(values);
    const data_configuration& data = configuration.data;
    const std::size_t outliers = data.group_a_count() + data.group_b_count();
    if (outliers == 0) {
        throw input_error(
            fmt::format("{} = {} and {} = {} give no outlier among {} = {} points: round(p_A n) + "
                        "round(p_B n) must be at least 1",
                        key::fraction_group_a, data.fraction_group_a, key::fraction_group_b,
                        data.fraction_group_b, key::samples, data.samples));
    }
    if (outliers > data.samples) {
        throw input_error(fmt::format(
            "{} + {} = {} exceeds 1: the groups would need {} of the {} "
            "= {} points",
            key::fraction_group_a, key::fraction_group_b,
            data.fraction_group_a + data.fraction_group_b, outliers, key::samples, data.samples));
    }
    // batch_size only matters to sgd; a default left in place must not refuse the others.
    const training_settings& training = configuration.training;
    if (training.optimizer.kind == optimizer_kind::minibatch_sgd &&
        training.batch_size > data.samples) {
        throw input_error(fmt::format(
            "{} = {} exceeds {} = {}: {} = \"sgd\" draws {} distinct points of the {} each "
            "step; set {} (default {}) to at most {}",
            key::batch_size, training.batch_size, key::samples, data.samples, key::optimizer,
            key::batch_size, key::samples, key::batch_size, default_of(key::batch_size),
            data.samples));
    }
    if (training.discovered_points > data.samples) {
        throw input_error(fmt::format(
            "{} = {} exceeds {} = {}: group discovery takes the {} points whose loss changes "
            "most at the largest loss increase, out of the {}; set {} (default {}) to at most "
            "{}, e.g. {}, the points of groups A and B",
            key::discovered_points, training.discovered_points, key::samples, data.samples,
            key::discovered_points, key::samples, key::discovered_points,
            default_of(key::discovered_points), data.samples, outliers));
    }
}

std::unique_ptr<point_simulator> opposing_signals_model::prepare(
    const parameter_set& values) const {
    check(values);
    return std::make_unique<opposing_signals_simulator>(read_configuration(values));
}

std::vector<report_column> opposing_signals_model::analyze(const parameter_set& values,
                                                           const point_results& results,
                                                           const analysis_options& options) const {
    return analyze_point(read_configuration(values), results, options);
}

}  // namespace vigil::opposing_signals
