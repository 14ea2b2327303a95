#pragma once

// The regime-shift model family (specs/regime-shifts.md): seven SDE models on Boost.Odeint and
// the individual-based allee_ibm. Each factory returns a stateless model object; listed in
// models/registry.cpp.

#include "engine/model.hpp"
#include "models/regime_shifts/continuous_model.hpp"
#include "models/regime_shifts/equations.hpp"

#include <memory>

namespace vigil::regime_shifts {

continuous_definition<grazing_equations> grazing_definition();
continuous_definition<lake_equations> lake_definition();
continuous_definition<harvest_equations> harvest_definition();
continuous_definition<saddle_node_equations> saddle_node_definition();
continuous_definition<ou_equations> ou_definition();
continuous_definition<lsn_equations> lsn_definition();
continuous_definition<predator_prey_equations> predator_prey_definition();

std::unique_ptr<model> make_grazing_model();
std::unique_ptr<model> make_lake_model();
std::unique_ptr<model> make_harvest_model();
std::unique_ptr<model> make_saddle_node_model();
std::unique_ptr<model> make_ou_model();
std::unique_ptr<model> make_lsn_model();
std::unique_ptr<model> make_predator_prey_model();
std::unique_ptr<model> make_allee_ibm_model();

}  // namespace vigil::regime_shifts
