#include "applayer/tls_hello_decoder.h"

#include <openssl/evp.h>

#include <charconv>
#include <cstring>
#include <optional>

#include "applayer/byte_reader.h"
#include "applayer/ja4_fingerprint.h"
#include "applayer/tls_certificate_decoder.h"

namespace mamori {
namespace {

constexpr uint16_t kExtServerName = 0, kExtSupportedGroups = 10, kExtPointFormats = 11,
                   kExtSignatureAlgorithms = 13, kExtAlpn = 16, kExtSupportedVersions = 43;

using E = AppLayerEvent;

void appendNumber(std::string& s, unsigned v) {
  char buf[8];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  s.append(buf, r.ptr);
}

// A JA3 field: decimal values joined with '-'.
class Ja3List {
 public:
  explicit Ja3List(std::string& s) : s_(s) {}
  void add(uint16_t v) {
    // Clients sprinkle GREASE values at random: left out, one client keeps one fingerprint.
    if (isTlsGrease(v)) return;
    if (!first_) s_ += '-';
    first_ = false;
    appendNumber(s_, v);
  }

 private:
  std::string& s_;
  bool first_ = true;
};

// The extensions block that may follow a hello's fixed fields (absent in old hellos).
ByteReader extensionsOf(ByteReader& hello) {
  if (!hello.left()) return {};
  return hello.sub(hello.u16());
}

// RFC 6066 3: a list of (type, name), of which only host_name (0) is defined. The first
// name goes to `sni`; the anomaly met, if any, is returned.
std::optional<AppLayerEvent> readSni(ByteReader ext, std::string& sni) {
  ByteReader names = ext.sub(ext.u16());
  if (!ext.ok()) return E::TlsInvalidSniLength;
  while (names.left()) {
    if (names.u8() != 0) return E::TlsInvalidSniType;
    ByteReader name = names.sub(names.u16());
    if (!names.ok()) return E::TlsInvalidSniLength;
    if (sni.empty()) sni.assign(reinterpret_cast<const char*>(name.data()), name.left());
  }
  return std::nullopt;
}

// The values Suricata lists for an extension in a quic record: every host name of
// server_name, every protocol of alpn; malformed lists give what came whole.
void listExtension(uint16_t type, ByteReader ext, std::vector<TlsHelloExtension>& out) {
  TlsHelloExtension& e = out.emplace_back();
  e.type = type;
  if (type == kExtServerName) {
    ByteReader names = ext.sub(ext.u16());
    while (names.left()) {
      names.u8();
      ByteReader name = names.sub(names.u16());
      if (!names.ok()) break;
      e.values.emplace_back(reinterpret_cast<const char*>(name.data()), name.left());
    }
  } else if (type == kExtAlpn) {
    ByteReader protocols = ext.sub(ext.u16());
    while (protocols.left()) {
      ByteReader p = protocols.sub(protocols.u8());
      if (!protocols.ok()) break;
      e.values.emplace_back(reinterpret_cast<const char*>(p.data()), p.left());
    }
  }
}

}  // namespace

void fingerprintMd5(std::string_view in, std::string& out) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  out.clear();
  if (EVP_Digest(in.data(), in.size(), md, &len, fetchedDigest(DigestKind::Md5), nullptr) != 1) return;
  static constexpr char kDigits[] = "0123456789abcdef";
  for (unsigned i = 0; i < len; ++i) {
    out += kDigits[md[i] >> 4];
    out += kDigits[md[i] & 0x0f];
  }
}

