// End-to-end tests of `vigil ews`: the real binary on the six data sets of inputs/data, its
// numbers against an independent calculation, and every kind of bad input (exit 2, nothing
// written).

#include "engine/error.hpp"
#include "engine/hdf5.hpp"
#include "program_fixture.hpp"
#include "tools/vigil/csv_series.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace vigil {
namespace {

namespace fs = std::filesystem;

const std::string data_dir = std::string(VIGIL_SOURCE_DIR) + "/inputs/data/";

class ews : public testing::program_test {
protected:
    // Files other than the inputs the test wrote and the captured output.
    std::vector<std::string> outputs() const {
        std::vector<std::string> names;
        for (const auto& entry : fs::directory_iterator(directory_)) {
            const auto name = entry.path().filename().string();
            if (name == "stdout.txt" || name == "stderr.txt" || name.ends_with(".csv")) continue;
            names.push_back(name);
        }
        return names;
    }
};

// ---- the six data sets ------------------------------------------------------------------

TEST_F(ews, each_data_set_runs_with_p_values_in_the_unit_interval) {
    for (const std::string name :
         {"glaciation", "chemostat", "ibm_critical", "ibm_stable", "circulation", "foldbif"}) {
        const auto result =
            vigil("ews '" + data_dir + name + ".csv' --surrogates 19 -o " + name + ".h5");
        ASSERT_EQ(result.status, 0) << name << ": " << result.err;
        EXPECT_NE(result.out.find("autocorrelation"), std::string::npos) << name;
        const auto file = h5::open_file(path(name + ".h5"), false);
        const auto group = h5::open_group(file, "tests");
        const auto taus = h5::read_vector(group, "tau");
        for (const auto* kind : {"p_ar1", "p_phase"}) {
            const auto p = h5::read_vector(group, kind);
            ASSERT_EQ(p.size(), 9u);
            for (std::size_t k = 0; k < p.size(); ++k) {
                if (std::isnan(taus[k])) continue;
                EXPECT_GT(p[k], 0.0) << name << " " << kind << " " << k;
                EXPECT_LE(p[k], 1.0) << name << " " << kind << " " << k;
                EXPECT_GE(p[k], 1.0 / 20) << "p is at least 1/(1 + surrogates)";
            }
        }
    }
}

TEST_F(ews, the_short_chemostat_series_runs_with_a_half_window) {
    const auto result =
        vigil("ews '" + data_dir + "chemostat.csv' --window 0.5 --surrogates 5 -o c.h5");
    ASSERT_EQ(result.status, 0) << result.err;
    const auto file = h5::open_file(path("c.h5"), false);
    EXPECT_EQ(h5::read_integer_attribute(file, "window_points"), 8);
}

// ---- numbers against an independent calculation ----------------------------------------
//
// Expected values from tests/cli/ews_expected_values.py, run once with /usr/bin/python3
// (numpy 1.24, scipy 1.10): the trend from scipy.ndimage.gaussian_filter1d (ewstools'
// smoother), a direct Nadaraya-Watson sum (R's ksmooth), numpy.polyfit, or LOWESS written out
// in numpy (argsort neighbourhoods, weighted polyfit, bisquare robustness passes); every
// window's statistics from numpy/scipy one window at a time, tau from scipy.stats.kendalltau.
// None of these numbers came from vigil. LOWESS trends agree with vigil's to about 1e-14. Each row:
// indicator, values at the first window's end, the middle and the last point, then Kendall tau
// against time.

struct expected_indicator {
    const char* name;
    double at[3];
    double tau;
};

struct expected_case {
    const char* file;
    const char* options;
    std::size_t picks[3];
    std::vector<expected_indicator> rows;
};

const expected_case foldbif_ewstools = {
    "foldbif.csv",
    "",
    {99, 149, 199},
    {
        {"variance",
         {0.054850338254338896, 0.069280176538354082, 0.11184181614384732},
         0.75089108910891111},
        {"sd", {0.23420149071758467, 0.2632112773768519, 0.33442759477029899}, 0.75089108910891111},
        {"cv",
         {0.037006897794959873, 0.043799957685737335, 0.059923052314833074},
         0.90297029702970322},
        {"autocorrelation",
         {0.56713219785280811, 0.62325272659177833, 0.74188180401853843},
         0.80158415841584174},
        {"ar1",
         {0.56229474765026255, 0.62980655407647701, 0.75017753808811871},
         0.78297029702970311},
        {"skewness",
         {0.021223643533206674, -0.23565823180109907, 0.40127997036765306},
         0.28396039603960399},
        {"kurtosis",
         {-0.069617181610557299, 0.1587799732821229, 0.56544263508094561},
         0.50930693069306943},
        {"return_rate",
         {1.7784267133542255, 1.5877891291022841, 1.3330177847614202},
         -0.78297029702970311},
        {"density_ratio",
         {12.197839222327028, 16.752700083108468, 35.741070340693028},
         0.80158415841584174},
    }};

const expected_case glaciation_ewstools = {
    "glaciation.csv",
    "",
    {59, 89, 120},
    {
        {"variance",
         {1.7310852213540842, 4.2399471703091436, 7.055892442725364},
         0.93548387096774199},
        {"sd", {1.3157071183793467, 2.0591131999744801, 2.6562929888710252}, 0.93548387096774199},
        {"cv", {-8.986342210381153, 16.531608341181613, 14.125493956817229}, 0.10417768376520362},
        {"autocorrelation",
         {0.57905813491119196, 0.67011828479958413, 0.72037470263549264},
         0.59915388683236392},
        {"ar1",
         {0.57921219060614759, 0.66853420130207097, 0.72040959030167484},
         0.51136964569011112},
        {"skewness",
         {0.71455347414004411, 1.2133895691120451, 0.69553931449613171},
         -0.441565309360127},
        {"kurtosis",
         {1.6131131062236168, 2.4949580051643228, 0.012597317915590267},
         -0.69116869381279755},
        {"return_rate",
         {1.7264829991811748, 1.4958097851274468, 1.3880992333559099},
         -0.51136964569011112},
        {"density_ratio",
         {11.576981471632777, 18.229186195242061, 23.546576489056168},
         0.59915388683236392},
    }};

const expected_case foldbif_r = {
    "foldbif.csv",
    "--convention r --bandwidth 0.1",
    {99, 149, 199},
    {
        {"variance",
         {0.043016934796615926, 0.051644581303806301, 0.066422938742366475},
         0.55881188118811898},
        {"sd",
         {0.20740524293425161, 0.22725444176914628, 0.25772648048341185},
         0.55881188118811898},
        {"cv", {25.280994358176844, -53.405189083407116, -23.33159223686647}, -0.31287128712871293},
        {"autocorrelation",
         {0.43897023553307257, 0.50100058713391948, 0.56973379426294579},
         0.6756435643564358},
        {"ar1",
         {0.44197243319066787, 0.50499729549178851, 0.58102113821723267},
         0.65821782178217836},
        {"skewness",
         {0.025528021970540715, -0.20819452347441861, 0.37972013926025455},
         0.38534653465346541},
        {"kurtosis",
         {2.9846253152403919, 3.6050926096125635, 4.0661261462545966},
         0.64356435643564369},
        {"return_rate",
         {2.2625845525723043, 1.9802086247336357, 1.7211077777106951},
         -0.65821782178217836},
        {"density_ratio",
         {6.3601620159732928, 8.6210726079979096, 12.372424628299662},
         0.6756435643564358},
    }};

const expected_case glaciation_r_linear = {
    "glaciation.csv",
    "--convention r --detrend linear --window 0.25",
    {29, 74, 120},
    {
        {"variance",
         {3.0986527073963934, 5.4928329419161708, 6.3680834756026101},
         0.38270425226946964},
        {"sd", {1.7602990391965774, 2.3436793598775774, 2.5235061869554847}, 0.38270425226946964},
        {"cv", {18.835121499265647, 29.228944294395525, -12.484558380186849}, -0.1648351648351648},
        {"autocorrelation",
         {0.617569304594075, 0.73536197406457482, 0.75535653418761917},
         0.2947921643573817},
        {"ar1",
         {0.61826036074533186, 0.7561898440808027, 0.75416224289663158},
         0.35260391782130907},
        {"skewness",
         {0.462313240545906, 1.1665860023171195, 0.78350940537786828},
         0.14046822742474915},
        {"kurtosis",
         {3.023112039530508, 4.5955033056775276, 3.383528909526909},
         0.043478260869565216},
        {"return_rate",
         {1.6174415561665141, 1.3224192414479783, 1.3259746286941387},
         -0.35260391782130907},
        {"density_ratio",
         {15.895461939928666, 32.772772287490106, 37.439046775952463},
         0.2947921643573817},
    }};

const expected_case foldbif_ewstools_lowess = {
    "foldbif.csv",
    "--detrend lowess --span 0.2",
    {99, 149, 199},
    {
        {"variance",
         {0.049236395802371921, 0.058312684281949051, 0.081923660747410545},
         0.55405940594059422},
        {"sd",
         {0.22189275743559528, 0.24148019438858553, 0.28622309611107649},
         0.55405940594059422},
        {"cv",
         {0.035061956995666319, 0.040183773284988629, 0.051285724713470232},
         0.85504950495049525},
        {"autocorrelation",
         {0.50869003787152034, 0.55749462392018134, 0.65526727488460257},
         0.71287128712871306},
        {"ar1",
         {0.49649229660732169, 0.55844728781522157, 0.65600369682221893},
         0.67643564356435659},
        {"skewness",
         {0.0223384133307221, -0.27674450659547778, 0.51739091116989722},
         0.36831683168316837},
        {"kurtosis",
         {0.091936516275428648, 0.69644651445217409, 1.722168838966736},
         0.6641584158415843},
        {"return_rate",
         {2.0141299408536546, 1.7906793028080368, 1.5243816534024901},
         -0.67643564356435659},
        {"density_ratio",
         {8.9643402283623299, 11.576826894911791, 20.299310716858848},
         0.71287128712871306},
    }};

const expected_case glaciation_r_lowess = {
    "glaciation.csv",
    "--convention r --detrend lowess --span 0.3",
    {59, 89, 120},
    {
        {"variance",
         {1.7147519975862877, 3.2885236353650544, 6.0025275966170843},
         0.9323109465891064},
        {"sd", {1.3094853941859328, 1.8134286959693382, 2.4500056319561971}, 0.9323109465891064},
        {"cv", {-28.677865588111224, 25.197147738849768, 45.314988603644814}, 0.11581173982020096},
        {"autocorrelation",
         {0.57460051361986708, 0.58495016097853059, 0.67586550810895762},
         0.58646218931782135},
        {"ar1",
         {0.57617052322869799, 0.58670424113596864, 0.67852304703721578},
         0.41512427287149661},
        {"skewness",
         {0.79035748045370557, 1.2327699279150608, 0.65105464763811327},
         -0.43521946060285566},
        {"kurtosis",
         {4.1400972626598698, 4.9085840133703327, 2.7544446935185967},
         -0.67636171337916451},
        {"return_rate",
         {1.7355972922673664, 1.7044362898482102, 1.4737892903808052},
         -0.41512427287149661},
        {"density_ratio",
         {11.328732881472206, 11.914529201301045, 18.769446957345757},
         0.58646218931782135},
    }};

class ews_values : public ews, public ::testing::WithParamInterface<expected_case> {};

// Indicator values agree to 1e-9 relative (different summation orders, same definitions); tau
// is a ratio of integer counts and agrees to rounding.
TEST_P(ews_values, match_the_independent_calculation) {
    const auto& expected = GetParam();
    const auto result = vigil("ews '" + data_dir + expected.file + "' " + expected.options +
                              " --surrogates 0 -o out.h5");
    ASSERT_EQ(result.status, 0) << result.err;
    const auto file = h5::open_file(path("out.h5"), false);
    const auto indicators = h5::open_group(file, "indicators");
    const auto tests = h5::open_group(file, "tests");
    const auto names = h5::read_strings(tests, "indicator");
    const auto taus = h5::read_vector(tests, "tau");
    for (const auto& row : expected.rows) {
        const auto values = h5::read_vector(indicators, row.name);
        for (std::size_t k = 0; k < 3; ++k) {
            const double want = row.at[k];
            EXPECT_NEAR(values.at(expected.picks[k]), want, 1e-9 * std::max(1.0, std::fabs(want)))
                << row.name << " at " << expected.picks[k];
        }
        const auto slot = std::find(names.begin(), names.end(), row.name) - names.begin();
        ASSERT_LT(static_cast<std::size_t>(slot), names.size()) << row.name;
        EXPECT_NEAR(taus[static_cast<std::size_t>(slot)], row.tau, 1e-12) << row.name;
    }
}

INSTANTIATE_TEST_SUITE_P(data_sets, ews_values,
                         ::testing::Values(foldbif_ewstools, glaciation_ewstools, foldbif_r,
                                           glaciation_r_linear, foldbif_ewstools_lowess,
                                           glaciation_r_lowess));

// ---- CSV dialects -----------------------------------------------------------------------

TEST_F(ews, tab_separated_with_comments_and_quotes_reads_like_the_comma_file) {
    std::ifstream in(data_dir + "foldbif.csv");
    std::string line;
    std::getline(in, line);
    std::string tabbed = "# foldbif, tab-separated\n\"time\"\t\"value\"\n";
    while (std::getline(in, line)) {
        const auto comma = line.find(',');
        tabbed += line.substr(0, comma) + "\t" + line.substr(comma + 1) + "\n";
        if (line.starts_with("100,")) tabbed += "# a comment in the middle\n\n";
    }
    write("foldbif_tab.csv", tabbed);
    const auto tab = vigil("ews foldbif_tab.csv --surrogates 0");
    ASSERT_EQ(tab.status, 0) << tab.err;
    const auto comma = vigil("ews '" + data_dir + "foldbif.csv' --surrogates 0");
    ASSERT_EQ(comma.status, 0) << comma.err;
    // Same table apart from the first line, which names the file.
    EXPECT_EQ(tab.out.substr(tab.out.find('\n')), comma.out.substr(comma.out.find('\n')));
}

// The heading says what the time axis is: a named column, or the row number 1..n of a file
// with a single column.
TEST_F(ews, the_heading_names_the_time_axis) {
    std::string single = "count\n";
    for (int i = 0; i < 10; ++i) single += fmt::format("{}\n", (i * 7) % 5 + 0.5 * i);
    write("single.csv", single);
    const auto by_row = vigil("ews single.csv --surrogates 0");
    ASSERT_EQ(by_row.status, 0) << by_row.err;
    EXPECT_NE(by_row.out.find("single.csv: column \"count\" against row number (10 points, 1 to "
                              "10)"),
              std::string::npos)
        << by_row.out;

    write("first.csv", "year,count\n3,1\n4,3\n5,2\n6,4\n7,3\n8,5\n9,4\n10,6\n11,5\n12,7\n");
    const auto by_year = vigil("ews first.csv --surrogates 0");
    ASSERT_EQ(by_year.status, 0) << by_year.err;
    EXPECT_NE(by_year.out.find("first.csv: column \"count\" against \"year\" (10 points, 3 to 12)"),
              std::string::npos)
        << by_year.out;
}

// Old Mac OS line ends (a lone CR) were read as one line: "a header but no data rows".
TEST_F(ews, reads_cr_and_crlf_line_ends_like_lf) {
    const std::string lf = slurp(data_dir + "foldbif.csv");
    std::string cr, crlf;
    for (const char c : lf) {
        cr += c == '\n' ? std::string("\r") : std::string(1, c);
        crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    }
    write("cr.csv", cr);
    write("crlf.csv", crlf);
    const auto expected = vigil("ews '" + data_dir + "foldbif.csv' --surrogates 0");
    ASSERT_EQ(expected.status, 0) << expected.err;
    for (const auto* name : {"cr.csv", "crlf.csv"}) {
        const auto result = vigil(std::string("ews ") + name + " --surrogates 0");
        ASSERT_EQ(result.status, 0) << name << ": " << result.err;
        // Same table apart from the first line, which names the file.
        EXPECT_EQ(result.out.substr(result.out.find('\n')),
                  expected.out.substr(expected.out.find('\n')))
            << name;
    }
}

TEST_F(ews, counts_lone_cr_line_ends_as_lines_in_messages) {
    write("cr.csv", "# exported\r\rtime,value\r1,3\r\n2,4\r3,abc\r");
    const auto result = vigil("ews cr.csv");
    EXPECT_EQ(result.status, 2);
    EXPECT_NE(result.err.find("cr.csv line 6: column \"value\": \"abc\" is not a number"),
              std::string::npos)
        << result.err;
}

TEST_F(ews, picks_columns_by_name) {
    write("three.csv",
          "year,other,count\n1,5,10\n2,5,12\n3,5,11\n4,5,15\n5,5,13\n6,5,17\n7,5,16\n8,5,20\n"
          "9,5,18\n10,5,23\n");
    const auto result =
        vigil("ews three.csv --time year --column count --detrend linear --surrogates 9");
    ASSERT_EQ(result.status, 0) << result.err;
    EXPECT_NE(result.out.find("column \"count\" against \"year\""), std::string::npos)
        << result.out;
}

// ---- reproducibility and outputs --------------------------------------------------------

TEST_F(ews, surrogates_are_reproducible_from_the_seed) {
    const std::string series = "ews '" + data_dir + "foldbif.csv' --surrogates 50 ";
    ASSERT_EQ(vigil(series + "--seed 3 -o a.h5").status, 0);
    ASSERT_EQ(vigil(series + "--seed 3 -o b.h5").status, 0);
    ASSERT_EQ(vigil(series + "--seed 4 -o c.h5").status, 0);
    const auto taus = [&](const std::string& name) {
        const auto file = h5::open_file(path(name), false);
        const auto group = h5::open_group(file, "surrogates");
        return h5::read_row(h5::open_dataset(group, "ar1_tau"), 0);
    };
    EXPECT_EQ(taus("a.h5"), taus("b.h5"));
    EXPECT_NE(taus("a.h5"), taus("c.h5"));
}

TEST_F(ews, surrogates_do_not_depend_on_the_thread_count) {
    const std::string series = "ews '" + data_dir + "ibm_critical.csv' --surrogates 37 ";
    ASSERT_EQ(vigil(series + "--threads 1 -o one.h5").status, 0);
    ASSERT_EQ(vigil(series + "--threads 3 -o three.h5").status, 0);
    for (const auto* kind : {"ar1_tau", "phase_tau"}) {
        const auto one = h5::open_file(path("one.h5"), false);
        const auto three = h5::open_file(path("three.h5"), false);
        const auto a = h5::open_dataset(h5::open_group(one, "surrogates"), kind);
        const auto b = h5::open_dataset(h5::open_group(three, "surrogates"), kind);
        for (std::uint64_t row = 0; row < 9; ++row) {
            EXPECT_EQ(h5::read_row(a, row), h5::read_row(b, row)) << kind << " " << row;
        }
    }
}

TEST_F(ews, sensitivity_grid_is_stored) {
    const auto result =
        vigil("ews '" + data_dir + "glaciation.csv' --surrogates 0 --sensitivity -o s.h5");
    ASSERT_EQ(result.status, 0) << result.err;
    EXPECT_NE(result.out.find("sensitivity"), std::string::npos);
    const auto file = h5::open_file(path("s.h5"), false);
    const auto group = h5::open_group(file, "sensitivity");
    EXPECT_EQ(h5::read_vector(group, "window_fraction").size(), 11u);
    EXPECT_EQ(h5::read_vector(group, "bandwidth").size(), 10u);
    EXPECT_EQ(h5::dimensions(h5::open_dataset(group, "variance")),
              (std::vector<std::uint64_t>{11, 10}));
}

TEST_F(ews, works_without_python_and_refuses_plot_cleanly) {
    const std::string series = "ews '" + data_dir + "chemostat.csv' --surrogates 5";
    const auto plain = vigil(series + " -o r.h5", "VIGIL_PYTHON=/nonexistent/python3");
    ASSERT_EQ(plain.status, 0) << plain.err;
    fs::remove(path("r.h5"));
    const auto plotted =
        vigil(series + " -o r.h5 --plot r.png", "VIGIL_PYTHON=/nonexistent/python3");
    EXPECT_EQ(plotted.status, 1);
    EXPECT_NE(plotted.err.find("without --plot"), std::string::npos) << plotted.err;
    EXPECT_TRUE(outputs().empty());
}

TEST_F(ews, plot_writes_a_png) {
    if (std::system("/usr/bin/python3 -c 'import matplotlib, h5py' >/dev/null 2>&1") != 0) {
        GTEST_SKIP() << "no /usr/bin/python3 with matplotlib and h5py";
    }
    const auto result = vigil("ews '" + data_dir + "glaciation.csv' --surrogates 19 --plot g.png");
    ASSERT_EQ(result.status, 0) << result.err;
    const auto png = slurp(path("g.png"));
    ASSERT_GT(png.size(), 1000u);
    EXPECT_EQ(png.substr(1, 3), "PNG");
    EXPECT_EQ(outputs(), std::vector<std::string>{"g.png"});  // the scratch HDF5 file is gone
}

// ---- the model test (--model-test) -------------------------------------------------------

std::vector<double> model_test_vector(const std::string& file_path, const std::string& name) {
    const auto file = h5::open_file(file_path, false);
    return h5::read_vector(h5::open_group(file, "model_test"), name);
}

// Bitwise equality, NaN included (a replicate whose refit failed stores NaN).
bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(),
                      [](double x, double y) { return std::memcmp(&x, &y, sizeof x) == 0; });
}

