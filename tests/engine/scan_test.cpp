#include "engine/scan.hpp"
#include "engine/error.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

namespace vigil {
namespace {

const std::string header = R"(model = "contact_sensing"
seed = 5
replicates = 10
)";

std::string error_of(const std::string& text) {
    try {
        parse_scan(text, "s.toml");
    } catch (const input_error& error) {
        return error.what();
    }
    return "(no error)";
}

TEST(scan, fixed_parameters_and_defaults_fill_a_single_point) {
    const auto plan = parse_scan(header + "[parameters]\nreceptors = 100\n", "s.toml");
    ASSERT_EQ(plan.points.size(), 1u);
    EXPECT_EQ(plan.points[0].integer("receptors"), 100);
    EXPECT_EQ(plan.points[0].real("radius_um"), 10.0);  // the model's default
    EXPECT_EQ(plan.seed, 5u);
    EXPECT_EQ(plan.replicates, 10u);
    EXPECT_EQ(plan.text.substr(0, 7), "model =");
}

TEST(scan, grid_product_in_file_order_first_axis_slowest) {
    const auto plan = parse_scan(header + R"([scan]
receptors = [100, 200]
observation_time = { linspace = [1, 3, 3] }
)",
                                 "s.toml");
    ASSERT_EQ(plan.points.size(), 6u);
    EXPECT_EQ(plan.scanned_names, (std::vector<std::string>{"receptors", "observation_time"}));
    EXPECT_EQ(plan.points[0].real("receptors"), 100);
    EXPECT_EQ(plan.points[0].real("observation_time"), 1.0);
    EXPECT_EQ(plan.points[1].real("observation_time"), 2.0);
    EXPECT_EQ(plan.points[3].real("receptors"), 200);
    EXPECT_EQ(plan.points[5].real("observation_time"), 3.0);
}

// An inline table puts every axis on one line; the order written still decides (toml++ keeps
// keys sorted by name, which here would make contact_length_um the slowest axis).
TEST(scan, an_inline_scan_table_keeps_the_written_order) {
    const auto plan = parse_scan(
        header + "scan = { receptors = [10, 20], contact_length_um = [1.0, 2.0, 3.0] }\n",
        "s.toml");
    ASSERT_EQ(plan.points.size(), 6u);
    EXPECT_EQ(plan.scanned_names, (std::vector<std::string>{"receptors", "contact_length_um"}));
    EXPECT_EQ(plan.points[1].real("receptors"), 10);
    EXPECT_EQ(plan.points[1].real("contact_length_um"), 2.0);
    EXPECT_EQ(plan.points[3].real("receptors"), 20);
}

TEST(scan, logspace_takes_end_values_and_hits_them_exactly) {
    const auto plan =
        parse_scan(header + "[scan]\nobservation_time = { logspace = [1, 100, 3] }\n", "s.toml");
    ASSERT_EQ(plan.points.size(), 3u);
    EXPECT_EQ(plan.points[0].real("observation_time"), 1.0);
    EXPECT_NEAR(plan.points[1].real("observation_time"), 10.0, 1e-12);
    EXPECT_EQ(plan.points[2].real("observation_time"), 100.0);
}

TEST(scan, zipped_axes_vary_together) {
    const auto plan = parse_scan(header + R"([scan.zip]
interferer_binding_rate = [1, 3, 10]
ephrin_binding_rate = [0.5, 1, 2]
)",
                                 "s.toml");
    ASSERT_EQ(plan.points.size(), 3u);
    EXPECT_EQ(plan.points[2].real("interferer_binding_rate"), 10.0);
    EXPECT_EQ(plan.points[2].real("ephrin_binding_rate"), 2.0);
    // Zipped names keep the order written, not toml++'s order by name.
    EXPECT_EQ(plan.scanned_names,
              (std::vector<std::string>{"interferer_binding_rate", "ephrin_binding_rate"}));
}

