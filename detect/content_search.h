#pragma once
// Literal search over a buffer, for verifying content matches after the prefilter.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mamori {

// The first occurrence of `needle` in haystack[0..length), or nullptr. `needle` must
// already be lower-case when `nocase` is set (SignatureDatabase prepares it so), which
// halves the work per byte compared.
const uint8_t* findBytes(const uint8_t* haystack, size_t length, std::string_view needle, bool nocase);

}  // namespace mamori