bool decodeClientHello(const uint8_t* body, size_t len, Ja4Fingerprint::Transport transport, TlsHandshake& hs,
                       AppLayerEventSet& events, std::vector<TlsHelloExtension>* extensions) {
  ByteReader r(body, len);
  const uint16_t version = r.u16();
  ByteReader random = r.sub(32);
  r.skip(r.u8());  // session id
  ByteReader ciphers = r.sub(r.u16());
  r.skip(r.u8());  // compression methods
  ByteReader exts = extensionsOf(r);
  if (!r.ok()) return false;

  Ja4Fingerprint ja4(transport);
  ja4.offerVersion(version);
  std::string& ja3 = hs.ja3_string;
  ja3.clear();
  appendNumber(ja3, version);
  ja3 += ',';
  Ja3List cipher_list(ja3);
  while (ciphers.left() >= 2) {
    const uint16_t cipher = ciphers.u16();
    cipher_list.add(cipher);
    ja4.addCipher(cipher);
  }
  ja3 += ',';

  ByteReader groups, formats;
  Ja3List ext_list(ja3);
  bool sni_seen = false;
  while (exts.left()) {
    const uint16_t type = exts.u16();
    ByteReader ext = exts.sub(exts.u16());
    if (!exts.ok()) break;
    ext_list.add(type);
    ja4.addExtension(type);
    if (extensions) listExtension(type, ext, *extensions);
    if (type == kExtServerName) {
      if (sni_seen) raise(events, E::TlsMultipleSniExtensions);
      if (!sni_seen) {
        if (const auto anomaly = readSni(ext, hs.sni)) raise(events, *anomaly);
      }
      sni_seen = true;
    } else if (type == kExtAlpn && hs.alpn.empty()) {
      ByteReader protocols = ext.sub(ext.u16());
      while (protocols.left()) {
        ByteReader p = protocols.sub(protocols.u8());
        if (protocols.ok()) hs.alpn.emplace_back(reinterpret_cast<const char*>(p.data()), p.left());
      }
      if (!hs.alpn.empty()) ja4.setAlpn(hs.alpn.front());
    } else if (type == kExtSupportedGroups) {
      groups = ext.sub(ext.u16());
    } else if (type == kExtPointFormats) {
      formats = ext.sub(ext.u8());
    } else if (type == kExtSupportedVersions) {
      ByteReader versions = ext.sub(ext.u8());
      while (versions.left() >= 2) ja4.offerVersion(versions.u16());
    } else if (type == kExtSignatureAlgorithms) {
      ByteReader algorithms = ext.sub(ext.u16());
      while (algorithms.left() >= 2) ja4.addSignatureAlgorithm(algorithms.u16());
    }
  }
  if (!exts.ok()) {
    hs.sni.clear();
    hs.alpn.clear();
    ja3.clear();
    hs.ja4_hash.clear();
    return false;
  }
  ja3 += ',';
  Ja3List group_list(ja3);
  while (groups.left() >= 2) group_list.add(groups.u16());
  ja3 += ',';
  Ja3List format_list(ja3);
  while (formats.left()) format_list.add(formats.u8());

  fingerprintMd5(ja3, hs.ja3_hash);
  ja4.text(hs.ja4_hash);
  std::memcpy(hs.client_random.data(), random.data(), hs.client_random.size());
  hs.client_random_seen = true;
  hs.client_hello = true;
  hs.client_version = version;
  return true;
}

bool decodeServerHello(const uint8_t* body, size_t len, TlsHandshake& hs, std::vector<TlsHelloExtension>* extensions) {
  ByteReader r(body, len);
  const uint16_t version = r.u16();
  ByteReader random = r.sub(32);
  r.skip(r.u8());  // session id
  const uint16_t cipher = r.u16();
  r.u8();  // compression method
  ByteReader exts = extensionsOf(r);
  if (!r.ok()) return false;

  std::string& ja3s = hs.ja3s_string;
  ja3s.clear();
  appendNumber(ja3s, version);
  ja3s += ',';
  appendNumber(ja3s, cipher);
  ja3s += ',';
  uint16_t negotiated = version;
  Ja3List ext_list(ja3s);
  while (exts.left()) {
    const uint16_t type = exts.u16();
    ByteReader ext = exts.sub(exts.u16());
    if (!exts.ok()) break;
    ext_list.add(type);
    if (extensions) listExtension(type, ext, *extensions);
    if (type == kExtSupportedVersions && ext.left() == 2) negotiated = ext.u16();
  }
  if (!exts.ok()) {
    ja3s.clear();
    return false;
  }
  fingerprintMd5(ja3s, hs.ja3s_hash);
  std::memcpy(hs.server_random.data(), random.data(), hs.server_random.size());
  hs.server_hello = true;
  hs.version = negotiated;
  return true;
}

}  // namespace mamori
