#pragma once

// Model parameters: what a model declares (parameter_spec) and the checked values one scan
// point uses (parameter_set). Checking happens once, in check_parameters; a parameter_set
// that exists holds only declared names, each of the declared kind, finite and in range.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace vigil {

using parameter_value = std::variant<double, std::string>;

enum class parameter_kind { real, integer, choice };

struct parameter_spec {
    std::string name;
    parameter_kind kind = parameter_kind::real;
    std::string unit;  // "1" for dimensionless, "" for choices
    std::string description;
    std::optional<parameter_value> default_value;  // nullopt: optional, no default
    double minimum = -std::numeric_limits<double>::infinity();
    double maximum = std::numeric_limits<double>::infinity();
    bool minimum_inclusive = true;
    bool maximum_inclusive = true;
    std::vector<std::string> choices;  // allowed values of a choice parameter

    // "in [0, inf)", "in (0, 10]", "one of \"a\", \"b\"", for error messages and listings.
    std::string allowed() const;
};

// The values of one scan point, in the order the model declares its parameters. Parameters
// that are optional without default and were not given are absent.
class parameter_set {
public:
    void set(const std::string& name, parameter_value value);
    bool has(const std::string& name) const;
    const parameter_value& get(const std::string& name) const;  // throws std::out_of_range

    double real(const std::string& name) const;
    std::int64_t integer(const std::string& name) const;  // out_of_range beyond 64 bits
    const std::string& choice(const std::string& name) const;

    const std::vector<std::pair<std::string, parameter_value>>& entries() const { return entries_; }

private:
    std::vector<std::pair<std::string, parameter_value>> entries_;
};

// Builders for the rows of a model's parameter table. A default of nullopt makes the parameter
// optional; the range is [minimum, maximum], each end closed unless its flag says otherwise.
parameter_spec real_parameter(const std::string& name, const std::string& unit,
                              const std::string& description, std::optional<double> default_value,
                              double minimum, double maximum, bool minimum_inclusive = true,
                              bool maximum_inclusive = true);
parameter_spec integer_parameter(const std::string& name, const std::string& unit,
                                 const std::string& description,
                                 std::optional<double> default_value, double minimum,
                                 double maximum);
// The first choice is the default.
parameter_spec choice_parameter(const std::string& name, const std::string& description,
                                std::vector<std::string> choices);

// Checks one given value against its spec; throws input_error naming `where` (e.g.
// "scan.toml: parameters.receptors") and what is allowed.
parameter_value check_value(const parameter_spec& spec, const parameter_value& value,
                            const std::string& where);

// The value as written back: the shortest text that reads as the same double, or the string.
std::string to_string(const parameter_value& value);

}  // namespace vigil
