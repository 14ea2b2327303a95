#include "scan.hpp"

#include "error.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace vigil {

namespace {

// The limit that keeps a plan's work numbers in 64 bits (the points' limit is scan_max_points).
constexpr std::uint64_t max_work = std::uint64_t{1} << 62;

// One grid axis: one parameter, or several zipped parameters of equal length.
struct scan_axis {
    std::vector<std::string> names;
    std::vector<std::vector<parameter_value>> values;  // values[name index][position]
    toml::source_position start;  // where it is written: axes keep the file's order, also
                                  // inside an inline table (where all share one line)
    std::size_t length() const { return values.front().size(); }
};

// What a TOML value is, for messages about values of the wrong kind.
std::string toml_kind(const toml::node& node) {
    if (node.is_boolean()) return "a boolean";
    if (node.is_array()) return "a list";
    if (node.is_table()) return "a table";
    return "a date or time";
}

class scan_reader {
public:
    scan_reader(const std::string& path, const toml::table& root, std::size_t max_points)
        : path_(path), root_(root), max_points_(max_points) {}

    scan_plan read(const std::string& text) {
        check_keys(root_, "",
                   {"model", "seed", "replicates", "trajectories", "title", "parameters", "scan"});
        scan_plan plan;
        plan.path = path_;
        plan.text = text;
        plan.model_name = required_string("model");
        const model& chosen = find_model_named(plan.model_name);
        plan.seed = unsigned_integer("seed", 0, true);
        plan.replicates = unsigned_integer("replicates", 1, true);
        plan.trajectories = unsigned_integer("trajectories", 0, false);
        if (plan.trajectories > plan.replicates) {
            refuse("trajectories",
                   fmt::format("{} is more than replicates = {}: it counts the first replicates "
                               "of each point whose detail is kept; allowed: an integer from 0 "
                               "to {}",
                               plan.trajectories, plan.replicates, plan.replicates));
        }
        replicates_ = plan.replicates;
        if (const auto* title = root_.get("title"); title != nullptr && !title->is_string()) {
            refuse("title", "expected a string describing the study");
        }

        const auto specs = chosen.parameters();
        const parameter_set fixed = read_fixed(specs);
        const auto axes = read_axes(specs, fixed);
        for (const auto& axis : axes) {
            for (const auto& name : axis.names) plan.scanned_names.push_back(name);
        }
        plan.points = expand(specs, fixed, axes, chosen);
        return plan;
    }

private:
    [[noreturn]] void refuse(const std::string& key, const std::string& what) const {
        throw input_error(fmt::format("{}: {}: {}", path_, key, what));
    }

    const model& find_model_named(const std::string& name) const {
        try {
            return find_model(name);
        } catch (const input_error& error) {
            refuse("model", error.what());
        }
    }

    void check_keys(const toml::table& table, const std::string& prefix,
                    const std::set<std::string>& allowed) const {
        for (const auto& [key, node] : table) {
            const std::string name(key.str());
            if (allowed.count(name) == 0) {
                std::string list;
                for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
                refuse(prefix + name, "unknown key; allowed here: " + list);
            }
        }
    }

    std::string required_string(const std::string& key) const {
        const auto* node = root_.get(key);
        if (node == nullptr) refuse(key, "missing; write e.g. model = \"contact_sensing\"");
        const auto value = node->value<std::string>();
        if (!node->is_string() || !value) refuse(key, "expected a string");
        return *value;
    }

    std::uint64_t unsigned_integer(const std::string& key, std::int64_t minimum,
                                   bool required) const {
        const auto* node = root_.get(key);
        if (node == nullptr) {
            if (required) refuse(key, fmt::format("missing; an integer >= {}", minimum));
            return 0;
        }
        if (node->is_floating_point()) {
            refuse(key, fmt::format("expected an integer >= {}, written without a decimal point "
                                    "or exponent (e.g. 1200, not 1200.0 or 1.2e3)",
                                    minimum));
        }
        if (!node->is_integer()) refuse(key, fmt::format("expected an integer >= {}", minimum));
        const auto value = node->as_integer()->get();
        if (value < minimum) {
            refuse(key,
                   fmt::format("{} is out of range; allowed: an integer >= {}", value, minimum));
        }
        return static_cast<std::uint64_t>(value);
    }

