#include "models/opposing_signals/data.hpp"

#include <boost/random/normal_distribution.hpp>

#include <cmath>

namespace vigil::opposing_signals {

std::size_t data_configuration::group_a_count() const {
    return static_cast<std::size_t>(std::llround(fraction_group_a * static_cast<double>(samples)));
}

std::size_t data_configuration::group_b_count() const {
    return static_cast<std::size_t>(std::llround(fraction_group_b * static_cast<double>(samples)));
}

double data_configuration::outlier_second_moment() const {
    const double outliers = static_cast<double>(group_a_count() + group_b_count());
    return outliers / static_cast<double>(samples) * outlier_magnitude * outlier_magnitude;
}

data_set generate_data(const data_configuration& configuration, random_stream& input_stream,
                       random_stream& signal_stream, random_stream& noise_stream) {
    const std::size_t n = configuration.samples;
    const std::size_t k = configuration.signal_dims;
    const auto rows = static_cast<Eigen::Index>(n);
    const auto signal_dims = static_cast<Eigen::Index>(k);
    boost::random::normal_distribution<double> standard_normal(0.0, 1.0);

    data_set data;
    data.group_a_count = configuration.group_a_count();
    data.group_b_count = configuration.group_b_count();
    data.groups.assign(n, point_group::rest);
    data.inputs = Eigen::MatrixXd::Zero(rows, signal_dims + 1);
    for (std::size_t i = 0; i < data.group_a_count; ++i) {
        data.groups[i] = point_group::group_a;
        data.inputs(static_cast<Eigen::Index>(i), 0) = configuration.outlier_magnitude;
    }
    for (std::size_t i = data.group_a_count; i < data.group_a_count + data.group_b_count; ++i) {
        data.groups[i] = point_group::group_b;
        data.inputs(static_cast<Eigen::Index>(i), 0) = -configuration.outlier_magnitude;
    }

    // Row by row, so that the first rows of a larger data set equal a smaller one's.
    for (Eigen::Index i = 0; i < rows; ++i) {
        double standard_deviation = 1;
        for (Eigen::Index j = 0; j < signal_dims; ++j) {
            data.inputs(i, j + 1) = standard_deviation * standard_normal(input_stream);
            standard_deviation *= std::sqrt(configuration.spectrum_decay);
        }
    }

    data.signal = Eigen::VectorXd::Zero(signal_dims);
    for (Eigen::Index j = 0; j < signal_dims; ++j) data.signal(j) = standard_normal(signal_stream);
    const double direction_norm = data.signal.norm();
    if (direction_norm > 0) data.signal *= configuration.signal_norm / direction_norm;

    const Eigen::VectorXd outlier_offset =
        data.inputs.col(0).cwiseAbs() *
        (configuration.outlier_target_offset / configuration.outlier_magnitude);
    data.targets = data.inputs.rightCols(signal_dims) * data.signal + outlier_offset;
    if (configuration.label_noise > 0) {
        for (Eigen::Index i = 0; i < rows; ++i) {
            data.targets(i) += configuration.label_noise * standard_normal(noise_stream);
        }
    }
    return data;
}

}  // namespace vigil::opposing_signals
