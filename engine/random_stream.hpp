#pragma once

// Keyed random streams. A random_stream is a counter-based generator (Philox4x64-10 from
// Random123): its whole output is a pure function of (seed, stream id, scan point,
// replicate), so results do not depend on threads, shards, ranks or scheduling. It satisfies
// UniformRandomBitGenerator and drives Boost.Random distributions. Not thread-safe: each
// replicate makes its own streams, which are cheap (no state beyond the counter).

#include <Random123/philox.h>

#include <array>
#include <cstdint>
#include <limits>

namespace vigil {

struct stream_key {
    std::uint64_t seed = 0;
    std::uint64_t stream = 0;
    std::uint64_t point = 0;
    std::uint64_t replicate = 0;
};

class random_stream {
public:
    using result_type = std::uint64_t;

    explicit random_stream(const stream_key& key)
        : key_{{key.seed, key.stream}}, counter_{{0, 0, key.point, key.replicate}} {}

    static constexpr result_type min() { return 0; }
    static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }

    result_type operator()() {
        if (next_ == block_.size()) refill();
        return block_[next_++];
    }

    // Uniform on the open interval (0, 1), with 53 random bits; never 0, so -log(u) is finite.
    double uniform_open() { return (static_cast<double>((*this)() >> 11) + 0.5) * 0x1.0p-53; }

private:
    void refill() {
        const auto out = philox_(counter_, key_);
        for (std::size_t i = 0; i < block_.size(); ++i) block_[i] = out[i];
        ++counter_[0];  // 2^64 blocks per (point, replicate) before a repeat: unreachable
        next_ = 0;
    }

    r123::Philox4x64 philox_;
    r123::Philox4x64::key_type key_;
    r123::Philox4x64::ctr_type counter_;
    std::array<std::uint64_t, 4> block_{};
    std::size_t next_ = 4;
};

// Makes the streams of one (point, replicate): each model names its streams by small
// integer ids (listed in one place per model), and stream(id) is that stream from its start.
class replicate_streams {
public:
    replicate_streams(std::uint64_t seed, std::uint64_t point, std::uint64_t replicate)
        : seed_(seed), point_(point), replicate_(replicate) {}

    random_stream stream(std::uint64_t stream_id) const {
        return random_stream(stream_key{seed_, stream_id, point_, replicate_});
    }

    std::uint64_t point() const { return point_; }
    std::uint64_t replicate() const { return replicate_; }

private:
    std::uint64_t seed_;
    std::uint64_t point_;
    std::uint64_t replicate_;
};

}  // namespace vigil
