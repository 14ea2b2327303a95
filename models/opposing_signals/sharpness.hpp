#pragma once

// The largest (algebraic) eigenvalue of a symmetric operator known only through its products
// with vectors: Lanczos with full reorthogonalisation, stopped when the Ritz residual bound
// |beta_j s_j| falls below tolerance * |theta|. Deterministic for a given start vector; pure.

#include <Eigen/Dense>

#include <functional>

namespace vigil::opposing_signals {

using operator_product = std::function<Eigen::VectorXd(const Eigen::VectorXd&)>;

struct top_eigenpair {
    double value = 0;
    Eigen::VectorXd vector;  // unit norm
    int iterations = 0;      // operator products used
    bool converged = false;  // false when max_iterations ran out first
};

// `start` need not be normalised; a zero start is replaced by the all-ones vector. A start close
// to the answer (the previous step's eigenvector) makes convergence fast.
top_eigenpair largest_eigenpair(const operator_product& apply, const Eigen::VectorXd& start,
                                double relative_tolerance, int max_iterations);

}  // namespace vigil::opposing_signals
