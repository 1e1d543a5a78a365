#pragma once
// Suricata's base64 decoding for from_base64, in its three modes (base64_decode is the
// RFC 4648 one):
//  - Rfc4648: decodes up to the first byte outside the alphabet, a last partial quad
//    padded;
//  - Rfc2045: skips bytes outside the alphabet, drops a last partial quad;
//  - Strict: the whole input must be canonical padded base64.
// A quad whose first two characters are not both in the alphabet fails the whole input.
#include <string>
#include <string_view>

#include "rules/rule.h"

namespace mamori {

// Decodes `in` into `out`; false when nothing decodes (no byte, or an error).
bool base64Decode(Transform::FromBase64::Mode mode, std::string_view in, std::string& out);

}  // namespace mamori