TEST_F(ews, model_test_reports_fits_delta_p_value_and_auc) {
    const auto result = vigil("ews '" + data_dir +
                              "chemostat.csv' --surrogates 0 --model-test --bootstrap 20 -o m.h5");
    ASSERT_EQ(result.status, 0) << result.err;
    for (const auto* text :
         {"OU fit:  converged", "LSN fit: converged", "lsn_m", "delta = 2", "p = ", "ROC AUC"}) {
        EXPECT_NE(result.out.find(text), std::string::npos) << text << "\n" << result.out;
    }
    EXPECT_EQ(model_test_vector(path("m.h5"), "null_delta").size(), 20u);
    EXPECT_EQ(model_test_vector(path("m.h5"), "parameters").size(), 7u);
    const auto file = h5::open_file(path("m.h5"), false);
    const auto group = h5::open_group(file, "model_test");
    const double p = h5::read_double_attribute(group, "p_value");
    EXPECT_GT(p, 0);
    EXPECT_LE(p, 1);
    EXPECT_EQ(h5::read_integer_attribute(file, "indicators"), 1);
    EXPECT_TRUE(h5::exists(file, "indicators"));
}

TEST_F(ews, model_test_does_not_depend_on_the_thread_count) {
    const std::string series =
        "ews '" + data_dir + "chemostat.csv' --surrogates 0 --model-test --bootstrap 12 ";
    ASSERT_EQ(vigil(series + "--threads 1 -o one.h5").status, 0);
    ASSERT_EQ(vigil(series + "--threads 3 -o three.h5").status, 0);
    for (const auto* name : {"null_delta", "test_delta", "parameters_lower", "parameters_upper"}) {
        EXPECT_TRUE(same_bits(model_test_vector(path("one.h5"), name),
                              model_test_vector(path("three.h5"), name)))
            << name;
    }
}

