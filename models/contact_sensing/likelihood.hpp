#pragma once

// The per-receptor log-likelihood ratio l_j, "this receptor is in contact" against "it is not",
// for an observer of free time and bound durations (specs/contact-sensing.md, "Inference").
// Every term is finite or an exact +/-infinity, never NaN or an overflow, for any duration.

#include "models/contact_sensing/theory.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <optional>
#include <vector>

namespace vigil::contact_sensing {

// log(1 + e^x) = max(x, 0) + log1p(e^{-|x|}): never overflows (e^{-|x|} <= 1) and keeps full
// relative precision for very negative x; +infinity and -infinity give +infinity and 0.
inline double softplus(double x) {
    if (x > 0) return x + std::log1p(std::exp(-x));
    return std::log1p(std::exp(x));
}

// e^x for x <= 0 (also right for 0 < x < 700), inline and without a library call: with
// k = round(32 x / ln 2) = 32 m + i, e^x = 2^m 2^(i/32) e^r, |r| <= ln(2)/64, where 2^(i/32) is a
// table of correctly rounded doubles, k ln(2)/32 is subtracted in two parts (the first exact)
// and e^r - 1 is its Taylor polynomial of degree 6 (truncation error below 4e-18). Within 1.02
// ulp of e^x (std::exp: 0.51), measured at 2e7 points of [-700, 0] against long double; outside
// [-700, 700] (near the subnormal range, infinities, NaN) it is std::exp. A library call in
// the middle of the renewal loop spilled its registers: inline, a replicate runs 5-8% faster.
inline constexpr double exp2_of_32nds[32] = {
    0x1.0000000000000p+0, 0x1.059b0d3158574p+0, 0x1.0b5586cf9890fp+0, 0x1.11301d0125b51p+0,
    0x1.172b83c7d517bp+0, 0x1.1d4873168b9aap+0, 0x1.2387a6e756238p+0, 0x1.29e9df51fdee1p+0,
    0x1.306fe0a31b715p+0, 0x1.371a7373aa9cbp+0, 0x1.3dea64c123422p+0, 0x1.44e086061892dp+0,
    0x1.4bfdad5362a27p+0, 0x1.5342b569d4f82p+0, 0x1.5ab07dd485429p+0, 0x1.6247eb03a5585p+0,
    0x1.6a09e667f3bcdp+0, 0x1.71f75e8ec5f74p+0, 0x1.7a11473eb0187p+0, 0x1.82589994cce13p+0,
    0x1.8ace5422aa0dbp+0, 0x1.93737b0cdc5e5p+0, 0x1.9c49182a3f090p+0, 0x1.a5503b23e255dp+0,
    0x1.ae89f995ad3adp+0, 0x1.b7f76f2fb5e47p+0, 0x1.c199bdd85529cp+0, 0x1.cb720dcef9069p+0,
    0x1.d5818dcfba487p+0, 0x1.dfc97337b9b5fp+0, 0x1.ea4afa2a490dap+0, 0x1.f50765b6e4540p+0,
};

inline double exp_inline(double x) {
    if (!(x >= -700.0 && x <= 700.0)) return std::exp(x);
    constexpr double thirty_two_over_ln2 = 0x1.71547652b82fep+5;
    constexpr double ln2_over_32_high = 0x1.62e42fee00000p-6;  // 32 bits: k times it is exact
    constexpr double ln2_over_32_low = 0x1.a39ef35793c76p-38;
    constexpr double round_to_integer = 0x1.8p52;  // adding it rounds to an integer in the ulp
    constexpr double c3 = 0x1.5555555555555p-3;    // 1/3!, ..., 1/6!
    constexpr double c4 = 0x1.5555555555555p-5;
    constexpr double c5 = 0x1.1111111111111p-7;
    constexpr double c6 = 0x1.6c16c16c16c17p-10;

    const double shifted = x * thirty_two_over_ln2 + round_to_integer;
    const double k = shifted - round_to_integer;
    const std::int64_t k_bits =
        std::bit_cast<std::int64_t>(shifted) - std::bit_cast<std::int64_t>(round_to_integer);
    const double r = (x - k * ln2_over_32_high) - k * ln2_over_32_low;

    // e^r - 1 by Estrin's scheme (short dependency chains), smallest terms added first.
    const double r2 = r * r;
    const double r4 = r2 * r2;
    const double expm1_r = r + (r2 * (0.5 + r * c3) + r4 * ((c4 + r * c5) + r2 * c6));
    const std::uint64_t exponent = static_cast<std::uint64_t>(k_bits >> 5) << 52;
    const double scale =
        std::bit_cast<double>(std::bit_cast<std::uint64_t>(exp2_of_32nds[k_bits & 31]) + exponent);
    return scale + scale * expm1_r;
}

// The sum of softplus(x_k) over many terms, with one exp per term and one log in all:
// softplus(x) = max(x, 0) + log(1 + y), y = e^{-|x|} <= 1 (exp_inline). With u = fl(1 + y), the
// rounding error d = y - (u - 1) is exact and log(1 + y) = log(u) + d to within 2^-53 d; the u
// are multiplied (rescaled by exact powers of two, so the product never overflows) and the d
// added up, so even terms below 1e-16 keep their relative precision. As accurate as a sum of
// softplus() (tested), and a default replicate runs about 15% faster than with a log1p per bond.
class softplus_sum {
public:
    static constexpr std::size_t batch_capacity = 32;