    const parameter_spec& spec_named(const std::vector<parameter_spec>& specs,
                                     const std::string& key, const std::string& name) const {
        for (const auto& spec : specs) {
            if (spec.name == name) return spec;
        }
        std::string list;
        for (const auto& spec : specs) list += (list.empty() ? "" : ", ") + spec.name;
        refuse(key, "unknown parameter; this model has: " + list);
    }

    parameter_value checked(const parameter_spec& spec, const toml::node& node,
                            const std::string& key) const {
        parameter_value value;
        if (node.is_integer()) {
            value = static_cast<double>(node.as_integer()->get());
        } else if (node.is_floating_point()) {
            value = node.as_floating_point()->get();
        } else if (node.is_string()) {
            value = node.as_string()->get();
        } else {
            refuse(key, fmt::format("expected {}, got {}", spec.allowed(), toml_kind(node)));
        }
        return check_value(spec, value, path_ + ": " + key);
    }

    const toml::table* optional_table(const toml::table& parent, const std::string& key,
                                      const std::string& full_key) const {
        const auto* node = parent.get(key);
        if (node == nullptr) return nullptr;
        if (!node->is_table()) refuse(full_key, "expected a table");
        return node->as_table();
    }

    parameter_set read_fixed(const std::vector<parameter_spec>& specs) const {
        parameter_set fixed;
        const auto* table = optional_table(root_, "parameters", "parameters");
        if (table == nullptr) return fixed;
        for (const auto& [key, node] : *table) {
            const std::string name(key.str());
            const std::string full = "parameters." + name;
            fixed.set(name, checked(spec_named(specs, full, name), node, full));
        }
        return fixed;
    }

    std::vector<parameter_value> axis_values(const parameter_spec& spec, const toml::node& node,
                                             const std::string& key) const {
        std::vector<parameter_value> values;
        if (const auto* list = node.as_array()) {
            for (const auto& element : *list) values.push_back(checked(spec, element, key));
        } else if (const auto* range = node.as_table()) {
            values = range_values(spec, *range, key);
        } else {
            refuse(key,
                   "expected a list of values or { linspace = [first, last, count] } "
                   "or { logspace = [first, last, count] }");
        }
        if (values.empty()) refuse(key, "empty scan axis; give at least one value");
        return values;
    }

    std::vector<parameter_value> range_values(const parameter_spec& spec, const toml::table& range,
                                              const std::string& key) const {
        check_keys(range, key + ".", {"linspace", "logspace"});
        if (range.size() != 1) refuse(key, "give exactly one of linspace or logspace");
        const bool logarithmic = range.contains("logspace");
        const std::string form = logarithmic ? "logspace" : "linspace";
        const auto* triple = range.get(form)->as_array();
        const bool shaped = triple != nullptr && triple->size() == 3 && (*triple)[0].is_number() &&
                            (*triple)[1].is_number() && (*triple)[2].is_integer();
        if (!shaped)
            refuse(key + "." + form, "expected [first, last, count] with an integer count");

        const double first = (*triple)[0].value<double>().value();
        const double last = (*triple)[1].value<double>().value();
        const auto count = (*triple)[2].as_integer()->get();
        if (count < 1) refuse(key + "." + form, "empty scan axis; count must be >= 1");
        // Checked before the values are made: the grid's limit comes only after every axis.
        if (static_cast<std::uint64_t>(count) > max_points_) {
            refuse(key + "." + form,
                   fmt::format("count {} is more points than a scan may hold ({:.0e})", count,
                               double(max_points_)));
        }
        if (!std::isfinite(first) || !std::isfinite(last)) {
            refuse(key + "." + form, "first and last must be finite numbers");
        }
        if (logarithmic && (first <= 0 || last <= 0)) {
            refuse(key + ".logspace",
                   "first and last must be > 0 (they are values, not exponents)");
        }

        if (count == 1 && first != last) {
            refuse(key + "." + form,
                   fmt::format("count 1 gives a single point, so first and last must be equal "
                               "(got {} and {}); for one value write [value]",
                               first, last));
        }

        // The ends are taken as written; the points between are rounded to 15 significant
        // digits, so that a range through round numbers hits them (logspace [10, 1000, 3] gives
        // 100, not 100.00000000000004, which an integer parameter would refuse).
        std::vector<parameter_value> values;
        for (std::int64_t i = 0; i < count; ++i) {
            double value = i == 0 ? first : last;
            if (i > 0 && i < count - 1) {
                const double fraction = static_cast<double>(i) / static_cast<double>(count - 1);
                const double computed =
                    logarithmic
                        ? std::exp(std::log(first) + fraction * (std::log(last) - std::log(first)))
                        : first + fraction * (last - first);
                value = std::strtod(fmt::format("{:.15g}", computed).c_str(), nullptr);
            }
            values.push_back(check_value(spec, value, path_ + ": " + key));
        }
        return values;
    }

