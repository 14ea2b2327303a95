#include "models/opposing_signals/sharpness.hpp"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>

namespace vigil::opposing_signals {

top_eigenpair largest_eigenpair(const operator_product& apply, const Eigen::VectorXd& start,
                                double relative_tolerance, int max_iterations) {
    const Eigen::Index dimension = start.size();
    const Eigen::Index steps_allowed =
        std::min<Eigen::Index>(dimension, std::max(1, max_iterations));

    Eigen::MatrixXd basis(dimension, steps_allowed);
    Eigen::VectorXd diagonal(steps_allowed);
    Eigen::VectorXd off_diagonal(steps_allowed);
    const double start_norm = start.norm();
    basis.col(0) = start_norm > 0 ? Eigen::VectorXd(start / start_norm)
                                  : Eigen::VectorXd::Ones(dimension).normalized();

    top_eigenpair result;
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> tridiagonal;
    for (Eigen::Index j = 0; j < steps_allowed; ++j) {
        Eigen::VectorXd next = apply(basis.col(j));
        ++result.iterations;
        diagonal(j) = basis.col(j).dot(next);

        // Full reorthogonalisation, twice, against every Lanczos vector so far.
        const auto previous = basis.leftCols(j + 1);
        for (int pass = 0; pass < 2; ++pass) {
            next -= previous * (previous.transpose() * next);
        }
        off_diagonal(j) = next.norm();

        tridiagonal.computeFromTridiagonal(diagonal.head(j + 1), off_diagonal.head(j),
                                           Eigen::ComputeEigenvectors);
        const double ritz_value = tridiagonal.eigenvalues()(j);
        const double ritz_last = tridiagonal.eigenvectors()(j, j);
        const double residual = std::fabs(off_diagonal(j) * ritz_last);
        result.value = ritz_value;

        const bool invariant = off_diagonal(j) <= 1e-14 * std::max(1.0, std::fabs(ritz_value));
        if (residual <= relative_tolerance * std::fabs(ritz_value) || invariant) {
            result.converged = true;
        }
        if (result.converged || j + 1 == steps_allowed) {
            result.vector = previous * tridiagonal.eigenvectors().col(j);
            result.vector.normalize();
            if (j + 1 == dimension) result.converged = true;
            return result;
        }
        basis.col(j + 1) = next / off_diagonal(j);
    }
    return result;
}

}  // namespace vigil::opposing_signals