// Points between the ends are rounded to 15 significant digits: a range through round numbers
// hits them, so integer parameters can be scanned over decades.
TEST(scan, ranges_hit_round_numbers_between_their_ends) {
    const auto plan = parse_scan(header + R"([scan]
receptors = { logspace = [10, 1000, 3] }
observation_time = { logspace = [0.1, 1000.0, 5] }
)",
                                 "s.toml");
    ASSERT_EQ(plan.points.size(), 15u);
    EXPECT_EQ(plan.points[5].integer("receptors"), 100);
    const std::vector<double> times = {0.1, 1.0, 10.0, 100.0, 1000.0};
    for (std::size_t i = 0; i < times.size(); ++i) {
        EXPECT_EQ(plan.points[i].real("observation_time"), times[i]) << i;
    }
    const auto tenths =
        parse_scan(header + "[scan]\nobservation_time = { linspace = [0.1, 0.7, 7] }\n", "s.toml");
    EXPECT_EQ(tenths.points[2].real("observation_time"), 0.3);
}

// One point of a range is its first value only when first == last; otherwise it is ambiguous.
TEST(scan, a_one_point_range_needs_equal_ends) {
    EXPECT_NE(error_of(header + "[scan]\nobservation_time = { linspace = [1.0, 2.0, 1] }\n")
                  .find("count 1 gives a single point, so first and last must be equal"),
              std::string::npos);
    const auto one =
        parse_scan(header + "[scan]\nobservation_time = { logspace = [2.0, 2.0, 1] }\n", "s.toml");
    ASSERT_EQ(one.points.size(), 1u);
    EXPECT_EQ(one.points[0].real("observation_time"), 2.0);
}

TEST(scan, choice_parameters_scan_over_strings) {
    const auto plan =
        parse_scan(header + "[scan]\ninterferer = [\"everywhere\", \"outside\"]\n", "s.toml");
    ASSERT_EQ(plan.points.size(), 2u);
    EXPECT_EQ(plan.points[1].choice("interferer"), "outside");
}

// An error is one whole line: control bytes from the file are escaped (a NUL once cut the
// message short), and a value out of range is shown as written, not rounded.
TEST(scan, errors_are_one_line_and_show_values_as_written) {
    const auto nul = error_of(header + "[parameters]\n\"receptors\\u0000x\" = 5\n");
    EXPECT_NE(nul.find("receptors\\x00x: unknown parameter"), std::string::npos) << nul;
    const auto escape = error_of(header + "[parameters]\n\"\\u001b[31mred\\n2nd\" = 5\n");
    EXPECT_EQ(escape.find('\n'), std::string::npos) << escape;
    EXPECT_EQ(escape.find('\x1b'), std::string::npos) << escape;
    EXPECT_NE(escape.find("\\x1b[31mred\\x0a2nd"), std::string::npos) << escape;
    const auto big = error_of(header + "[parameters]\nreceptors = 10000001\n");
    EXPECT_NE(big.find("10000001 is out of range"), std::string::npos) << big;
}

TEST(scan, errors_name_the_file_and_key) {
    EXPECT_NE(error_of(header + "[parameters]\nreceptor = 3\n").find("parameters.receptor"),
              std::string::npos);
    EXPECT_NE(error_of(header + "[parameters]\nreceptors = \"many\"\n").find("expected a number"),
              std::string::npos);
    EXPECT_NE(error_of(header + "[parameters]\nephrin_binding_rate = -1\n").find("out of range"),
              std::string::npos);
    EXPECT_NE(error_of(header + "[parameters]\nreceptors = 0\n").find("receptors"),
              std::string::npos);
    EXPECT_NE(error_of(header + "[parameters]\nobservation_time = nan\n").find("finite"),
              std::string::npos);
    EXPECT_NE(error_of(header + "[scan]\nreceptors = []\n").find("empty scan axis"),
              std::string::npos);
    EXPECT_NE(error_of(header + "[scan]\nreceptors = { linspace = [1, 2, 0] }\n").find("empty"),
              std::string::npos);
    EXPECT_NE(error_of(header + "colour = 3\n").find("s.toml: colour: unknown key"),
              std::string::npos);
    EXPECT_NE(error_of("model = \"nope\"\nseed = 1\nreplicates = 1\n").find("unknown model"),
              std::string::npos);
    EXPECT_NE(error_of("model = \"contact_sensing\"\nseed = 1\n").find("replicates"),
              std::string::npos);
    EXPECT_NE(error_of(header + "[parameters]\nreceptors = 10\n[scan]\nreceptors = [1, 2]\n")
                  .find("both"),
              std::string::npos);
    EXPECT_NE(error_of("model = [").find("s.toml:1:"), std::string::npos);
    EXPECT_NE(error_of(header + "[parameters]\nradius_um = true\n")
                  .find("parameters.radius_um: expected a number in (0, 1e+06], got a boolean"),
              std::string::npos)
        << error_of(header + "[parameters]\nradius_um = true\n");
    // Counts are TOML integers; a float spelling is named as such (parameters take any number).
    EXPECT_NE(error_of("model = \"contact_sensing\"\nseed = 1\nreplicates = 2.0\n")
                  .find("without a decimal point"),
              std::string::npos);
}

