#pragma once
// Base64 as Suricata's base64_decode keyword decodes it (RFC 4648 mode): the standard
// alphabet, no whitespace. Decoding stops at the first byte that is neither in the
// alphabet nor '=', and a group cut short by it (or by the end) counts as padded. '='
// ends its group, not the data: "Zg==Zm8=" is "ffo". A group padded before its second
// character ("====", or a single byte left over: "Zm9vY") fails the whole input, as
// Suricata's decoder returns an error and nothing then.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace mamori {

// Replaces `out` with the decoded bytes (at most 3/4 of `length`; none on failure);
// keeps its capacity.
void decodeBase64(const uint8_t* data, size_t length, std::vector<uint8_t>& out);

}  // namespace mamori
