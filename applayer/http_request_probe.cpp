#include "applayer/http_request_probe.h"

#include <cstring>
#include <string_view>

namespace mamori {
namespace {

constexpr size_t kMinMethod = 3, kMaxMethod = 32;

bool methodChar(uint8_t c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

bool startsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

}  // namespace

bool looksLikeHttpRequest(const uint8_t* data, size_t len) {
  const std::string_view text(reinterpret_cast<const char*>(data), len);
  size_t method = 0;
  while (method < text.size() && method <= kMaxMethod && methodChar(static_cast<uint8_t>(text[method]))) ++method;
  if (method < kMinMethod || method > kMaxMethod || method + 1 >= text.size() || text[method] != ' ') return false;
  const std::string_view name = text.substr(0, method);
  const std::string_view target = text.substr(method + 1);
  const bool targeted = startsWith(target, "/") || startsWith(target, "*") || startsWith(target, "http://") ||
                        startsWith(target, "https://") || (name == "CONNECT" && target.front() != ' ');
  if (!targeted || name == "PRI") return false;
  // A whole first line ends with the version: " HTTP/0.9" .. " HTTP/1.x", then CR LF or LF.
  const size_t eol = target.find('\n');
  if (eol == std::string_view::npos) return true;
  std::string_view line = target.substr(0, eol);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  const size_t version = line.rfind(" HTTP/");
  if (version == std::string_view::npos) return false;
  const std::string_view v = line.substr(version + 6);
  return v.size() == 3 && (v[0] == '0' || v[0] == '1') && v[1] == '.' && v[2] >= '0' && v[2] <= '9';
}

}  // namespace mamori
