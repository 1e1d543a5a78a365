#include "console/secrets.h"

#include <sodium.h>

#include <stdexcept>
#include <vector>

namespace mamori {

void requireSodium() {
  // sodium_init() is itself safe to call from several threads; the static only saves the call.
  static const bool ready = sodium_init() >= 0;
  if (!ready) throw std::runtime_error("libsodium cannot initialise (no random source?)");
}

namespace {

std::string hex(const unsigned char* bytes, size_t size) {
  std::string out(size * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes, size);
  out.pop_back();
  return out;
}

}  // namespace

std::string randomHex(size_t bytes) {
  requireSodium();
  std::vector<unsigned char> raw(bytes);
  randombytes_buf(raw.data(), raw.size());
  std::string out = hex(raw.data(), raw.size());
  sodium_memzero(raw.data(), raw.size());
  return out;
}

std::string digestHex(std::string_view text) {
  requireSodium();
  unsigned char digest[crypto_generichash_BYTES];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                     nullptr, 0);
  return hex(digest, sizeof digest);
}

bool sameSecret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool isLowerHex(std::string_view text, size_t bytes) {
  if (text.size() != bytes * 2) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace mamori