TEST_F(ews, model_test_accepts_uneven_sampling_and_skips_the_indicators) {
    // The chemostat series with its 4th, 8th and 12th samples left out: steps of 7 and 14 days.
    std::istringstream full(slurp(data_dir + "chemostat.csv"));
    std::string csv, line;
    for (int row = 0; std::getline(full, line); ++row) {
        if (row != 4 && row != 8 && row != 12) csv += line + "\n";
    }
    write("uneven.csv", csv);
    const auto result = vigil("ews uneven.csv --model-test --bootstrap 10 -o u.h5");
    ASSERT_EQ(result.status, 0) << result.err;
    EXPECT_NE(result.out.find("indicators (which need even spacing) are skipped"),
              std::string::npos)
        << result.out;
    EXPECT_NE(result.out.find("OU fit:"), std::string::npos);
    const auto file = h5::open_file(path("u.h5"), false);
    EXPECT_EQ(h5::read_integer_attribute(file, "indicators"), 0);
    EXPECT_FALSE(h5::exists(file, "indicators"));
    EXPECT_TRUE(h5::exists(file, "model_test"));
}

TEST_F(ews, model_test_plot_writes_a_png_with_and_without_indicators) {
    if (std::system("/usr/bin/python3 -c 'import matplotlib, h5py' >/dev/null 2>&1") != 0) {
        GTEST_SKIP() << "no /usr/bin/python3 with matplotlib and h5py";
    }
    std::istringstream full(slurp(data_dir + "chemostat.csv"));
    std::string csv, line;
    for (int row = 0; std::getline(full, line); ++row) {
        if (row != 5) csv += line + "\n";
    }
    write("uneven.csv", csv);
    const std::string even = "ews '" + data_dir + "chemostat.csv' --surrogates 5 ";
    for (const auto& arguments : {even + "--model-test --bootstrap 10 --plot even.png",
                                  std::string("ews uneven.csv --model-test --bootstrap 10 "
                                              "--plot uneven.png")}) {
        const auto result = vigil(arguments);
        ASSERT_EQ(result.status, 0) << result.err;
    }
    for (const auto* name : {"even.png", "uneven.png"}) {
        const auto png = slurp(path(name));
        ASSERT_GT(png.size(), 1000u) << name;
        EXPECT_EQ(png.substr(1, 3), "PNG") << name;
    }
}

