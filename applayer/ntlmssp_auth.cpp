#include "applayer/ntlmssp_auth.h"

#include <algorithm>
#include <cstring>

#include "applayer/utf16_text.h"

namespace mamori {
namespace {

constexpr uint8_t kSignature[8] = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0};
constexpr uint32_t kAuthenticate = 3;
constexpr uint32_t kNegotiateUnicode = 0x1;
constexpr size_t kHeaderBytes = 64;  // through NegotiateFlags

uint16_t le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }
uint32_t le32(const uint8_t* p) { return le16(p) | static_cast<uint32_t>(le16(p + 2)) << 16; }

// A security buffer (length, allocated length, offset from the message's start) into `out`.
bool field(const uint8_t* msg, size_t len, size_t at, bool unicode, std::string& out) {
  const size_t n = le16(msg + at);
  const size_t offset = le32(msg + at + 4);
  if (offset > len || n > len - offset) return false;
  out.clear();
  if (unicode) {
    appendUtf16Le(msg + offset, n, out, NtlmsspAuth::kMaxField);
  } else {
    out.assign(reinterpret_cast<const char*>(msg + offset), std::min(n, NtlmsspAuth::kMaxField));
  }
  return true;
}

}  // namespace

NtlmsspRead readNtlmsspAuth(const uint8_t* blob, size_t len, NtlmsspAuth& out) {
  const uint8_t* end = blob + len;
  const uint8_t* msg = std::search(blob, end, std::begin(kSignature), std::end(kSignature));
  if (msg == end || static_cast<size_t>(end - msg) < 12 || le32(msg + 8) != kAuthenticate) return NtlmsspRead::Other;
  const size_t n = static_cast<size_t>(end - msg);
  if (n < kHeaderBytes) return NtlmsspRead::Malformed;
  const bool unicode = le32(msg + 60) & kNegotiateUnicode;
  // DomainName at 28, UserName at 36, Workstation at 44.
  if (!field(msg, n, 28, unicode, out.domain) || !field(msg, n, 36, unicode, out.user) ||
      !field(msg, n, 44, unicode, out.host)) {
    return NtlmsspRead::Malformed;
  }
  return NtlmsspRead::Auth;
}

}  // namespace mamori
