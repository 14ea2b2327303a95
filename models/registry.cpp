#include "engine/error.hpp"
#include "engine/model.hpp"
#include "models/contact_sensing/model.hpp"
#include "models/opposing_signals/model.hpp"
#include "models/regime_shifts/models.hpp"

#include <memory>
#include <string>
#include <vector>

namespace vigil {

const std::vector<std::unique_ptr<model>>& all_models() {
    static const std::vector<std::unique_ptr<model>> models = [] {
        std::vector<std::unique_ptr<model>> list;
        list.push_back(std::make_unique<contact_sensing::contact_sensing_model>());
        list.push_back(std::make_unique<opposing_signals::opposing_signals_model>());
        list.push_back(regime_shifts::make_grazing_model());
        list.push_back(regime_shifts::make_lake_model());
        list.push_back(regime_shifts::make_harvest_model());
        list.push_back(regime_shifts::make_saddle_node_model());
        list.push_back(regime_shifts::make_ou_model());
        list.push_back(regime_shifts::make_lsn_model());
        list.push_back(regime_shifts::make_predator_prey_model());
        list.push_back(regime_shifts::make_allee_ibm_model());
        return list;
    }();
    return models;
}

const model& find_model(const std::string& name) {
    std::string known;
    for (const auto& candidate : all_models()) {
        if (candidate->name() == name) return *candidate;
        known += (known.empty() ? "" : ", ") + candidate->name();
    }
    throw input_error("unknown model \"" + name + "\"; known models: " + known);
}

}  // namespace vigil
