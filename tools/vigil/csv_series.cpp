#include "csv_series.hpp"

#include "engine/error.hpp"

#include <csv.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <istream>
#include <limits>
#include <optional>
#include <streambuf>

namespace vigil::cli {

namespace {

constexpr const char* utf8_byte_order_mark = "\xEF\xBB\xBF";

// libcsv (Debian libcsv-dev) does the field splitting and quoting; the other packaged C++
// parser (libfccp-dev) fixes the column count at compile time, which arbitrary files do not
// allow. libcsv is fed one physical line at a time so that every error can name its line. A quoted
// field spanning lines is therefore refused, which costs nothing for numeric series.
class line_splitter {
public:
    explicit line_splitter(char delimiter) : delimiter_(delimiter) {
        if (csv_init(&parser_, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
            throw run_error("libcsv: could not initialise the parser");
        }
        csv_set_delim(&parser_, static_cast<unsigned char>(delimiter));
        // Only spaces are trimmed around fields: a tab is a delimiter in tab-separated files.
        csv_set_space_func(&parser_, [](unsigned char c) { return c == ' ' ? 1 : 0; });
    }
    line_splitter(const line_splitter&) = delete;
    line_splitter& operator=(const line_splitter&) = delete;
    ~line_splitter() { csv_free(&parser_); }

    // The fields of one line, or nullopt with the parser's complaint in `error`.
    std::optional<std::vector<std::string>> split(const std::string& line, std::string& error) {
        fields_.clear();
        const auto parsed = csv_parse(&parser_, line.data(), line.size(), on_field, on_row, this);
        if (parsed != line.size() || csv_fini(&parser_, on_field, on_row, this) != 0) {
            error = fmt::format(
                "cannot split the line into fields (a quote that is not closed "
                "on the same line, or a stray quote?); libcsv: {}",
                csv_strerror(csv_error(&parser_)));
            csv_free(&parser_);
            csv_init(&parser_, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
            csv_set_delim(&parser_, static_cast<unsigned char>(delimiter_));
            csv_set_space_func(&parser_, [](unsigned char c) { return c == ' ' ? 1 : 0; });
            return std::nullopt;
        }
        return fields_;
    }

private:
    static void on_field(void* text, std::size_t length, void* self) {
        auto* splitter = static_cast<line_splitter*>(self);
        splitter->fields_.emplace_back(text ? static_cast<const char*>(text) : "", length);
    }
    static void on_row(int, void*) {}

    csv_parser parser_{};
    char delimiter_;
    std::vector<std::string> fields_;
};

// The bytes of another stream buffer up to a cap: past it, reading ends as at the end of the
// file and `exceeded()` says so. It reads in chunks and never more than one byte past the cap,
// so a file without end (/dev/zero, a FIFO) costs no more memory than the cap.
class capped_buffer : public std::streambuf {
public:
    capped_buffer(std::streambuf& source, std::uint64_t cap) : source_(source), cap_(cap) {}

    bool exceeded() const { return read_ > cap_; }

protected:
    int_type underflow() override {
        if (exceeded()) return traits_type::eof();
        const auto wanted = std::min<std::uint64_t>(chunk_.size(), cap_ + 1 - read_);
        const auto got = source_.sgetn(chunk_.data(), static_cast<std::streamsize>(wanted));
        if (got <= 0) return traits_type::eof();
        read_ += static_cast<std::uint64_t>(got);
        if (exceeded()) return traits_type::eof();
        setg(chunk_.data(), chunk_.data(), chunk_.data() + got);
        return traits_type::to_int_type(chunk_[0]);
    }

private:
    std::streambuf& source_;
    std::uint64_t cap_;
    std::uint64_t read_ = 0;
    std::array<char, 64 * 1024> chunk_{};
};

// The lines of a file ended by LF (Unix), CR LF (Windows) or a lone CR (old Mac OS, still
// written by some spreadsheet exports), without their ends. Each physical line is read with
// getline; a CR inside it ends a line, a CR at its end belongs to CR LF.
class line_reader {
public:
    explicit line_reader(std::istream& in) : in_(in) {}

    bool next(std::string& line) {
        if (next_ == std::string::npos) {
            if (!std::getline(in_, physical_)) return false;
            if (!physical_.empty() && physical_.back() == '\r') physical_.pop_back();
            next_ = 0;
        }
        const auto end = physical_.find('\r', next_);
        line = physical_.substr(next_, end == std::string::npos ? end : end - next_);
        next_ = end == std::string::npos ? end : end + 1;
        return true;
    }

private:
    std::istream& in_;
    std::string physical_;
    std::size_t next_ = std::string::npos;  // where the next line starts in physical_; npos: read
};

// The most bytes of a cell or column name quoted in a message; a cell of millions of digits
// would otherwise make a message of megabytes.
constexpr std::size_t longest_quote = 40;

// A cell or column name as it may be quoted in a message: cut after longest_quote bytes (at a
// character boundary) with "...", control bytes (NUL, tab, escape...) and bytes that are not
// UTF-8 written \xNN, so that the message is complete, short and prints as one line.
std::string printable(const std::string& text) {
    if (text.size() <= longest_quote) return one_line(text);
    std::size_t cut = longest_quote;
    const auto inside_a_character = [&] {
        return (static_cast<unsigned char>(text[cut]) & 0xc0) == 0x80;
    };
    while (cut > longest_quote - 3 && inside_a_character()) --cut;
    return one_line(text.substr(0, cut)) + "...";
}

std::string trimmed(const std::string& text) {
    const auto first = text.find_first_not_of(" \t\r");
    if (first == std::string::npos) return "";
    const auto last = text.find_last_not_of(" \t\r");
    return text.substr(first, last - first + 1);
}

bool is_missing_marker(const std::string& cell) {
    std::string lower;
    for (const char c : cell)
        lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return lower.empty() || lower == "na" || lower == "nan" || lower == "null" || lower == "none";
}

std::string column_list(const std::vector<std::string>& columns) {
    std::vector<std::string> shown;
    for (const auto& column : columns) shown.push_back(printable(column));
    return fmt::format("{}", fmt::join(shown, ", "));
}

std::size_t find_column(const std::vector<std::string>& columns, const std::string& name,
                        const std::string& option, const std::string& path) {
    // The header has no repeated names (checked when it is read).
    if (std::count(columns.begin(), columns.end(), name) == 0) {
        throw input_error(fmt::format("{} \"{}\": {} has no such column (columns: {})", option,
                                      printable(name), path, column_list(columns)));
    }
    return static_cast<std::size_t>(std::find(columns.begin(), columns.end(), name) -
                                    columns.begin());
}

// What a cell holds: the time or the value of the series, for what a message says is allowed.
enum class cell_kind { time, value };

std::string beyond_largest_value(const std::string& path, std::size_t line,
                                 const std::string& written) {
    return fmt::format(
        "{} line {}: value {} is beyond +-{:g}, where the indicators overflow; give the series "
        "in other units",
        path, line, written, largest_value_magnitude);
}

// A number from_chars could not hold: beyond the largest double, or nonzero below the smallest.
[[noreturn]] void refuse_out_of_range(const std::string& text, const std::string& path,
                                      std::size_t line, const std::string& column, cell_kind kind) {
    const bool too_large = std::fabs(std::strtod(text.c_str(), nullptr)) > 1;
    if (too_large && kind == cell_kind::value) {
        throw input_error(beyond_largest_value(path, line, printable(text)));
    }
    if (too_large) {
        throw input_error(fmt::format(
            "{} line {}: column \"{}\": \"{}\" is out of range, beyond +-{:.6g}, the largest "
            "magnitude a double holds",
            path, line, printable(column), printable(text), std::numeric_limits<double>::max()));
    }
    const std::string smallest = fmt::format(
        "is nonzero but below {:.2g} in magnitude, the smallest a double holds; write 0",
        std::numeric_limits<double>::denorm_min());
    if (kind == cell_kind::value) {
        throw input_error(fmt::format(
            "{} line {}: value {} {}, or give the series in other units (values within +-{:g} "
            "that span at least {:g}, where the indicators underflow)",
            path, line, printable(text), smallest, largest_value_magnitude, smallest_value_spread));
    }
    throw input_error(
        fmt::format("{} line {}: column \"{}\": \"{}\" {}, or give the times in "
                    "other units",
                    path, line, printable(column), printable(text), smallest));
}

double parse_cell(const std::string& cell, const std::string& path, std::size_t line,
                  const std::string& column, cell_kind kind) {
    const std::string text = trimmed(cell);
    if (is_missing_marker(text)) {
        throw input_error(fmt::format("{} line {}: column \"{}\" has a missing value{}", path, line,
                                      printable(column),
                                      text.empty() ? "" : " (" + printable(text) + ")"));
    }
    double value = 0;
    const char* begin = text.data();
    if (*begin == '+') ++begin;  // from_chars does not take a leading plus
    const auto [end, status] = std::from_chars(begin, text.data() + text.size(), value);
    if (status == std::errc::result_out_of_range && end == text.data() + text.size()) {
        refuse_out_of_range(text, path, line, column, kind);
    }
    if (status != std::errc() || end != text.data() + text.size()) {
        throw input_error(fmt::format("{} line {}: column \"{}\": \"{}\" is not a number", path,
                                      line, printable(column), printable(text)));
    }
    if (!std::isfinite(value)) {
        throw input_error(fmt::format("{} line {}: column \"{}\": \"{}\" is not a finite number",
                                      path, line, printable(column), printable(text)));
    }
    if (kind == cell_kind::value && std::fabs(value) > largest_value_magnitude) {
        throw input_error(beyond_largest_value(path, line, fmt::format("{}", value)));
    }
    return value;
}

// Values that are not all equal must span smallest_value_spread (their differences' fourth
// powers underflow below it).
void check_value_spread(const csv_series& series) {
    const auto [low, high] = std::minmax_element(series.values.begin(), series.values.end());
    if (*high > *low && *high - *low < smallest_value_spread) {
        throw input_error(fmt::format(
            "{}: the values span only {} (from {} to {}), below {:g}, where the indicators "
            "underflow; give the series in other units",
            series.path, *high - *low, *low, *high, smallest_value_spread));
    }
}

}  // namespace

csv_series read_csv_series(const std::string& path, const std::string& time_column,
                           const std::string& value_column, std::uint64_t max_bytes) {
    namespace fs = std::filesystem;
    if (!fs::exists(path)) throw input_error(path + ": no such file");
    if (fs::is_directory(path)) throw input_error(path + ": is a directory, not a CSV file");
    std::ifstream file(path, std::ios::binary);
    if (!file) throw input_error(path + ": cannot be opened for reading");
    capped_buffer capped(*file.rdbuf(), max_bytes);
    std::istream in(&capped);

    csv_series series;
    series.path = path;
    std::string line;
    std::size_t line_number = 0;
    std::optional<line_splitter> splitter;
    std::size_t time_index = 0;
    std::size_t value_index = 0;
    bool has_time = false;
    std::size_t previous_line = 0;

    // A file cut at the cap is refused whole, before its cut last line could be blamed.
    const auto refuse_if_cut = [&] {
        if (!capped.exceeded()) return;
        throw input_error(fmt::format("{}: larger than {}, the most a CSV series may hold", path,
                                      byte_count_text(max_bytes)));
    };
    line_reader lines(in);
    while (lines.next(line)) {
        refuse_if_cut();
        ++line_number;
        // A UTF-8 byte-order mark (spreadsheet exports) is not part of the first column's name.
        if (line_number == 1 && line.starts_with(utf8_byte_order_mark)) {
            line.erase(0, std::strlen(utf8_byte_order_mark));
        }
        const std::string content = trimmed(line);
        if (content.empty() || content.front() == '#') continue;

        if (!splitter) {  // the header
            series.delimiter =
                line.find(',') == std::string::npos && line.find('\t') != std::string::npos ? '\t'
                                                                                            : ',';
            splitter.emplace(series.delimiter);
            std::string error;
            const auto names = splitter->split(line, error);
            if (!names) throw input_error(fmt::format("{} line {}: {}", path, line_number, error));
            for (const auto& name : *names) series.columns.push_back(trimmed(name));
            for (std::size_t c = 0; c < series.columns.size(); ++c) {
                // An empty time_column means "no time column": a time column needs a name.
                if (series.columns[c].empty()) {
                    throw input_error(fmt::format(
                        "{} line {}: column {} has no name; give every column its own name", path,
                        line_number, c + 1));
                }
            }
            for (std::size_t c = 0; c < series.columns.size(); ++c) {
                const auto first =
                    std::find(series.columns.begin(), series.columns.end(), series.columns[c]);
                if (first != series.columns.begin() + static_cast<std::ptrdiff_t>(c)) {
                    throw input_error(fmt::format(
                        "{} line {}: column \"{}\" appears twice in the header (columns {} and "
                        "{}); give every column its own name",
                        path, line_number, printable(series.columns[c]),
                        first - series.columns.begin() + 1, c + 1));
                }
            }

            if (!time_column.empty()) {
                time_index = find_column(series.columns, time_column, "--time", path);
                has_time = true;
            } else if (std::count(series.columns.begin(), series.columns.end(), "time") == 1) {
                time_index = find_column(series.columns, "time", "--time", path);
                has_time = true;
            } else if (series.columns.size() >= 2) {
                time_index = 0;
                has_time = true;
            }
            if (!value_column.empty()) {
                value_index = find_column(series.columns, value_column, "--column", path);
            } else {
                value_index = series.columns.size();
                for (std::size_t c = 0; c < series.columns.size(); ++c) {
                    if (!has_time || c != time_index) {
                        value_index = c;
                        break;
                    }
                }
                if (value_index == series.columns.size()) {
                    throw input_error(fmt::format("{}: no column besides the time column \"{}\"",
                                                  path, printable(series.columns[time_index])));
                }
            }
            if (has_time && time_index == value_index) {
                throw input_error(fmt::format("--time and --column both name \"{}\"",
                                              printable(series.columns[value_index])));
            }
            series.time_column = has_time ? series.columns[time_index] : "";
            series.value_column = series.columns[value_index];
            continue;
        }

        std::string error;
        const auto fields = splitter->split(line, error);
        if (!fields) throw input_error(fmt::format("{} line {}: {}", path, line_number, error));
        if (fields->size() != series.columns.size()) {
            throw input_error(fmt::format("{} line {}: {} fields, but the header has {}", path,
                                          line_number, fields->size(), series.columns.size()));
        }
        const double value = parse_cell((*fields)[value_index], path, line_number,
                                        series.value_column, cell_kind::value);
        const double time = has_time ? parse_cell((*fields)[time_index], path, line_number,
                                                  series.time_column, cell_kind::time)
                                     : static_cast<double>(series.values.size() + 1);
        if (!series.time.empty() && !(time > series.time.back())) {
            throw input_error(fmt::format(
                "{} line {}: time {} does not increase on {} (line {}); times must increase", path,
                line_number, time, series.time.back(), previous_line));
        }
        series.time.push_back(time);
        series.values.push_back(value);
        series.lines.push_back(line_number);
        previous_line = line_number;
    }
    refuse_if_cut();
    if (in.bad()) throw input_error(path + ": read error");
    if (!splitter) throw input_error(path + ": empty file (no header line)");
    if (series.values.empty()) throw input_error(path + ": a header but no data rows");
    check_value_spread(series);
    return series;
}

}  // namespace vigil::cli
