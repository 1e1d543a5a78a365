#include "detect/app_transforms.h"

#include <cctype>

namespace mamori {
namespace {

bool isWhitespace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void transformInto(Transform t, const std::string& in, std::string& out) {
  out.clear();
  switch (t) {
    case Transform::ToLowercase:
      for (char c : in) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      return;
    case Transform::ToUppercase:
      for (char c : in) out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
      return;
    case Transform::StripWhitespace:
      for (char c : in) {
        if (!isWhitespace(c)) out.push_back(c);
      }
      return;
    case Transform::CompressWhitespace:
      // Each run of whitespace becomes its first character, as Suricata keeps it.
      for (size_t i = 0; i < in.size(); ++i) {
        if (i > 0 && isWhitespace(in[i]) && isWhitespace(in[i - 1])) continue;
        out.push_back(in[i]);
      }
      return;
    case Transform::DotPrefix:
      // So that content:".example.com"; endswith; matches the domain and its subdomains only.
      out.push_back('.');
      out.append(in);
      return;
    case Transform::UrlDecode:
      for (size_t i = 0; i < in.size(); ++i) {
        int hi = 0, lo = 0;
        if (in[i] == '%' && i + 2 < in.size() && (hi = hexValue(in[i + 1])) >= 0 && (lo = hexValue(in[i + 2])) >= 0) {
          out.push_back(static_cast<char>(hi << 4 | lo));
          i += 2;
        } else {
          out.push_back(in[i] == '+' ? ' ' : in[i]);
        }
      }
      return;
  }
}

}  // namespace

void applyTransforms(std::span<const Transform> transforms, const uint8_t* data, size_t length, std::string& out,
                     std::string& spare) {
  out.assign(reinterpret_cast<const char*>(data), length);
  for (Transform t : transforms) {
    transformInto(t, out, spare);
    out.swap(spare);
  }
}

}  // namespace mamori