// trajectories counts the first replicates of each point kept in detail: more than there are
// is refused, naming both counts, before any point is read.
TEST(scan, trajectories_may_not_exceed_replicates) {
    const std::string counts = "model = \"contact_sensing\"\nseed = 1\nreplicates = 3\n";
    EXPECT_EQ(parse_scan(counts + "trajectories = 3\n", "s.toml").trajectories, 3u);
    EXPECT_EQ(parse_scan(counts + "trajectories = 0\n", "s.toml").trajectories, 0u);
    EXPECT_EQ(error_of(counts + "trajectories = 1000000000000\n"),
              "s.toml: trajectories: 1000000000000 is more than replicates = 3: it counts the "
              "first replicates of each point whose detail is kept; allowed: an integer from 0 "
              "to 3");
    EXPECT_NE(error_of(counts + "trajectories = 4\n").find("allowed: an integer from 0 to 3"),
              std::string::npos);
}

TEST(scan, every_message_starts_with_the_file_name) {
    for (const auto* text : {"seed = -1", "replicates = 0", "[scan]\nx = 1"}) {
        EXPECT_EQ(error_of(header.substr(0, 26) + "\n" + text).rfind("s.toml", 0), 0u) << text;
    }
}

// A scan file is read in chunks up to a cap: a file one byte over it is refused with the cap
// named, whatever it holds, and one at the cap is read.
TEST(scan, a_file_over_the_size_cap_is_refused) {
    const auto path = (std::filesystem::temp_directory_path() /
                       ("vigil_scan_cap_" + std::to_string(::getpid()) + ".toml"))
                          .string();
    const std::string text = header + "# padding\n";
    std::ofstream(path, std::ios::binary) << text;
    EXPECT_EQ(read_scan_file(path, text.size()).replicates, 10u);
    try {
        read_scan_file(path, text.size() - 1);
        ADD_FAILURE() << "a file over the cap was read";
    } catch (const input_error& error) {
        EXPECT_EQ(std::string(error.what()),
                  path + ": larger than " + std::to_string(text.size() - 1) +
                      " bytes, the most a scan file may hold (a TOML text, usually a few kB)");
    }
    std::filesystem::remove(path);
}

// Bytes that are not UTF-8 are escaped in messages like control bytes; UTF-8 text is kept.
TEST(errors, one_line_escapes_bytes_that_are_not_utf8) {
    EXPECT_EQ(one_line("\x89HDF\r\n"), "\\x89HDF\\x0d\\x0a");
    EXPECT_EQ(one_line("tau \xcf\x84 +-\xc2\xb1 \xe2\x82\xac \xf0\x9f\x98\x80"),
              "tau \xcf\x84 +-\xc2\xb1 \xe2\x82\xac \xf0\x9f\x98\x80");
    EXPECT_EQ(one_line("\xc2\x9b"
                       "31m"),
              "\\xc2\\x9b31m");  // C1 CSI
    EXPECT_EQ(one_line("\xc0\xaf \xed\xa0\x80"),
              "\\xc0\\xaf \\xed\\xa0\\x80");  // overlong, surrogate
    EXPECT_EQ(one_line("cut \xe2\x82"), "cut \\xe2\\x82");
}

}  // namespace
}  // namespace vigil
