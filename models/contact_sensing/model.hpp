#pragma once

// The contact-sensing model (specs/contact-sensing.md): each replicate simulates a contact (H1)
// and an independent no-contact (H0) ensemble and infers the arc from each. Results depend only
// on the replicate's streams; a prepared simulator is immutable and safe to share across threads.

#include "engine/model.hpp"
#include "models/contact_sensing/kinetics.hpp"
#include "models/contact_sensing/likelihood.hpp"
#include "models/contact_sensing/theory.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace vigil::contact_sensing {

// The random streams of one replicate, by id: listed here and nowhere else.
enum class stream_id : std::uint64_t {
    contact_geometry = 0,     // the true contact centre
    contact_ensemble = 1,     // every receptor's kinetics with the contact (H1)
    no_contact_ensemble = 2,  // every receptor's kinetics without it (H0)
};

// What the cell observes of each receptor. Only bound durations for now; an observer of
// time-averaged occupancy would add a value here and its l_j in contact_sensing_simulator.
enum class observer_kind { binding_durations };

// Ephrin level (0..1) at a receptor whose distance outside the contact edge is
// `distance_outside_um` (negative inside): 1 inside and 0 outside for sharp edges
// (edge_width_um = 0), else the logistic 1 / (1 + e^{4 x / xi}), whose slope at the edge is that
// of a linear ramp of width xi. With the interferer "outside" its level is 1 minus this.
double ephrin_level(double distance_outside_um, double edge_width_um);

// Everything one scan point needs, read from its parameters and checked.
struct point_configuration {
    std::size_t receptors = 400;
    double radius_um = 10;
    double contact_width_rad = 0.1;  // the arc's angular width Delta
    kinetic_rates rates;
    interferer_placement placement = interferer_placement::everywhere;
    initial_state start = initial_state::unbound;
    observer_kind observer = observer_kind::binding_durations;
    double observation_time = 2;
    double edge_width_um = 0;
};

// Reads a parameter set that contact_sensing_model::check accepted. When neither
// contact_length_um nor contact_receptors is given the contact is 1 um long.
point_configuration read_configuration(const parameter_set& values);

// Simulates replicates of one scan point. Holds only constants computed once (rates, the
// constants of l_j, receptor angles); simulate() is const and may run on many threads at once.
class contact_sensing_simulator final : public point_simulator {
public:
    explicit contact_sensing_simulator(const point_configuration& configuration);

    // Fills the result fields of contact_sensing_model::results(), in order. A receptor is in
    // contact when its circular distance to the centre is below Delta/2 (all of them when
    // Delta = 2 pi). With a trajectory, records l_j of the contact ensemble and its events.
    void simulate(const replicate_streams& streams, std::span<double> results,
                  trajectory_record* trajectory) const override;

private:
    struct ensemble_outcome {
        double glrt_statistic = 0;
        double centre_estimate_rad = 0;
        double width_estimate_rad = 0;
        double binding_events = 0;
    };

    // l_j of receptor j from what the observer sees of its simulated path.
    double observed_log_likelihood_ratio(const receptor_outcome& outcome) const;
    receptor_kinetics kinetics_at(double distance_from_centre_rad) const;
    ensemble_outcome infer_arc(std::span<const double> log_likelihood_ratios,
                               double binding_events) const;

    point_configuration configuration_;
    receptor_log_likelihood_ratio scorer_;
    receptor_kinetics in_contact_;
    receptor_kinetics out_of_contact_;  // also every receptor of the no-contact ensemble
    double half_width_rad_;
    std::vector<double> receptor_angles_;
};

class contact_sensing_model final : public model {
public:
    std::string name() const override { return "contact_sensing"; }
    std::string summary() const override;
    std::vector<parameter_spec> parameters() const override;
    std::vector<result_field> results() const override;
    void check(const parameter_set& values) const override;
    void complete(parameter_set& values) const override;
    std::unique_ptr<point_simulator> prepare(const parameter_set& values) const override;
    std::vector<report_column> analyze(const parameter_set& values, const point_results& results,
                                       const analysis_options& options) const override;
};

}  // namespace vigil::contact_sensing
