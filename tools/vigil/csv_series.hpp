#pragma once

// One numeric time series read from a CSV file: a header line of column names, then one row
// per sample; lines end with LF, CR LF or a lone CR (old Mac OS line ends, counted as lines in
// messages); comma- or tab-separated (decided by the header line), fields may be quoted,
// blank lines and lines starting with '#' are skipped, a UTF-8 byte-order mark before the
// header is dropped, and every column needs its own name. Every problem (no file, no rows, a
// missing or non-numeric cell, a time that does not increase, an unknown, unnamed or repeated
// column, a number a double cannot hold, values beyond the limits below, a file larger than
// csv_max_bytes) is an input_error whose message names the file and the line or the option;
// quoted cells are cut after 40 bytes, their control bytes and bytes that are not UTF-8
// written \xNN. Reads only.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace vigil::cli {

// The values (not the times) `vigil ews` accepts: the kurtosis sums fourth powers of the
// residuals, which overflow beyond this magnitude and underflow when values that are not all
// equal span less than this.
inline constexpr double largest_value_magnitude = 1e70;
inline constexpr double smallest_value_spread = 1e-70;

struct csv_series {
    std::string path;
    std::vector<std::string> columns;  // the header, in file order
    std::string time_column;           // empty: the series has no time column (time = row 1..n)
    std::string value_column;
    char delimiter = ',';
    std::vector<double> time;
    std::vector<double> values;
    std::vector<std::size_t> lines;  // file line (1-based) of each sample
};

// The largest CSV file read, in bytes: reading stops as soon as it is passed (a device such as
// /dev/zero, a FIFO, a wrong file) with an input_error, so memory stays bounded. 256 MiB is
// tens of millions of rows, far beyond the series the indicators and tests are meant for.
inline constexpr std::uint64_t csv_max_bytes = 256u << 20;

// time_column: "" picks a column named "time" if there is one, else the first of two or more
// columns; value_column: "" picks the first column that is not the time column. Named columns
// must exist (the error names --time or --column and lists the header).
csv_series read_csv_series(const std::string& path, const std::string& time_column,
                           const std::string& value_column,
                           std::uint64_t max_bytes = csv_max_bytes);

}  // namespace vigil::cli