    std::vector<scan_axis> read_axes(const std::vector<parameter_spec>& specs,
                                     const parameter_set& fixed) const {
        std::vector<scan_axis> axes;
        const auto* table = optional_table(root_, "scan", "scan");
        if (table == nullptr) return axes;
        std::set<std::string> seen;
        const auto claim = [&](const std::string& name, const std::string& key) {
            if (fixed.has(name)) refuse(key, "given both in [parameters] and in [scan]");
            if (!seen.insert(name).second) refuse(key, "scanned twice");
        };

        for (const auto& [key, node] : *table) {
            const std::string name(key.str());
            if (name == "zip") continue;
            const std::string full = "scan." + name;
            claim(name, full);
            scan_axis axis;
            axis.names = {name};
            axis.values = {axis_values(spec_named(specs, full, name), node, full)};
            axis.start = node.source().begin;
            axes.push_back(std::move(axis));
        }

        if (const auto* zip = optional_table(*table, "zip", "scan.zip")) {
            scan_axis axis;
            axis.start = zip->source().begin;
            // Members in the order written (toml++ keeps a table's keys sorted by name).
            std::vector<std::pair<std::string, const toml::node*>> members;
            for (const auto& [key, node] : *zip) members.emplace_back(key.str(), &node);
            std::stable_sort(members.begin(), members.end(), [](const auto& a, const auto& b) {
                const auto& p = a.second->source().begin;
                const auto& q = b.second->source().begin;
                return std::pair(p.line, p.column) < std::pair(q.line, q.column);
            });
            for (const auto& [name, member] : members) {
                const toml::node& node = *member;
                const std::string full = "scan.zip." + name;
                claim(name, full);
                axis.names.push_back(name);
                axis.values.push_back(axis_values(spec_named(specs, full, name), node, full));
                if (axis.values.back().size() != axis.values.front().size()) {
                    refuse(full, fmt::format("zipped axes need equal lengths: {} has {}, {} has {}",
                                             axis.names.front(), axis.values.front().size(), name,
                                             axis.values.back().size()));
                }
            }
            if (axis.names.empty()) refuse("scan.zip", "empty scan axis; name at least one");
            axes.push_back(std::move(axis));
        }

        std::stable_sort(axes.begin(), axes.end(), [](const scan_axis& a, const scan_axis& b) {
            return std::pair(a.start.line, a.start.column) <
                   std::pair(b.start.line, b.start.column);
        });
        return axes;
    }