TEST_F(ews, model_test_on_a_constant_series_reports_no_fit_instead_of_a_number) {
    std::string csv = "time,value\n";
    for (int i = 1; i <= 20; ++i) csv += std::to_string(i) + ",3\n";
    write("flat.csv", csv);
    const auto result = vigil("ews flat.csv --surrogates 0 --model-test --bootstrap 10 -o f.h5");
    ASSERT_EQ(result.status, 0) << result.err;  // a result to report, not a failure
    EXPECT_NE(result.out.find("OU fit:  constant series"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("no likelihood ratio: the series is constant"), std::string::npos)
        << result.out;
    EXPECT_EQ(result.out.find("did not converge"), std::string::npos) << result.out;
    EXPECT_EQ(result.out.find("delta = 2"), std::string::npos) << result.out;
    EXPECT_EQ(result.out.find("nan"), std::string::npos) << "undefined tau shown as -\n"
                                                         << result.out;
    const auto file = h5::open_file(path("f.h5"), false);
    const auto group = h5::open_group(file, "model_test");
    EXPECT_EQ(h5::read_integer_attribute(group, "bootstrap"), 0);
    EXPECT_TRUE(std::isnan(h5::read_double_attribute(group, "delta")));
}

TEST_F(ews, model_test_on_six_points_skips_the_indicators_the_default_window_cannot_fit) {
    write("six.csv", "time,value\n1,3\n2,4\n3,3.5\n4,5\n5,4\n6,6\n");
    const auto result = vigil("ews six.csv --model-test --bootstrap 10 -o six.h5");
    ASSERT_EQ(result.status, 0) << result.err;
    EXPECT_NE(result.out.find("too short for the indicators"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("OU fit:"), std::string::npos) << result.out;
    const auto file = h5::open_file(path("six.h5"), false);
    EXPECT_EQ(h5::read_integer_attribute(file, "indicators"), 0);
    EXPECT_EQ(h5::read_string_attribute(file, "indicators_skipped"), "too short for the window");
    EXPECT_TRUE(h5::exists(file, "model_test"));
}

TEST_F(ews, model_test_reports_its_progress_on_stderr) {
    const auto result =
        vigil("ews '" + data_dir + "chemostat.csv' --surrogates 0 --model-test --bootstrap 10");
    ASSERT_EQ(result.status, 0) << result.err;
    EXPECT_NE(result.err.find("fitting the OU and LSN models to 16 points"), std::string::npos)
        << result.err;
    EXPECT_NE(result.err.find("bootstrap: 10/10 replicates"), std::string::npos) << result.err;
}

// ---- bad input: exit 2, a message naming the line or option, nothing written -------------

struct bad_input {
    const char* label;
    const char* csv;  // written to in.csv; nullptr: no file
    const char* options;
    const char* message;  // must appear in stderr
};

class ews_bad_input : public ews, public ::testing::WithParamInterface<bad_input> {};

TEST_P(ews_bad_input, exits_2_naming_the_problem_and_writes_nothing) {
    const auto& bad = GetParam();
    if (bad.csv) write("in.csv", bad.csv);
    const auto result = vigil(std::string("ews in.csv -o out.h5 ") + bad.options);
    EXPECT_EQ(result.status, 2) << result.err;
    EXPECT_NE(result.err.find(bad.message), std::string::npos) << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
    EXPECT_TRUE(outputs().empty());
    EXPECT_EQ(result.out, "");
}

const char* const six_rows = "time,value\n1,3\n2,4\n3,3.5\n4,5\n5,4\n6,6\n";

const char* const ten_rows = "time,value\n1,3\n2,4\n3,3.5\n4,5\n5,4\n6,6\n7,5\n8,7\n9,6\n10,8\n";

const char* const ten_rows_every_ten =
    "time,value\n10,3\n20,4\n30,3.5\n40,5\n50,4\n60,6\n70,5\n80,7\n90,6\n100,8\n";

INSTANTIATE_TEST_SUITE_P(
    cases, ews_bad_input,
    ::testing::Values(
        bad_input{"missing_file", nullptr, "", "in.csv: no such file"},
        bad_input{"empty_file", "", "", "empty file"},
        bad_input{"only_comments", "# nothing here\n\n", "", "empty file"},
        bad_input{"header_only", "time,value\n", "", "no data rows"},
        bad_input{"non_numeric", "time,value\n1,3\n2,4\n3,abc\n4,5\n", "", "line 4"},
        bad_input{"missing_value", "time,value\n1,3\n2,\n3,4\n4,5\n", "", "line 3"},
        bad_input{"na_value", "time,value\n1,3\n2,4\n3,NA\n4,5\n", "", "missing value"},
        bad_input{"short_row", "time,value\n1,3\n2\n3,4\n", "", "line 3"},
        bad_input{"time_not_increasing", "time,value\n1,3\n2,4\n2,5\n4,5\n", "", "line 4"},
        bad_input{"time_decreasing", "time,value\n1,3\n3,4\n2,5\n4,5\n", "", "line 4"},
        bad_input{"no_such_column", ten_rows, "--column abundance", "--column"},
        bad_input{"no_such_time_column", ten_rows, "--time year", "--time"},
        bad_input{"too_short_for_the_window", "time,value\n1,3\n2,4\n3,3.5\n4,5\n",
                  "--window 0.5 --surrogates 5", "--window"},
        bad_input{"window_too_long", ten_rows, "--window 10", "--window"},
        bad_input{"window_not_whole", ten_rows, "--window 4.5", "--window"},
        bad_input{"uneven_sampling", "time,value\n1,3\n2,4\n3,3.5\n5,5\n6,4\n7,6\n8,5\n9,7\n", "",
                  "line 5: uneven sampling"},
        bad_input{"bad_bandwidth", ten_rows, "--bandwidth -1", "--bandwidth"},
        bad_input{"bad_indicator", ten_rows, "--indicators variance,entropy", "--indicators"},
        bad_input{"bad_convention", ten_rows, "--convention matlab", "--convention"},
        bad_input{"bad_detrend", ten_rows, "--detrend spline", "--detrend"},
        bad_input{"lowess_span_too_small", ten_rows, "--detrend lowess --span 0.2", "--span"},
        bad_input{"unterminated_quote", "time,value\n1,3\n2,\"4\n3,5\n", "", "line 3"},
        bad_input{"bootstrap_too_small", ten_rows, "--model-test --bootstrap 5",
                  "--bootstrap 5: give 10 to 100000"},
        bad_input{"bootstrap_too_large", ten_rows, "--model-test --bootstrap 1000000",
                  "--bootstrap 1000000"},
        bad_input{"bootstrap_without_model_test", ten_rows, "--bootstrap 50",
                  "--bootstrap: only with --model-test"},
        bad_input{"model_test_too_short", "time,value\n1,3\n2,4\n3,3.5\n4,5\n5,4\n",
                  "--model-test --window 4", "--model-test needs at least 6 points"},
        // Negative counts used to wrap around (--bootstrap -1 was read as 2^64 - 1,
        // --surrogates -1 failed allocating with exit 1); every count is checked as written.
        bad_input{"bootstrap_negative", ten_rows, "--model-test --bootstrap -1",
                  "--bootstrap: bootstrap series must be a whole number, got \"-1\""},
        bad_input{"bootstrap_not_a_number", ten_rows, "--model-test --bootstrap abc",
                  "--bootstrap"},
        bad_input{"surrogates_negative", ten_rows, "--surrogates -1",
                  "--surrogates: surrogates must be an integer from 0 to 1000000"},
        bad_input{"threads_zero", ten_rows, "--threads 0",
                  "--threads: threads must be an integer from 1 to 4096"},
        bad_input{"lag_negative", ten_rows, "--lag -1", "--lag: lag must be an integer"},
        bad_input{"seed_negative", ten_rows, "--seed -3", "--seed: seed must be a whole number"},
        // Windows of 2^64 points or more were cast to an integer (undefined; 1e30 gave "0
        // points ... too short"); every count is compared with the series before the cast.
        bad_input{"window_beyond_any_count", ten_rows, "--window 1e30",
                  "--window 1e+30: 1e+30 points, longer than the 10 detrended points of the "
                  "series"},
        bad_input{"window_of_two_to_the_64", ten_rows, "--window 18446744073709551616",
                  "points, longer than the 10 detrended points of the series"},
        bad_input{"window_at_the_largest_double", ten_rows, "--window 1.7976931348623157e308",
                  "points, longer than the 10 detrended points of the series"},
        bad_input{"bandwidth_infinite", ten_rows, "--bandwidth 1e400",
                  "--bandwidth inf: must be a finite number > 0"},
        bad_input{"lag_huge", ten_rows, "--lag 1e30", "--lag: lag must be an integer from 1 to"},
        bad_input{"surrogates_huge", ten_rows, "--surrogates 18446744073709551617",
                  "--surrogates: surrogates must be an integer from 0 to 1000000"},
        bad_input{"threads_huge", ten_rows, "--threads 1e30",
                  "--threads: threads must be an integer from 1 to 4096"},
        // A number too large was called "not a whole number".
        bad_input{"seed_huge", ten_rows, "--seed 18446744073709551616",
                  "--seed: seed 18446744073709551616 is too large; give a whole number from 0 to "
                  "18446744073709551615"},
        bad_input{"bootstrap_beyond_a_count", ten_rows,
                  "--model-test --bootstrap 18446744073709551616",
                  "--bootstrap: bootstrap series 18446744073709551616 is too large; give a whole "
                  "number from 10 to 100000"},
        bad_input{"bootstrap_huge", ten_rows, "--model-test --bootstrap 1e30",
                  "--bootstrap: bootstrap series must be a whole number"},
        // A window given explicitly is still checked under --model-test.
        bad_input{"model_test_with_a_window_too_long", six_rows,
                  "--model-test --bootstrap 10 --window 5", "--window 5"},
        bad_input{"repeated_indicator", ten_rows, "--indicators variance,sd,variance",
                  "--indicators: \"variance\" is named twice"},
        // An empty name between commas used to be dropped silently.
        bad_input{"indicators_with_an_empty_name", ten_rows, "--indicators variance,,sd",
                  "--indicators \"variance,,sd\": an empty name; give comma-separated names "
                  "from variance, sd, cv, autocorrelation, ar1, skewness, kurtosis, return_rate, "
                  "density_ratio"},
        bad_input{"indicators_with_a_trailing_comma", ten_rows, "--indicators variance,",
                  "--indicators \"variance,\": an empty name"},
        bad_input{"indicators_empty", ten_rows, "--indicators ''",
                  "--indicators \"\": an empty name"},
        bad_input{"indicator_repeated_across_options", ten_rows,
                  "--indicators variance --indicators sd,variance",
                  "--indicators: \"variance\" is named twice"},
        bad_input{"plot_names_a_directory", ten_rows, "--plot /tmp --overwrite",
                  "--plot /tmp: is a directory; give a file name"},
        bad_input{"plot_not_png", ten_rows, "--plot figure.pdf",
                  "--plot figure.pdf: figures are PNG; give a name ending in .png"},
        bad_input{"bandwidth_too_wide", ten_rows, "--bandwidth 1e308",
                  "--bandwidth 1e+308: at most 10 times the series' span"},
        bad_input{"repeated_column", "time,value,value\n1,3,3\n2,4,4\n3,5,5\n", "",
                  "in.csv line 1: column \"value\" appears twice in the header (columns 2 and 3)"},
        // An unnamed first column was used as the time axis but reported as "row number".
        bad_input{"unnamed_first_column", ",value\n1,3\n2,4\n3,5\n", "",
                  "in.csv line 1: column 1 has no name; give every column its own name"},
        bad_input{"unnamed_last_column", "time,\n1,3\n2,4\n3,5\n", "",
                  "in.csv line 1: column 2 has no name"},
        bad_input{"unnamed_column_after_a_comment", "# counts\ntime,\"\",value\n1,2,3\n", "",
                  "in.csv line 2: column 2 has no name"},
        bad_input{"byte_order_mark_then_repeated_column", "\xEF\xBB\xBFtime,time\n1,2\n", "",
                  "column \"time\" appears twice"},
        bad_input{"value_too_large",
                  "time,value\n1,3e200\n2,4e200\n3,3e200\n4,5e200\n5,4e200\n6,6e200\n",
                  "--model-test --bootstrap 10", "in.csv line 2: value 3e+200 is beyond +-1e+70"},
        // Numbers a double cannot hold were called "not a number"; they get the message of
        // the values beyond +-1e70, or say what is allowed.
        bad_input{"value_beyond_a_double", "time,value\n1,3\n2,1e400\n3,4\n", "",
                  "in.csv line 3: value 1e400 is beyond +-1e+70, where the indicators overflow; "
                  "give the series in other units"},
        bad_input{"value_beyond_minus_a_double", "time,value\n1,3\n2,-1e400\n3,4\n", "",
                  "in.csv line 3: value -1e400 is beyond +-1e+70"},
        bad_input{"value_under_the_smallest_double", "time,value\n1,3\n2,1e-400\n3,4\n", "",
                  "in.csv line 3: value 1e-400 is nonzero but below 4.9e-324 in magnitude, the "
                  "smallest a double holds; write 0, or give the series in other units (values "
                  "within +-1e+70 that span at least 1e-70, where the indicators underflow)"},
        bad_input{"time_beyond_a_double", "time,value\n1,3\n+1e400,4\n", "",
                  "in.csv line 3: column \"time\": \"+1e400\" is out of range, beyond "
                  "+-1.79769e+308, the largest magnitude a double holds"},
        bad_input{"time_under_the_smallest_double", "time,value\n-1e-400,3\n1,4\n", "",
                  "in.csv line 2: column \"time\": \"-1e-400\" is nonzero but below 4.9e-324 "
                  "in magnitude, the smallest a double holds; write 0, or give the times in other "
                  "units"},
        bad_input{"values_too_close",
                  "time,value\n1,3e-300\n2,4e-300\n3,3e-300\n4,5e-300\n5,4e-300\n6,6e-300\n7,"
                  "5e-300\n8,7e-300\n9,6e-300\n10,8e-300\n",
                  "", "below 1e-70, where the indicators underflow"},
        // A kernel under one sample spacing used to leave every indicator undefined (exit 0,
        // a table of -); the message names the smallest bandwidth in each form that can be given.
        bad_input{"bandwidth_under_one_sample", ten_rows, "--bandwidth 1e-9",
                  "--bandwidth 1e-09: 1e-08 sample spacings of the 10-point series (one spacing "
                  "is 1 time units); the Gaussian kernel needs at least one: the smallest allowed "
                  "is 0.1 as a fraction of the series"},
        bad_input{"bandwidth_under_one_sample_in_time_units", ten_rows_every_ten, "--bandwidth 5",
                  "the smallest allowed is 10 in time units, or 0.1 as a fraction of the series"},
        bad_input{"bandwidth_under_one_sample_fraction_of_a_coarse_series", ten_rows_every_ten,
                  "--bandwidth 0.05",
                  "the smallest allowed is 0.1 as a fraction of the series, or 10 in time units"},
        // The r convention rounds 0.7 points to 1, but the bandwidth given is still too narrow.
        bad_input{"bandwidth_under_one_sample_r_convention", ten_rows,
                  "--bandwidth 0.07 --convention r", "--bandwidth 0.07: 0.7 sample spacings"},
        // LOWESS gives its farthest neighbour weight 0: 3 points fit a line through the series.
        bad_input{"lowess_span_fits_through_the_series", ten_rows, "--detrend lowess --span 0.3",
                  "--span 0.3: covers 3 of the 10 points; a local fit of degree 1 needs at least "
                  "4"},
        bad_input{"lowess_span_names_the_smallest_allowed", ten_rows,
                  "--detrend lowess --span 0.4 --convention r",
                  "needs at least 5 (the farthest has weight 0; with fewer the trend passes "
                  "through the series): the smallest allowed is 0.5"},
        // A series too short for any window is named as such, not for its kernel.
        bad_input{"too_short_for_the_window_and_the_kernel", "time,value\n1,3\n2,4\n3,3.5\n",
                  "--detrend lowess --span 1", "so the series is too short for this window"},
        // A smoothing option of another detrending would be ignored.
        bad_input{"bandwidth_with_lowess", ten_rows, "--detrend lowess --bandwidth 0.3",
                  "--bandwidth: only with --detrend gaussian (the default), not with --detrend "
                  "lowess"},
        bad_input{"span_with_the_default_detrending", ten_rows, "--span 0.3",
                  "--span: only with --detrend lowess, not with --detrend gaussian"},
        // Root may write anywhere the permissions say no; /proc refuses new files to anyone.
        bad_input{"plot_in_an_unwritable_directory", ten_rows, "--plot /proc/vigil-test.png",
                  "--plot /proc/vigil-test.png: cannot write in the directory /proc"}),
    [](const ::testing::TestParamInfo<bad_input>& test) { return test.param.label; });

// A wiggly 50-point series with a rising spread, so that every indicator has a trend.
std::string fifty_rows() {
    std::string csv = "time,value\n";
    for (int i = 0; i < 50; ++i) {
        csv += fmt::format("{},{:.6f}\n", i, 5 + (1 + 0.05 * i) * std::sin(1.7 * i * i));
    }
    return csv;
}

TEST_F(ews, the_smallest_bandwidth_and_span_allowed_give_defined_indicators) {
    write("fifty.csv", fifty_rows());
    for (const std::string options :
         {"--bandwidth 0.02", "--bandwidth 0.02 --convention r", "--detrend lowess --span 0.08",
          "--detrend lowess --span 0.1 --convention r"}) {
        fs::remove(path("out.h5"));
        const auto result = vigil("ews fifty.csv --surrogates 0 -o out.h5 " + options);
        ASSERT_EQ(result.status, 0) << options << ": " << result.err;
        const auto file = h5::open_file(path("out.h5"), false);
        const auto residuals = h5::read_vector(h5::open_group(file, "series"), "residuals");
        EXPECT_GT(*std::max_element(residuals.begin(), residuals.end()), 1e-3) << options;
        for (const double tau : h5::read_vector(h5::open_group(file, "tests"), "tau")) {
            EXPECT_TRUE(std::isfinite(tau)) << options;
        }
    }
}

// The sensitivity grid leaves out, as NaN, the cells the options would refuse: a kernel under
// one sample (0.05 of 16 points) or a LOWESS span through the series (0.15 of 20 points).
TEST_F(ews, sensitivity_cells_under_one_sample_or_through_the_series_stay_empty) {
    const auto column = [&](const std::string& file_name, std::size_t cell) {
        const auto file = h5::open_file(path(file_name), false);
        const auto grid = h5::open_dataset(h5::open_group(file, "sensitivity"), "variance");
        std::vector<double> taus;
        for (std::uint64_t w = 0; w < 11; ++w) taus.push_back(h5::read_row(grid, w).at(cell));
        return taus;
    };
    const auto all_nan = [](const std::vector<double>& taus) {
        return std::all_of(taus.begin(), taus.end(), [](double tau) { return std::isnan(tau); });
    };
    ASSERT_EQ(
        vigil("ews '" + data_dir + "chemostat.csv' --surrogates 0 --sensitivity -o g.h5").status,
        0);
    EXPECT_TRUE(all_nan(column("g.h5", 0)));   // bandwidth 0.05: 0.8 points
    EXPECT_FALSE(all_nan(column("g.h5", 1)));  // bandwidth 0.1: 1.6 points

    std::string csv = "time,value\n";
    for (int i = 0; i < 20; ++i) csv += fmt::format("{},{}\n", i, (i * 7) % 5 + 0.2 * i);
    write("twenty.csv", csv);
    const auto lowess = vigil(
        "ews twenty.csv --surrogates 0 --detrend lowess --span 0.4 "
        "--sensitivity -o l.h5");
    ASSERT_EQ(lowess.status, 0) << lowess.err;
    EXPECT_TRUE(all_nan(column("l.h5", 1)));   // span 0.15: 3 points
    EXPECT_FALSE(all_nan(column("l.h5", 2)));  // span 0.2: 4 points
}

TEST_F(ews, computes_the_indicators_named_in_the_order_given) {
    write("in.csv", ten_rows);
    const auto result =
        vigil("ews in.csv --surrogates 0 --indicators kurtosis,ar1 --indicators sd -o i.h5");
    ASSERT_EQ(result.status, 0) << result.err;
    const auto file = h5::open_file(path("i.h5"), false);
    EXPECT_EQ(h5::read_strings(h5::open_group(file, "tests"), "indicator"),
              (std::vector<std::string>{"kurtosis", "ar1", "sd"}));
}

TEST_F(ews, refuses_a_directory_as_output_before_any_work) {
    write("in.csv", ten_rows);
    fs::create_directory(path("d1"));
    for (const auto* overwrite : {"", " --overwrite"}) {
        const auto result = vigil(std::string("ews in.csv --surrogates 10 -o d1") + overwrite);
        EXPECT_EQ(result.status, 2) << result.err;
        EXPECT_NE(result.err.find("-o d1: is a directory; give a file name"), std::string::npos)
            << result.err;
        EXPECT_EQ(result.out, "") << "no work before the refusal";
        EXPECT_TRUE(fs::is_empty(path("d1")));
    }
}

TEST_F(ews, refuses_an_output_that_names_the_input_series) {
    write("mine.csv", ten_rows);
    for (const auto* arguments :
         {"-o mine.csv", "-o ./mine.csv --overwrite", "--plot mine.csv --overwrite"}) {
        const auto result = vigil(std::string("ews mine.csv --surrogates 5 ") + arguments);
        EXPECT_EQ(result.status, 2) << arguments << ": " << result.err;
        EXPECT_NE(result.err.find("names the input series mine.csv"), std::string::npos)
            << arguments << ": " << result.err;
        EXPECT_EQ(result.out, "");
        EXPECT_EQ(slurp(path("mine.csv")), ten_rows);
    }
}

// An empty name read as "not given": exit 0 and nothing written.
TEST_F(ews, refuses_an_empty_output_or_figure_name) {
    write("in.csv", ten_rows);
    for (const auto& [arguments, message] : std::vector<std::pair<std::string, std::string>>{
             {"-o ''", "-o: the output needs a file name"},
             {"--plot ''", "--plot: the figure needs a file name ending in .png"}}) {
        const auto result = vigil("ews in.csv --surrogates 5 " + arguments);
        EXPECT_EQ(result.status, 2) << arguments << ": " << result.err;
        EXPECT_NE(result.err.find(message), std::string::npos) << arguments << ": " << result.err;
        EXPECT_EQ(result.out, "");
        EXPECT_TRUE(outputs().empty());
    }
}

// The same file spelt two ways was refused only after all the work, when the figure was drawn.
TEST_F(ews, refuses_one_file_for_both_outputs_in_any_spelling) {
    write("in.csv", ten_rows);
    fs::create_directory(path("sub"));
    for (const auto* arguments : {"-o same.png --plot same.png", "-o ./same.png --plot same.png",
                                  "-o sub/../same.png --plot ./same.png"}) {
        const auto result = vigil(std::string("ews in.csv --surrogates 5 ") + arguments);
        EXPECT_EQ(result.status, 2) << arguments << ": " << result.err;
        EXPECT_NE(result.err.find("name the same file"), std::string::npos)
            << arguments << ": " << result.err;
        EXPECT_EQ(result.out, "");
        EXPECT_EQ(outputs(), std::vector<std::string>{"sub"});
    }
}

TEST_F(ews, strips_a_utf8_byte_order_mark_from_the_header) {
    write("bom.csv", std::string("\xEF\xBB\xBF") + ten_rows);
    const auto result = vigil("ews bom.csv --time time --surrogates 0");
    ASSERT_EQ(result.status, 0) << result.err;
    EXPECT_NE(result.out.find("column \"value\" against \"time\""), std::string::npos)
        << result.out;
}

TEST_F(ews, control_bytes_of_a_cell_are_escaped_in_the_message) {
    write("nul.csv", std::string("time,value\n0,1\0"
                                 "2\n1,2\n",
                                 18));
    const auto result = vigil("ews nul.csv");
    EXPECT_EQ(result.status, 2);
    EXPECT_NE(result.err.find("nul.csv line 2: column \"value\": \"1\\x002\" is not a number"),
              std::string::npos)
        << result.err;
    EXPECT_EQ(result.err.find('\0'), std::string::npos);
}

// Column names are printed in the heading with their control bytes escaped, as in errors (an
// escape sequence in a header used to reach the terminal).
TEST_F(ews, control_bytes_of_column_names_are_escaped_in_the_heading) {
    std::string csv = "ti\x7fme,val\x1b[31mue\n";
    for (int i = 1; i <= 10; ++i) csv += fmt::format("{},{}\n", i, (i * 7) % 5 + 0.5 * i);
    write("names.csv", csv);
    const auto result = vigil("ews names.csv --surrogates 0");
    ASSERT_EQ(result.status, 0) << result.err;
    EXPECT_NE(result.out.find("names.csv: column \"val\\x1b[31mue\" against \"ti\\x7fme\""),
              std::string::npos)
        << result.out;
    for (const char byte : result.out) {
        const auto code = static_cast<unsigned char>(byte);
        EXPECT_TRUE(byte == '\n' || (code >= 0x20 && code != 0x7f)) << static_cast<int>(code);
    }
}

// Bytes that are not UTF-8 in a column name (an HDF5 file given as a series: "\x89HDF")
// reached the terminal as they were.
TEST_F(ews, bytes_of_column_names_that_are_not_utf8_are_escaped_in_the_heading) {
    std::string csv = "\x89HDF,\xce\xbc\n";
    for (int i = 1; i <= 10; ++i) csv += fmt::format("{},{}\n", i, (i * 7) % 5 + 0.5 * i);
    write("names.csv", csv);
    const auto result = vigil("ews names.csv --surrogates 0");
    ASSERT_EQ(result.status, 0) << result.err;
    EXPECT_NE(result.out.find("names.csv: column \"\xce\xbc\" against \"\\x89HDF\""),
              std::string::npos)
        << result.out;
}

// A cell of ten million digits was quoted whole: a 10 MB error line.
TEST_F(ews, long_cells_are_cut_in_messages) {
    write("long.csv", "time,value\n1,3\n2,4" + std::string(10'000'000, '7') + "x\n");
    const auto result = vigil("ews long.csv");
    EXPECT_EQ(result.status, 2);
    EXPECT_NE(result.err.find("long.csv line 3: column \"value\": \"4" + std::string(39, '7') +
                              "...\" is not a number"),
              std::string::npos)
        << result.err.substr(0, 200);
    EXPECT_LT(result.err.size(), 200u);
}

// A series is read up to a cap: the file is refused as soon as it is passed, whatever the
// cut line holds, and a file at the cap is read.
TEST_F(ews, a_series_over_the_size_cap_is_refused) {
    write("in.csv", ten_rows);
    const auto size = fs::file_size(path("in.csv"));
    EXPECT_EQ(cli::read_csv_series(path("in.csv"), "", "", size).values.size(), 10u);
    for (const auto cap : {size - 1, size - 3, std::uintmax_t{5}}) {
        try {
            cli::read_csv_series(path("in.csv"), "", "", cap);
            ADD_FAILURE() << "a file over " << cap << " bytes was read";
        } catch (const input_error& error) {
            EXPECT_EQ(std::string(error.what()),
                      fmt::format("{}: larger than {} bytes, the most a CSV series may hold",
                                  path("in.csv"), cap));
        }
    }
}

// /dev/zero (no line end, no end at all) used to be read until memory ran out (11 GB). A
// memory limit keeps a regression from taking the machine down; AddressSanitizer reserves
// terabytes of address space for its shadow memory, so under it only the time limit applies.
#if defined(__SANITIZE_ADDRESS__)
constexpr const char* memory_guard = "";
#else
constexpr const char* memory_guard = "ulimit -v 4000000; ";
#endif

TEST_F(ews, a_series_without_end_is_refused_at_the_size_cap) {
    const auto result = vigil("ews /dev/zero", "", std::string(memory_guard) + "timeout 60 ");
    EXPECT_EQ(result.status, 2) << result.err;
    EXPECT_NE(result.err.find("/dev/zero: larger than 256 MiB, the most a CSV series may hold"),
              std::string::npos)
        << result.err;
}

TEST_F(ews, the_time_range_keeps_its_span_at_large_times) {
    std::string csv = "time,value\n";
    for (int i = 0; i < 20; ++i) {
        csv += std::to_string(-1000019 + i) + "," + std::to_string(3 + (i * 7) % 5) + "\n";
    }
    write("late.csv", csv);
    const auto result = vigil("ews late.csv --surrogates 0");
    ASSERT_EQ(result.status, 0) << result.err;
    EXPECT_NE(result.out.find("(20 points, -1.00002e+06 to -1e+06)"), std::string::npos)
        << result.out;
}

// The model test in extreme units: the series divided by a power of two near its spread is
// fitted (exactly: the division is exact), so the fits converge at any scale, delta is that of
// the divided series bit for bit, and the OU's mean comes back in the series' units. (The LSN
// is not scale-free, so delta does depend on the units within the comfortable range.)
TEST_F(ews, model_test_fits_a_series_in_extreme_units) {
    std::vector<double> x{5.0};
    std::uint64_t state = 12345;
    for (int i = 1; i < 60; ++i) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        const double uniform = static_cast<double>(state >> 11) / 9007199254740992.0 - 0.5;
        x.push_back(x.back() + 0.25 * (5.0 - x.back()) + 1.2 * uniform);
    }
    struct fitted {
        double delta, unit, ou_mean;
    };
    const auto fit = [&](const std::vector<double>& values, const std::string& name) {
        std::string csv = "time,value\n";
        for (std::size_t i = 0; i < values.size(); ++i) {
            csv += fmt::format("{},{:.17g}\n", i, values[i]);
        }
        write(name + ".csv", csv);
        const auto result = vigil(
            "ews " + name + ".csv --surrogates 0 --model-test --bootstrap 10 -o " + name + ".h5");
        EXPECT_EQ(result.status, 0) << name << ": " << result.err;
        EXPECT_NE(result.out.find("OU fit:  converged"), std::string::npos) << result.out;
        EXPECT_NE(result.out.find("LSN fit: converged"), std::string::npos) << result.out;
        const auto file = h5::open_file(path(name + ".h5"), false);
        const auto group = h5::open_group(file, "model_test");
        return fitted{h5::read_double_attribute(group, "delta"),
                      h5::read_double_attribute(group, "fitting_unit"),
                      h5::read_vector(group, "parameters")[1]};
    };
    EXPECT_EQ(fit(x, "unscaled").unit, 1.0);
    for (const double scale : {1e-20, 1e-8, 1e6, 1e60}) {
        const auto name = fmt::format("scaled_{:g}", scale);
        std::vector<double> scaled = x;
        for (double& v : scaled) v *= scale;
        const auto extreme = fit(scaled, name);
        ASSERT_NE(extreme.unit, 1.0) << scale;
        ASSERT_TRUE(std::isfinite(extreme.delta)) << scale;
        for (double& v : scaled) v /= extreme.unit;
        const auto comfortable = fit(scaled, name + "_divided");
        EXPECT_EQ(comfortable.unit, 1.0);
        EXPECT_EQ(extreme.delta, comfortable.delta) << scale;
        EXPECT_EQ(extreme.ou_mean, comfortable.ou_mean * extreme.unit) << scale;
    }
}

TEST_F(ews, refuses_to_replace_an_existing_output) {
    write("out.h5", "precious");
    const auto result = vigil("ews '" + data_dir + "foldbif.csv' -o out.h5");
    EXPECT_EQ(result.status, 2);
    EXPECT_NE(result.err.find("--overwrite"), std::string::npos) << result.err;
    EXPECT_EQ(slurp(path("out.h5")), "precious");
}

}  // namespace
}  // namespace vigil
