#include "engine/random_stream.hpp"

#include <gtest/gtest.h>
#include <boost/random/exponential_distribution.hpp>

#include <cmath>
#include <set>

namespace vigil {
namespace {

TEST(random_stream, same_key_gives_same_sequence) {
    random_stream a(stream_key{7, 1, 3, 11});
    random_stream b(stream_key{7, 1, 3, 11});
    for (int i = 0; i < 1000; ++i) ASSERT_EQ(a(), b());
}

TEST(random_stream, every_key_component_changes_the_sequence) {
    const stream_key base{7, 1, 3, 11};
    std::set<std::uint64_t> first_words;
    for (const stream_key key : {base, stream_key{8, 1, 3, 11}, stream_key{7, 2, 3, 11},
                                 stream_key{7, 1, 4, 11}, stream_key{7, 1, 3, 12}}) {
        random_stream stream(key);
        first_words.insert(stream());
    }
    EXPECT_EQ(first_words.size(), 5u);
}

TEST(random_stream, uniform_open_has_mean_one_half_and_never_hits_the_ends) {
    // 10^6 draws: the mean of U(0,1) has standard error 1/sqrt(12e6) = 2.9e-4; allow 5 SE.
    random_stream stream(stream_key{1, 0, 0, 0});
    double sum = 0;
    for (int i = 0; i < 1000000; ++i) {
        const double u = stream.uniform_open();
        ASSERT_GT(u, 0.0);
        ASSERT_LT(u, 1.0);
        sum += u;
    }
    EXPECT_NEAR(sum / 1e6, 0.5, 5 * 2.9e-4);
}

TEST(random_stream, drives_boost_exponential_with_the_right_mean) {
    // Exp(rate 4) has mean 0.25 and sd 0.25; 10^5 draws give SE 7.9e-4; allow 5 SE.
    random_stream stream(stream_key{2, 0, 0, 0});
    boost::random::exponential_distribution<double> waiting(4.0);
    double sum = 0;
    for (int i = 0; i < 100000; ++i) sum += waiting(stream);
    EXPECT_NEAR(sum / 1e5, 0.25, 5 * 7.9e-4);
}

}  // namespace
}  // namespace vigil
