#pragma once
// JA4 of a ClientHello computed from tshark's fields of it, written apart from
// applayer/ja4_fingerprint so that the corpus cross-checks compare two readings: tshark 4.0
// (Debian 12) has no JA4 field of its own. The definition is FoxIO's as Suricata 8 applies it
// (see applayer/ja4_fingerprint.h).
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <string>
#include <vector>

namespace mamori::test {

struct TsharkHelloFields {
  std::string version;                      // tls.handshake.version, "0x0303"
  std::vector<std::string> supported_versions;  // tls.handshake.extensions.supported_version
  std::vector<std::string> ciphers;         // tls.handshake.ciphersuite, "0x1301"
  std::vector<std::string> extensions;      // tls.handshake.extension.type, decimal
  std::vector<std::string> sig_algs;        // tls.handshake.sig_hash_alg, "0x0403"
  std::vector<std::string> alpn;            // tls.handshake.extensions_alpn_str
};

// The tshark fields TsharkHelloFields is read from, in its order.
inline const std::vector<std::string>& tsharkJa4Fields() {
  static const std::vector<std::string> fields = {
      "tls.handshake.version",      "tls.handshake.extensions.supported_version", "tls.handshake.ciphersuite",
      "tls.handshake.extension.type", "tls.handshake.sig_hash_alg",               "tls.handshake.extensions_alpn_str"};
  return fields;
}

inline std::string ja4FromTshark(char transport, const TsharkHelloFields& h) {
  auto number = [](const std::string& s) { return static_cast<unsigned>(std::stoul(s, nullptr, 0)); };
  auto grease = [](unsigned v) { return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff); };
  auto values = [&](const std::vector<std::string>& in) {
    std::vector<unsigned> out;
    for (const std::string& s : in)
      if (!s.empty() && !grease(number(s))) out.push_back(number(s));
    return out;
  };
  auto joined = [](const std::vector<unsigned>& v) {
    std::string s;
    char buf[8];
    for (size_t i = 0; i < v.size(); ++i) {
      std::snprintf(buf, sizeof buf, i ? ",%04x" : "%04x", v[i]);
      s += buf;
    }
    return s;
  };
  auto sha12 = [](const std::string& s) {
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), md);
    char hex[13];
    for (int i = 0; i < 6; ++i) std::snprintf(hex + 2 * i, 3, "%02x", md[i]);
    return std::string(hex, 12);
  };

  std::vector<unsigned> versions = values(h.supported_versions);
  if (!h.version.empty()) versions.push_back(number(h.version));
  const unsigned top = versions.empty() ? 0 : *std::max_element(versions.begin(), versions.end());
  const char* code = top == 0x0304 ? "13" : top == 0x0303 ? "12" : top == 0x0302 ? "11" : top == 0x0301 ? "10"
                     : top == 0x0300 ? "s3" : "00";

  std::vector<unsigned> ciphers = values(h.ciphers);
  std::vector<unsigned> all_extensions = values(h.extensions);
  const bool sni = std::count(all_extensions.begin(), all_extensions.end(), 0u) > 0;
  std::vector<unsigned> hashed;
  for (unsigned e : all_extensions)
    if (e != 0 && e != 16) hashed.push_back(e);
  std::string alpn = "00";
  if (!h.alpn.empty() && h.alpn[0].size() >= 2) {
    const std::string& first = h.alpn[0];
    auto alnum = [](unsigned char c) { return std::isalnum(c) != 0; };
    if (alnum(first.front()) && alnum(first.back())) alpn = {first.front(), first.back()};
    else {
      char hex[5];
      std::snprintf(hex, sizeof hex, "%02x%02x", static_cast<unsigned char>(first.front()),
                    static_cast<unsigned char>(first.back()));
      alpn = {hex[0], hex[3]};
    }
  }
  char head[16];
  std::snprintf(head, sizeof head, "%c%s%c%02zu%02zu%s", transport, code, sni ? 'd' : 'i',
                std::min<size_t>(ciphers.size(), 99), std::min<size_t>(all_extensions.size(), 99), alpn.c_str());
  std::sort(ciphers.begin(), ciphers.end());
  std::sort(hashed.begin(), hashed.end());
  std::string c = joined(hashed);
  const std::vector<unsigned> sig = values(h.sig_algs);
  if (!sig.empty()) c += "_" + joined(sig);
  return std::string(head) + "_" + sha12(joined(ciphers)) + "_" + sha12(c);
}

}  // namespace mamori::test