    void add(double x) { add_batch(&x, 1); }

    // add() of x[0], ..., x[count - 1] in turn (count <= batch_capacity), with the same result
    // bit for bit, arranged for the pipeline: the exps are independent of each other and the
    // product is checked for rescaling once (32 factors in [1, 2] cannot overflow 2^500 * 2^32,
    // and a power of two commutes exactly with the multiplications).
    void add_batch(const double* x, std::size_t count) {
        double y[batch_capacity];
        for (std::size_t k = 0; k < count; ++k) y[k] = exp_inline(-std::fabs(x[k]));
        for (std::size_t k = 0; k < count; ++k) {
            linear_ += std::max(x[k], 0.0);
            const double u = 1.0 + y[k];
            rounding_ += y[k] - (u - 1.0);
            product_ *= u;
        }
        if (product_ > rescale_above_) {
            product_ *= 1.0 / rescale_above_;
            rescalings_ += 1;
        }
    }

    double value() const {
        return linear_ + (std::log(product_) + rescalings_ * log_rescale_) + rounding_;
    }

private:
    static constexpr double rescale_above_ = 0x1p500;
    static constexpr double log_rescale_ = 500 * std::numbers::ln2;

    double linear_ = 0;
    double product_ = 1;
    double rounding_ = 0;
    double rescalings_ = 0;
};

// The binding rates a receptor sees: where ephrin and interferer are present or absent.
struct local_binding_rates {
    double ephrin = 0;      // a_E at this receptor
    double interferer = 0;  // a_I at this receptor
};

// Binding rates of one receptor in contact and out of contact, for a given interferer placement
// with sharp edges: "everywhere": (a_E, a_I) and (0, a_I); "outside": (a_E, 0) and (0, a_I).
local_binding_rates rates_in_contact(const kinetic_rates& rates, interferer_placement placement);
local_binding_rates rates_out_of_contact(const kinetic_rates& rates);

// What the cell observes of one receptor over [0, T]: its total free time, the durations of its
// completed bonds and the elapsed duration of a bond still open at T. A bond open at time 0 in
// the "steady" start is known to be an interferer bond and is left out (it cancels from l_j).
struct observed_receptor_path {
    double free_time = 0;
    std::vector<double> completed_bonds;
    std::optional<double> censored_bond;
};

// Log-likelihood of an observed path under the binding rates `local` (unbinding rates from
// `rates`): -(a_E + a_I) T_u + sum log(a_E mu_E e^{-mu_E tau} + a_I mu_I e^{-mu_I tau})
// + log(a_E e^{-mu_E tau_c} + a_I e^{-mu_I tau_c}), each log by log-sum-exp; -infinity when a
// bond is observed that the rates make impossible. Used to check the closed forms below.
double path_log_likelihood(const local_binding_rates& local, const kinetic_rates& rates,
                           const observed_receptor_path& path);

// l_j = path_log_likelihood(in contact) - path_log_likelihood(out of contact), in closed form,
// split into the contributions of free time and of each bond so that a simulation can add them
// up as the path unfolds. Cheap to copy; all members are constants of the rates.
//   everywhere: -a_E T_u + sum softplus(log(a_E mu_E / (a_I mu_I)) + (mu_I - mu_E) tau)
//               + softplus(log(a_E / a_I) + (mu_I - mu_E) tau_c)
//   outside:    (a_I - a_E) T_u + sum [log(a_E mu_E / (a_I mu_I)) + (mu_I - mu_E) tau]
//               + log(a_E / a_I) + (mu_I - mu_E) tau_c
// With a_I = 0 any bond gives +infinity (binding is impossible out of contact); with a_E = 0 and
// the interferer outside, any bond gives -infinity. a_E = a_I = 0 is not a valid model.
class receptor_log_likelihood_ratio {
public:
    receptor_log_likelihood_ratio(const kinetic_rates& rates, interferer_placement placement);

