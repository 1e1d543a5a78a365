#include "detect/content_search.h"

#include <cstring>

namespace mamori {
namespace {

inline uint8_t lower(uint8_t c) { return c >= 'A' && c <= 'Z' ? static_cast<uint8_t>(c | 0x20) : c; }

}  // namespace

const uint8_t* findBytes(const uint8_t* haystack, size_t length, std::string_view needle, bool nocase) {
  if (needle.empty()) return haystack;
  if (needle.size() > length) return nullptr;
  if (!nocase) return static_cast<const uint8_t*>(memmem(haystack, length, needle.data(), needle.size()));
  const auto* n = reinterpret_cast<const uint8_t*>(needle.data());
  const size_t last = length - needle.size();
  for (size_t i = 0; i <= last; ++i) {
    if (lower(haystack[i]) != n[0]) continue;
    size_t j = 1;
    while (j < needle.size() && lower(haystack[i + j]) == n[j]) ++j;
    if (j == needle.size()) return haystack + i;
  }
  return nullptr;
}

}  // namespace mamori
