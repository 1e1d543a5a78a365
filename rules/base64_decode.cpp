#include "rules/base64_decode.h"

#include <array>

namespace mamori {
namespace {

using Mode = Transform::FromBase64::Mode;

constexpr int8_t kPad = -2;
constexpr int8_t kInvalid = -1;

constexpr std::array<int8_t, 256> kValues = [] {
  std::array<int8_t, 256> v{};
  v.fill(kInvalid);
  constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (size_t i = 0; i < kAlphabet.size(); ++i) v[static_cast<uint8_t>(kAlphabet[i])] = static_cast<int8_t>(i);
  v['='] = kPad;
  return v;
}();

int8_t valueOf(char c) { return kValues[static_cast<uint8_t>(c)]; }

// One quad of values (kPad for '='): 1 to 3 bytes, or false when padding comes first.
bool decodeQuad(const int8_t (&q)[4], std::string& out) {
  if (q[0] < 0 || q[1] < 0) return false;
  out.push_back(static_cast<char>(q[0] << 2 | q[1] >> 4));
  if (q[2] < 0) return true;
  out.push_back(static_cast<char>((q[1] & 0x0f) << 4 | q[2] >> 2));
  if (q[3] < 0) return true;
  out.push_back(static_cast<char>((q[2] & 0x03) << 6 | q[3]));
  return true;
}

bool decodeLenient(Mode mode, std::string_view in, std::string& out) {
  int8_t quad[4];
  size_t n = 0;
  for (char c : in) {
    const int8_t v = valueOf(c);
    if (v == kInvalid) {
      if (mode == Mode::Rfc2045) continue;
      break;
    }
    quad[n++] = v;
    if (n == 4) {
      if (!decodeQuad(quad, out)) return false;
      n = 0;
    }
  }
  // RFC 4648 mode pads what is left of a last quad; RFC 2045 mode drops it.
  if (n > 0 && mode == Mode::Rfc4648) {
    while (n < 4) quad[n++] = kPad;
    if (!decodeQuad(quad, out)) return false;
  }
  return true;
}

bool decodeStrict(std::string_view in, std::string& out) {
  if (in.size() % 4 != 0) return false;
  for (size_t i = 0; i < in.size(); i += 4) {
    int8_t quad[4];
    for (size_t k = 0; k < 4; ++k) {
      quad[k] = valueOf(in[i + k]);
      if (quad[k] == kInvalid) return false;
    }
    const bool last = i + 4 == in.size();
    const bool padded = quad[2] == kPad || quad[3] == kPad;
    // Padding only ends the input, "xx==" or "xxx=", with no stray bits before it.
    if (padded && (!last || (quad[2] == kPad && quad[3] != kPad))) return false;
    if (quad[2] == kPad && (quad[1] & 0x0f) != 0) return false;
    if (quad[2] >= 0 && quad[3] == kPad && (quad[2] & 0x03) != 0) return false;
    if (!decodeQuad(quad, out)) return false;
  }
  return true;
}

}  // namespace

bool base64Decode(Mode mode, std::string_view in, std::string& out) {
  out.clear();
  const bool ok = mode == Mode::Strict ? decodeStrict(in, out) : decodeLenient(mode, in, out);
  if (!ok) out.clear();
  return !out.empty();
}

}  // namespace mamori
