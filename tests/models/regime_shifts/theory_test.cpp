// Theory of the regime-shift models against the reference values of specs/regime-shifts.md
// ("Models" and "Reference values") and against closed forms.

#include "models/regime_shifts/theory.hpp"
#include "models/regime_shifts/equations.hpp"
#include "models/regime_shifts/models.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace vigil::regime_shifts {
namespace {

template <class Equations>
bifurcation bifurcation_of(const continuous_definition<Equations>& definition,
                           const Equations& equations) {
    const equations_system<Equations> system(equations);
    return branch_bifurcation(system, definition.branch(equations));
}

template <class Equations>
equilibrium equilibrium_of(const continuous_definition<Equations>& definition,
                           const Equations& equations, double control) {
    const equations_system<Equations> system(equations);
    return continue_equilibrium(system, definition.branch(equations), control);
}

// The other fold of a bistable model: follow the lower branch from `start` towards `direction`.
template <class Equations>
bifurcation other_fold(const Equations& equations, double guess, double control, double direction) {
    const equations_system<Equations> system(equations);
    Eigen::VectorXd x(1);
    x[0] = guess;
    const equilibrium start = newton_equilibrium(system, x, control);
    EXPECT_TRUE(start.stable());
    return locate_bifurcation(system, start, direction, 1e-3, 0.05, control + direction * 10);
}

// The spec gives the grazing folds to 7 significant digits: they must agree to 1e-6.
TEST(regime_theory, grazing_folds_match_the_spec) {
    const auto definition = grazing_definition();
    const grazing_equations equations;
    const bifurcation collapse = bifurcation_of(definition, equations);
    EXPECT_EQ(collapse.kind, bifurcation_kind::fold);
    EXPECT_NEAR(collapse.control, 2.604365, 1e-6);
    EXPECT_NEAR(collapse.state[0], 4.781, 5e-4);  // the spec gives x* to 4 digits

    const bifurcation recovery = other_fold(equations, 0.5, 2.4, -1.0);
    EXPECT_EQ(recovery.kind, bifurcation_kind::fold);
    EXPECT_NEAR(recovery.control, 1.787230, 1e-6);

    // At a fold both f and f' vanish.
    for (const bifurcation* fold : {&collapse, &recovery}) {
        const state_vector<1> x{fold->state[0]};
        EXPECT_NEAR(equations.drift(x, fold->control)[0], 0, 1e-12);
        EXPECT_NEAR(equations.jacobian(x, fold->control)[0][0], 0, 1e-9);
    }
}

// The spec gives the lake folds to 5 significant digits, so they are compared to 1e-5; the
// fold conditions themselves hold to 1e-9.
TEST(regime_theory, lake_folds_match_the_spec) {
    const auto definition = lake_definition();
    const lake_equations equations;
    const bifurcation upward = bifurcation_of(definition, equations);
    EXPECT_EQ(upward.kind, bifurcation_kind::fold);
    EXPECT_NEAR(upward.control, 0.66004, 1e-5);
    const bifurcation downward = other_fold(equations, 1.5, 0.5, -1.0);
    EXPECT_NEAR(downward.control, 0.38864, 1e-5);
    for (const bifurcation* fold : {&upward, &downward}) {
        const state_vector<1> x{fold->state[0]};
        EXPECT_NEAR(equations.drift(x, fold->control)[0], 0, 1e-12);
        EXPECT_NEAR(equations.jacobian(x, fold->control)[0][0], 0, 1e-9);
    }
}

TEST(regime_theory, harvest_is_transcritical_at_growth_rate) {
    const harvest_equations equations{1.3, 2.0};
    const bifurcation point = bifurcation_of(harvest_definition(), equations);
    EXPECT_EQ(point.kind, bifurcation_kind::eigenvalue_crossing);
    EXPECT_NEAR(point.control, 1.3, 1e-9);
    const equilibrium e = equilibrium_of(harvest_definition(), equations, 0.4);
    EXPECT_NEAR(e.state[0], 2.0 * (1 - 0.4 / 1.3), 1e-12);
    EXPECT_NEAR(e.leading_eigenvalue.real(), -(1.3 - 0.4), 1e-12);
}

TEST(regime_theory, saddle_node_eigenvalue_is_minus_two_root_mu) {
    const auto definition = saddle_node_definition();
    const saddle_node_equations equations;
    for (const double mu : {4.0, 1.0, 0.25, 0.01, 1e-4}) {
        const equilibrium e = equilibrium_of(definition, equations, mu);
        ASSERT_TRUE(e.stable()) << mu;
        EXPECT_NEAR(e.state[0], std::sqrt(mu), 1e-12);
        EXPECT_NEAR(e.leading_eigenvalue.real(), -2 * std::sqrt(mu), 1e-12);
    }
    const bifurcation fold = bifurcation_of(definition, equations);
    EXPECT_EQ(fold.kind, bifurcation_kind::fold);
    EXPECT_NEAR(fold.control, 0.0, 1e-6);
    EXPECT_FALSE(equilibrium_of(definition, equations, -0.1).found);
}

TEST(regime_theory, lsn_and_ou_have_their_closed_forms) {
    const lsn_equations lsn{10};
    const equilibrium e = equilibrium_of(lsn_definition(), lsn, 0.09);
    EXPECT_NEAR(e.state[0], 0.3 + 10, 1e-12);
    EXPECT_NEAR(e.leading_eigenvalue.real(), -0.6, 1e-12);
    EXPECT_EQ(bifurcation_of(lsn_definition(), lsn).control, 0.0);

    const ou_equations ou{2.0};
    const equilibrium o = equilibrium_of(ou_definition(), ou, 0.7);
    EXPECT_NEAR(o.state[0], 2.0, 1e-12);
    EXPECT_NEAR(o.leading_eigenvalue.real(), -0.7, 1e-12);
    EXPECT_TRUE(std::isnan(bifurcation_of(ou_definition(), ou).control));
}

// Transcritical at a = m / ((e - m h) K) and Hopf where the prey isocline peaks,
// x* = (K - 1/(a h)) / 2; the spec rounds them to 5.882 and 15.686.
TEST(regime_theory, predator_prey_transcritical_and_hopf) {
    const predator_prey_equations equations;
    const double transcritical = 2.0 / ((0.5 - 2.0 * 0.15) * 1.7);
    const double hopf = (20.0 + 1 / 0.15) / 1.7;  // 10/a = (1.7 - 1/(0.15 a)) / 2
    const bifurcation point = bifurcation_of(predator_prey_definition(), equations);
    EXPECT_EQ(point.kind, bifurcation_kind::eigenvalue_crossing);
    EXPECT_NEAR(point.control, hopf, 1e-6);
    EXPECT_NEAR(point.control, 15.686, 5e-4);

    const equations_system<predator_prey_equations> system(equations);
    const branch_definition branch = predator_prey_definition().branch(equations);
    const equilibrium start = newton_equilibrium(system, branch.reference_state, 10.0);
    const bifurcation lower = locate_bifurcation(system, start, -1.0, 1e-2, 0.2, 1.0);
    EXPECT_EQ(lower.kind, bifurcation_kind::eigenvalue_crossing);
    EXPECT_NEAR(lower.control, transcritical, 1e-6);
    EXPECT_NEAR(lower.control, 5.882, 5e-4);

    // Below the Hopf point the leading pair is complex with a negative real part.
    const equilibrium e = continue_equilibrium(system, branch, 12.0);
    EXPECT_LT(e.leading_eigenvalue.real(), 0);
    EXPECT_GT(std::fabs(e.leading_eigenvalue.imag()), 0);
}

TEST(regime_theory, allee_fold_matches_the_spec) {
    const allee_equations equations;
    const equations_system<allee_equations> system(equations);
    Eigen::VectorXd start(1);
    start[0] = 1000;
    const branch_definition branch{start, 0.0, 0.5, 50, +1.0, 1000};
    const bifurcation fold = branch_bifurcation(system, branch);
    EXPECT_EQ(fold.kind, bifurcation_kind::fold);
    EXPECT_NEAR(fold.control, 202.08, 5e-3);  // the spec's 5 digits
    EXPECT_NEAR(fold.state[0], 360.2, 5e-2);
}

// The spec's reference table at sigma = 0.1, sample interval 1.
TEST(regime_theory, grazing_reference_values) {
    const auto definition = grazing_definition();
    const grazing_equations equations;
    struct row {
        double control, eigenvalue, variance, autocorrelation;
    };
    for (const row r : {row{1.0, -0.7806, 0.00641, 0.458}, row{2.4, -0.2713, 0.01843, 0.762},
                        row{2.6, -0.0385, 0.130, 0.962}}) {
        const equilibrium e = equilibrium_of(definition, equations, r.control);
        ASSERT_TRUE(e.stable());
        Eigen::VectorXd noise(1);
        noise[0] = 0.1;
        const linear_noise_prediction p = linear_noise(e.jacobian, noise, 1.0, 0.01);
        EXPECT_NEAR(e.leading_eigenvalue.real(), r.eigenvalue, 5e-5) << r.control;
        EXPECT_NEAR(p.variance / r.variance, 1, 1e-3) << r.control;
        EXPECT_NEAR(p.lag1_autocorrelation, r.autocorrelation, 5e-4) << r.control;
        EXPECT_NEAR(p.variance, 0.01 / (2 * std::fabs(r.eigenvalue)), 2e-3 * p.variance);
    }
}

// Past |1 + lambda h| = 1 the Euler-Maruyama chain has no stationary law: its theory is NaN
// (not the negative variance and huge autocorrelation the Lyapunov solve gives there).
TEST(regime_theory, unstable_euler_maruyama_chain_has_nan_theory) {
    Eigen::MatrixXd jacobian(1, 1);
    jacobian(0, 0) = -1000.0;
    Eigen::VectorXd noise(1);
    noise[0] = 0.1;
    EXPECT_DOUBLE_EQ(euler_amplification(jacobian, 0.01), 9.0);
    EXPECT_DOUBLE_EQ(largest_stable_euler_step(jacobian), 0.002);
    const linear_noise_prediction unstable = linear_noise(jacobian, noise, 1.0, 0.01);
    EXPECT_TRUE(std::isnan(unstable.variance_euler_maruyama));
    EXPECT_TRUE(std::isnan(unstable.lag1_autocorrelation_euler_maruyama));
    EXPECT_GT(unstable.variance, 0);
    const linear_noise_prediction stable = linear_noise(jacobian, noise, 1.0, 0.001);
    EXPECT_NEAR(stable.variance_euler_maruyama,
                euler_maruyama_stationary_variance(-1000.0, 0.1, 0.001), 1e-12);

    Eigen::MatrixXd rotating(2, 2);  // eigenvalues -1 +- 3i: h < 2 / 10
    rotating << -1, 3, -3, -1;
    EXPECT_NEAR(largest_stable_euler_step(rotating), 0.2, 1e-12);
    EXPECT_LT(euler_amplification(rotating, 0.19), 1);
    EXPECT_GT(euler_amplification(rotating, 0.21), 1);
}

// Near a fold lambda ~ sqrt(c_fold - c): the spec's ratio stays within 0.58-0.62.
TEST(regime_theory, grazing_eigenvalue_scales_as_root_distance_to_fold) {
    const auto definition = grazing_definition();
    const grazing_equations equations;
    for (double c = 1.0; c <= 2.6 + 1e-12; c += 0.1) {
        const equilibrium e = equilibrium_of(definition, equations, c);
        const double ratio = std::fabs(e.leading_eigenvalue.real()) / std::sqrt(2.604365 - c);
        EXPECT_GE(ratio, 0.58) << c;
        EXPECT_LE(ratio, 0.62) << c;
    }
}

TEST(regime_theory, linear_noise_closed_forms_in_one_dimension) {
    Eigen::MatrixXd jacobian(1, 1);
    jacobian(0, 0) = -0.8;
    Eigen::VectorXd noise(1);
    noise[0] = 0.3;
    for (const double h : {0.01, 0.1, 0.5, 1.0, 1.5}) {
        const linear_noise_prediction p = linear_noise(jacobian, noise, 2.0, h);
        EXPECT_NEAR(p.variance, 0.09 / 1.6, 1e-14);
        EXPECT_NEAR(p.lag1_autocorrelation, std::exp(-1.6), 1e-14);
        EXPECT_NEAR(p.variance_euler_maruyama, euler_maruyama_stationary_variance(-0.8, 0.3, h),
                    1e-14);
        // The chain x' = (1 - 0.8 h) x + noise, sampled every 2 / h steps.
        EXPECT_NEAR(p.lag1_autocorrelation_euler_maruyama,
                    std::pow(1 - 0.8 * h, std::round(2.0 / h)), 1e-12);
    }
    for (const double omega : {0.0, 0.5, 3.0}) {
        EXPECT_NEAR(linear_noise_spectrum(jacobian, noise, omega),
                    0.09 / (2 * M_PI * (omega * omega + 0.64)), 1e-15);
    }
    // Independent samples (e^{-0.8 * 50} ~ 0): the expected sample variance is the variance.
    EXPECT_NEAR(expected_sample_variance(jacobian, noise, 50.0, 100), 0.09 / 1.6, 1e-12);
    // Strongly correlated samples lose the variance of their mean.
    EXPECT_LT(expected_sample_variance(jacobian, noise, 0.01, 100), 0.5 * 0.09 / 1.6);
}

// The Lyapunov solution in two dimensions against the closed form for a diagonal system.
TEST(regime_theory, linear_noise_in_two_dimensions) {
    Eigen::MatrixXd jacobian(2, 2);
    jacobian << -1.0, 0.0, 0.0, -3.0;
    Eigen::VectorXd noise(2);
    noise << 0.5, 2.0;
    const linear_noise_prediction p = linear_noise(jacobian, noise, 0.5, 0.01);
    EXPECT_NEAR(p.variance, 0.25 / 2, 1e-14);
    EXPECT_NEAR(p.lag1_autocorrelation, std::exp(-0.5), 1e-12);
}

}  // namespace
}  // namespace vigil::regime_shifts
