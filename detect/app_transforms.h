#pragma once
// Suricata's cheap transforms (to_lowercase, strip_whitespace, dotprefix, url_decode, ...)
// applied to an app buffer before a rule's keywords inspect it.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "rules/rule.h"

namespace mamori {

// Applies `transforms` in order to data[0..length) into `out`; `spare` is a second
// buffer for the steps in between. Both are reused across calls by the caller.
void applyTransforms(std::span<const Transform> transforms, const uint8_t* data, size_t length, std::string& out,
                     std::string& spare);

}  // namespace mamori