    std::vector<parameter_set> expand(const std::vector<parameter_spec>& specs,
                                      const parameter_set& fixed,
                                      const std::vector<scan_axis>& axes,
                                      const model& chosen) const {
        std::size_t total = 1;
        for (const auto& axis : axes) {
            if (axis.length() > max_points_ / total) {
                refuse("scan", fmt::format("the grid has more than {:.0e} points; split the scan "
                                           "into several files",
                                           double(max_points_)));
            }
            total *= axis.length();
        }
        if (replicates_ > max_work / total) {
            refuse("replicates", fmt::format("{} points x {} replicates is more work than one scan "
                                             "may hold (at most {:.2e} replicates in all)",
                                             total, replicates_, double(max_work)));
        }

        std::vector<parameter_set> points;
        points.reserve(total);
        for (std::size_t index = 0; index < total; ++index) {
            parameter_set point;
            std::map<std::string, parameter_value> scanned;
            std::size_t rest = index;
            for (auto axis = axes.rbegin(); axis != axes.rend(); ++axis) {
                const std::size_t position = rest % axis->length();
                rest /= axis->length();
                for (std::size_t n = 0; n < axis->names.size(); ++n) {
                    scanned[axis->names[n]] = axis->values[n][position];
                }
            }
            for (const auto& spec : specs) {
                if (scanned.count(spec.name)) {
                    point.set(spec.name, scanned[spec.name]);
                } else if (fixed.has(spec.name)) {
                    point.set(spec.name, fixed.get(spec.name));
                } else if (spec.default_value) {
                    point.set(spec.name, *spec.default_value);
                }
            }
            check_point(chosen, point, axes, index, total);
            chosen.complete(point);
            points.push_back(std::move(point));
        }
        return points;
    }

    void check_point(const model& chosen, const parameter_set& point,
                     const std::vector<scan_axis>& axes, std::size_t index,
                     std::size_t total) const {
        try {
            chosen.check(point);
        } catch (const input_error& error) {
            std::string where;
            if (!axes.empty()) {
                std::vector<std::string> values;
                for (const auto& axis : axes) {
                    for (const auto& name : axis.names) {
                        values.push_back(name + " = " + to_string(point.get(name)));
                    }
                }
                where = fmt::format(" (scan point {} of {}: {})", index + 1, total,
                                    fmt::join(values, ", "));
            }
            throw input_error(fmt::format("{}{}: {}", path_, where, error.what()));
        }
    }

    std::string path_;
    const toml::table& root_;
    std::size_t max_points_;
    std::uint64_t replicates_ = 0;
};

}  // namespace

scan_plan parse_scan(const std::string& text, const std::string& path, std::size_t max_points) {
    toml::table root;
    try {
        root = toml::parse(text, path);
    } catch (const toml::parse_error& error) {
        const auto& where = error.source().begin;
        throw input_error(
            fmt::format("{}:{}:{}: {}", path, where.line, where.column, error.description()));
    }
    return scan_reader(path, root, max_points).read(text);
}

scan_plan read_scan_file(const std::string& path, std::uint64_t max_bytes) {
    if (std::filesystem::is_directory(path)) {
        throw input_error(fmt::format("{}: is a directory, not a scan file", path));
    }
    std::ifstream file(path, std::ios::binary);
    if (!file) throw input_error(fmt::format("{}: cannot open the scan file", path));

    // Read in chunks, never more than one byte past the cap: the file may have no end.
    std::string text;
    std::vector<char> chunk(64 * 1024);
    while (file) {
        const auto wanted = std::min<std::uint64_t>(chunk.size(), max_bytes + 1 - text.size());
        file.read(chunk.data(), static_cast<std::streamsize>(wanted));
        text.append(chunk.data(), static_cast<std::size_t>(file.gcount()));
        if (text.size() > max_bytes) {
            throw input_error(fmt::format(
                "{}: larger than {}, the most a scan file may hold (a TOML text, usually a few kB)",
                path, byte_count_text(max_bytes)));
        }
    }
    if (file.bad()) throw input_error(fmt::format("{}: cannot read the scan file", path));
    return parse_scan(text, path);
}

}  // namespace vigil