    // Contribution of free time (per unit time, and for a period of length `duration`).
    double free_time_rate() const { return free_time_rate_; }
    double free_period(double duration) const { return free_time_rate_ * duration; }

    double completed_bond(double duration) const {
        return bond_term(log_weight_completed_ + duration_slope_ * duration);
    }
    double censored_bond(double duration) const {
        return bond_term(log_weight_censored_ + duration_slope_ * duration);
    }

    double evaluate(const observed_receptor_path& path) const;

    // Adds up l_j along one path as it is simulated, bond by bond, without storing it; equal to
    // evaluate() on the same path up to rounding (a few ulp per bond).
    class path_sum {
    public:
        explicit path_sum(const receptor_log_likelihood_ratio& llr) : llr_(&llr) {}

        void add_completed_bond(double duration) { add_log_odds(completed_log_odds(duration)); }
        void add_censored_bond(double duration) { add_log_odds(censored_log_odds(duration)); }
        double value(double free_time) const {
            const double bonds = llr_->placement_ == interferer_placement::everywhere
                                     ? softplus_terms_.value()
                                     : linear_terms_;
            return llr_->free_period(free_time) + bonds;
        }

        // The two halves of add_*_bond, for a caller that keeps a few bonds' log-odds (cheap)
        // and adds them later in the same order (the exp): the same l_j, bit for bit.
        double completed_log_odds(double duration) const {
            return llr_->log_weight_completed_ + llr_->duration_slope_ * duration;
        }
        double censored_log_odds(double duration) const {
            return llr_->log_weight_censored_ + llr_->duration_slope_ * duration;
        }
        void add_log_odds(double log_odds) { add_log_odds_batch(&log_odds, 1); }

        // add_log_odds() of each in turn; count <= softplus_sum::batch_capacity.
        void add_log_odds_batch(const double* log_odds, std::size_t count) {
            if (llr_->placement_ == interferer_placement::everywhere) {
                softplus_terms_.add_batch(log_odds, count);
            } else {
                for (std::size_t k = 0; k < count; ++k) linear_terms_ += log_odds[k];
            }
        }

    private:
        const receptor_log_likelihood_ratio* llr_;
        softplus_sum softplus_terms_;
        double linear_terms_ = 0;
    };

private:
    double bond_term(double log_odds) const {
        return placement_ == interferer_placement::everywhere ? softplus(log_odds) : log_odds;
    }

    interferer_placement placement_;
    double free_time_rate_;        // -a_E, or a_I - a_E when the interferer is outside
    double log_weight_completed_;  // log(a_E mu_E / (a_I mu_I))
    double log_weight_censored_;   // log(a_E / a_I)
    double duration_slope_;        // mu_I - mu_E
};

}  // namespace vigil::contact_sensing
