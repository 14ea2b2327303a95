// libFuzzer entry: the CSV series reader (tests/fuzz/fuzz_targets.hpp). Built by `cmake --preset
// fuzz`.
#include "fuzz_targets.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    vigil::fuzz::csv_text({data, size});
    return 0;
}
