#include "detect/base64_decoder.h"

#include <array>

namespace mamori {
namespace {

constexpr int8_t kPad = -2, kInvalid = -1;

constexpr std::array<int8_t, 256> kValues = [] {
  std::array<int8_t, 256> values{};
  values.fill(kInvalid);
  constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (int i = 0; i < 64; ++i) values[static_cast<uint8_t>(kAlphabet[i])] = static_cast<int8_t>(i);
  values['='] = kPad;
  return values;
}();

// One group of four values (kPad for '='); false when it cannot be decoded.
bool decodeGroup(const int8_t (&v)[4], std::vector<uint8_t>& out) {
  if (v[0] < 0 || v[1] < 0) return false;
  out.push_back(static_cast<uint8_t>(v[0] << 2 | v[1] >> 4));
  if (v[2] == kPad) return true;
  out.push_back(static_cast<uint8_t>(v[1] << 4 | v[2] >> 2));
  if (v[3] == kPad) return true;
  out.push_back(static_cast<uint8_t>(v[2] << 6 | v[3]));
  return true;
}

}  // namespace

void decodeBase64(const uint8_t* data, size_t length, std::vector<uint8_t>& out) {
  out.clear();
  int8_t group[4];
  int filled = 0;
  for (size_t i = 0; i < length; ++i) {
    const int8_t v = kValues[data[i]];
    if (v == kInvalid) break;
    group[filled++] = v;
    if (filled == 4) {
      if (!decodeGroup(group, out)) {
        out.clear();
        return;
      }
      filled = 0;
    }
  }
  if (filled == 0) return;
  while (filled < 4) group[filled++] = kPad;
  if (!decodeGroup(group, out)) out.clear();
}

}  // namespace mamori
