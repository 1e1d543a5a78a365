#pragma once
// The console's secrets as text: random tokens (session ids, CSRF tokens, API tokens) from
// libsodium's generator, their digests, and comparisons that take the same time whatever
// the bytes are, so that a client cannot find a secret byte by byte by timing answers.
// Thread-safe: libsodium is initialised once, the rest is pure.
#include <cstddef>
#include <string>
#include <string_view>

namespace mamori {

// Initialises libsodium once (later calls cost nothing); throws std::runtime_error when it
// cannot (no random source).
void requireSodium();

// `bytes` random bytes as lowercase hex.
std::string randomHex(size_t bytes);
// BLAKE2b-256 (crypto_generichash) of `text`, lowercase hex: for secrets with full entropy,
// where a slow password hash would buy nothing.
std::string digestHex(std::string_view text);
// Equal in constant time for a given length (the length itself is not secret).
bool sameSecret(std::string_view a, std::string_view b);
// 2 * `bytes` lowercase hex digits: what randomHex() and digestHex() make.
bool isLowerHex(std::string_view text, size_t bytes);

}  // namespace mamori
