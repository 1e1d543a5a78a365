#include "detect/app_transforms.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>

#include "rules/base64_decode.h"

namespace mamori {
namespace {

using Kind = Transform::Kind;

bool isWhitespace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void urlDecode(std::string_view in, std::string& out) {
  for (size_t i = 0; i < in.size(); ++i) {
    int hi = 0, lo = 0;
    if (in[i] == '%' && i + 2 < in.size() && (hi = hexValue(in[i + 1])) >= 0 && (lo = hexValue(in[i + 2])) >= 0) {
      out.push_back(static_cast<char>(hi << 4 | lo));
      i += 2;
    } else {
      out.push_back(in[i] == '+' ? ' ' : in[i]);
    }
  }
}

// The key comes from the buffer before any byte of it is decoded, so a key lying inside
// the decoded part still decodes with its original value.
void xorDecode(const Transform::Xor& x, std::string_view in, std::string& out) {
  std::string_view key = x.key;
  if (x.key_length > 0) {
    if (size_t{x.key_offset} + x.key_length > in.size()) {
      out.assign(in);
      return;
    }
    key = in.substr(x.key_offset, x.key_length);
  }
  if (x.start > in.size()) {
    out.assign(in);
    return;
  }
  out.assign(in.substr(0, x.start));
  for (size_t i = x.start, k = 0; i < in.size(); ++i, k = k + 1 == key.size() ? 0 : k + 1) {
    out.push_back(static_cast<char>(in[i] ^ key[k]));
  }
}

// Out-of-range bytes or offsets leave the input as it is, as Suricata does.
bool fromBase64(const Transform::FromBase64& b, std::string_view in, std::string& out) {
  std::string_view encoded = in;
  if (b.offset > 0) {
    if (b.offset >= encoded.size()) {
      out.assign(in);
      return true;
    }
    encoded.remove_prefix(b.offset);
  }
  if (b.bytes > 0) {
    if (b.bytes >= encoded.size()) {
      out.assign(in);
      return true;
    }
    encoded = encoded.substr(0, b.bytes);
  }
  return base64Decode(b.mode, encoded, out);
}

// Suricata's subslice: an offset past either end is clamped only with `truncate`, and
// a length reaching past either end likewise; otherwise the result is empty.
void subslice(const Transform::Subslice& s, std::string_view in, std::string& out) {
  const int64_t length = static_cast<int64_t>(in.size());
  if ((s.offset > length || s.offset < -length) && !s.truncate) return;
  int64_t start = s.offset >= 0 ? std::min(s.offset, length) : length + std::max(s.offset, -length);
  int64_t end = length;
  if (s.length && *s.length < 0) {
    end = length + *s.length;
    if (end < 0) {
      if (!s.truncate) return;
      end = 0;
    }
  } else if (s.length) {
    end = start + *s.length;
    if (end > length) {
      if (!s.truncate) return;
      end = length;
    }
  }
  if (end < start) std::swap(start, end);
  out.assign(in.substr(static_cast<size_t>(start), static_cast<size_t>(end - start)));
}

// Drops the HTTP/2 pseudo-header lines (":method: GET"); HTTP/1 has none.
void stripPseudoHeaders(std::string_view in, std::string& out) {
  size_t start = 0;
  while (start < in.size()) {
    const size_t newline = in.find('\n', start);
    const size_t end = newline == std::string_view::npos ? in.size() : newline + 1;
    if (in[start] != ':') out.append(in.substr(start, end - start));
    start = end;
  }
}

// Lowercases each line up to its first ':', the header name.
void headerLowercase(std::string_view in, std::string& out) {
  bool in_value = false;
  for (char c : in) {
    out.push_back(in_value ? c : lower(c));
    if (!in_value && c == ':') in_value = true;
    if (in_value && c == '\n') in_value = false;
  }
}

}  // namespace

AppTransforms::AppTransforms() : regex_(1), digest_(EVP_MD_CTX_new()) {}

AppTransforms::~AppTransforms() { EVP_MD_CTX_free(digest_); }

bool AppTransforms::apply(std::span<const Transform> transforms, const uint8_t* data, size_t length) {
  out_.assign(reinterpret_cast<const char*>(data), length);
  for (const Transform& t : transforms) {
    spare_.clear();
    if (!run(t, out_, spare_)) return false;
    out_.swap(spare_);
  }
  return true;
}

void AppTransforms::digest(Kind kind, std::string_view in, std::string& out) {
  const EVP_MD* md = kind == Kind::ToMd5 ? EVP_md5() : kind == Kind::ToSha1 ? EVP_sha1() : EVP_sha256();
  unsigned char hash[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (!digest_ || EVP_DigestInit_ex(digest_, md, nullptr) != 1 ||
      EVP_DigestUpdate(digest_, in.data(), in.size()) != 1 || EVP_DigestFinal_ex(digest_, hash, &size) != 1) {
    return;
  }
  out.assign(reinterpret_cast<const char*>(hash), size);
}

bool AppTransforms::run(const Transform& t, std::string_view in, std::string& out) {
  // The transforms Suricata added with parameters leave an empty buffer empty.
  const bool plain = t.kind <= Kind::UrlDecode;
  if (!plain && in.empty()) return true;
  switch (t.kind) {
    case Kind::ToLowercase:
      for (char c : in) out.push_back(lower(c));
      return true;
    case Kind::ToUppercase:
      for (char c : in) out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
      return true;
    case Kind::StripWhitespace:
      for (char c : in) {
        if (!isWhitespace(c)) out.push_back(c);
      }
      return true;
    case Kind::CompressWhitespace:
      // Each run of whitespace becomes its first character, as Suricata keeps it.
      for (size_t i = 0; i < in.size(); ++i) {
        if (i > 0 && isWhitespace(in[i]) && isWhitespace(in[i - 1])) continue;
        out.push_back(in[i]);
      }
      return true;
    case Kind::DotPrefix:
      // So that content:".example.com"; endswith; matches the domain and its subdomains only.
      out.push_back('.');
      out.append(in);
      return true;
    case Kind::UrlDecode:
      urlDecode(in, out);
      return true;
    case Kind::Xor:
      xorDecode(std::get<Transform::Xor>(t.params), in, out);
      return true;
    case Kind::FromBase64:
      return fromBase64(std::get<Transform::FromBase64>(t.params), in, out);
    case Kind::Pcrexform: {
      // No match, or an unset group, leaves the buffer as it is, as Suricata does.
      size_t start = 0, end = 0;
      const auto* subject = reinterpret_cast<const uint8_t*>(in.data());
      if (regex_.search(*std::get<Transform::Pcrexform>(t.params).regex, subject, in.size(), 0, start, end) &&
          regex_.group(1, start, end)) {
        out.assign(in.substr(start, end - start));
      } else {
        out.assign(in);
      }
      return true;
    }
    case Kind::Subslice:
      subslice(std::get<Transform::Subslice>(t.params), in, out);
      return true;
    case Kind::Gunzip:
    case Kind::ZlibDeflate:
      inflater_.inflate(t.kind == Kind::Gunzip ? Inflater::Format::Gzip : Inflater::Format::Zlib,
                        reinterpret_cast<const uint8_t*>(in.data()), in.size(),
                        std::get<Transform::Decompress>(t.params).max_size, out);
      return true;
    case Kind::ToMd5:
    case Kind::ToSha1:
    case Kind::ToSha256:
      digest(t.kind, in, out);
      return true;
    case Kind::StripPseudoHeaders:
      stripPseudoHeaders(in, out);
      return true;
    case Kind::HeaderLowercase:
      headerLowercase(in, out);
      return true;
    case Kind::Domain:
    case Kind::Tld: {
      // A name that is a public suffix itself has no domain: the buffer becomes empty.
      const PublicSuffixList& list = *std::get<Transform::Suffixes>(t.params).list;
      if (auto domain = list.domain(in)) out.assign(t.kind == Kind::Domain ? *domain : list.suffix(in));
      return true;
    }
  }
  return true;
}

}  // namespace mamori
