// libFuzzer entry: the scan file reader (tests/fuzz/fuzz_targets.hpp). Built by `cmake --preset
// fuzz`.
#include "fuzz_targets.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    vigil::fuzz::scan_text({data, size});
    return 0;
}
