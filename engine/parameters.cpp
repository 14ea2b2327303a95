#include "parameters.hpp"

#include "error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace vigil {

namespace {

std::string format_bound(double bound) {
    if (std::isinf(bound)) return bound < 0 ? "-inf" : "inf";
    return fmt::format("{:g}", bound);
}

std::string quoted_choices(const std::vector<std::string>& choices) {
    std::string text;
    for (const auto& choice : choices) {
        if (!text.empty()) text += ", ";
        text += fmt::format("\"{}\"", choice);
    }
    return text;
}

}  // namespace

std::string parameter_spec::allowed() const {
    if (kind == parameter_kind::choice) return "one of " + quoted_choices(choices);
    const std::string kind_name = kind == parameter_kind::integer ? "an integer" : "a number";
    // An infinite bound is open whatever the table says: values must be finite.
    return fmt::format("{} in {}{}, {}{}", kind_name,
                       minimum_inclusive && std::isfinite(minimum) ? "[" : "(",
                       format_bound(minimum), format_bound(maximum),
                       maximum_inclusive && std::isfinite(maximum) ? "]" : ")");
}

void parameter_set::set(const std::string& name, parameter_value value) {
    for (auto& entry : entries_) {
        if (entry.first == name) {
            entry.second = std::move(value);
            return;
        }
    }
    entries_.emplace_back(name, std::move(value));
}

bool parameter_set::has(const std::string& name) const {
    return std::any_of(entries_.begin(), entries_.end(),
                       [&](const auto& entry) { return entry.first == name; });
}

const parameter_value& parameter_set::get(const std::string& name) const {
    for (const auto& entry : entries_) {
        if (entry.first == name) return entry.second;
    }
    throw std::out_of_range("parameter \"" + name + "\" is not set");
}

double parameter_set::real(const std::string& name) const {
    const auto& value = get(name);
    if (const auto* number = std::get_if<double>(&value)) return *number;
    throw std::out_of_range("parameter \"" + name + "\" is not a number");
}

std::int64_t parameter_set::integer(const std::string& name) const {
    const double value = real(name);
    // Checked values are in range; anything else would make the conversion undefined.
    if (!(value >= -0x1p63 && value < 0x1p63)) {
        throw std::out_of_range(
            fmt::format("parameter \"{}\" = {} is not a 64-bit integer", name, value));
    }
    return static_cast<std::int64_t>(value);
}

const std::string& parameter_set::choice(const std::string& name) const {
    const auto& value = get(name);
    if (const auto* text = std::get_if<std::string>(&value)) return *text;
    throw std::out_of_range("parameter \"" + name + "\" is not a choice");
}

parameter_spec real_parameter(const std::string& name, const std::string& unit,
                              const std::string& description, std::optional<double> default_value,
                              double minimum, double maximum, bool minimum_inclusive,
                              bool maximum_inclusive) {
    parameter_spec spec;
    spec.name = name;
    spec.kind = parameter_kind::real;
    spec.unit = unit;
    spec.description = description;
    if (default_value) spec.default_value = *default_value;
    spec.minimum = minimum;
    spec.maximum = maximum;
    spec.minimum_inclusive = minimum_inclusive;
    spec.maximum_inclusive = maximum_inclusive;
    return spec;
}

parameter_spec integer_parameter(const std::string& name, const std::string& unit,
                                 const std::string& description,
                                 std::optional<double> default_value, double minimum,
                                 double maximum) {
    parameter_spec spec = real_parameter(name, unit, description, default_value, minimum, maximum);
    spec.kind = parameter_kind::integer;
    return spec;
}

parameter_spec choice_parameter(const std::string& name, const std::string& description,
                                std::vector<std::string> choices) {
    parameter_spec spec;
    spec.name = name;
    spec.kind = parameter_kind::choice;
    spec.description = description;
    spec.default_value = choices.front();
    spec.choices = std::move(choices);
    return spec;
}

parameter_value check_value(const parameter_spec& spec, const parameter_value& value,
                            const std::string& where) {
    const auto refuse = [&](const std::string& what) {
        throw input_error(fmt::format("{}: {}; allowed: {}", where, what, spec.allowed()));
    };

    if (spec.kind == parameter_kind::choice) {
        const auto* text = std::get_if<std::string>(&value);
        if (text == nullptr) refuse("expected a string, got " + to_string(value));
        if (std::find(spec.choices.begin(), spec.choices.end(), *text) == spec.choices.end()) {
            refuse(fmt::format("\"{}\" is not a known value", *text));
        }
        return value;
    }

    const auto* number = std::get_if<double>(&value);
    if (number == nullptr) refuse("expected a number, got \"" + to_string(value) + "\"");
    if (!std::isfinite(*number)) refuse(fmt::format("{} is not a finite number", *number));
    if (spec.kind == parameter_kind::integer && std::floor(*number) != *number) {
        refuse(fmt::format("{} is not an integer", *number));
    }
    const bool below = spec.minimum_inclusive ? *number < spec.minimum : *number <= spec.minimum;
    const bool above = spec.maximum_inclusive ? *number > spec.maximum : *number >= spec.maximum;
    // `{}` prints the shortest text that reads back as the value: 10000001, not 1e+07.
    if (below || above) refuse(fmt::format("{} is out of range", *number));
    return value;
}

std::string to_string(const parameter_value& value) {
    if (const auto* number = std::get_if<double>(&value)) return fmt::format("{}", *number);
    return std::get<std::string>(value);
}

}  // namespace vigil
