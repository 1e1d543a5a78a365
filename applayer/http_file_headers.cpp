#include "applayer/http_file_headers.h"

#include <strings.h>

namespace mamori {

std::string_view dispositionFilename(std::string_view value) {
  size_t at = 0;
  while ((at = value.find('=', at)) != std::string_view::npos) {
    size_t name_end = at;
    while (name_end > 0 && value[name_end - 1] == ' ') --name_end;
    size_t name_start = name_end;
    while (name_start > 0 && value[name_start - 1] != ';' && value[name_start - 1] != ' ') --name_start;
    std::string_view name = value.substr(name_start, name_end - name_start);
    ++at;
    if (name.size() != 8 || strncasecmp(name.data(), "filename", 8) != 0) continue;
    while (at < value.size() && value[at] == ' ') ++at;
    if (at < value.size() && value[at] == '"') {
      const size_t end = value.find('"', at + 1);
      return value.substr(at + 1, end == std::string_view::npos ? std::string_view::npos : end - at - 1);
    }
    const size_t end = value.find(';', at);
    std::string_view v = value.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
    while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
    return v;
  }
  return {};
}

bool parseContentRange(std::string_view value, uint64_t& start, uint64_t& end, uint64_t& total) {
  if (!value.starts_with("bytes ")) return false;
  value.remove_prefix(6);
  const size_t dash = value.find('-');
  const size_t slash = value.find('/');
  if (dash == std::string_view::npos || slash == std::string_view::npos || slash < dash) return false;
  auto number = [](std::string_view t, uint64_t& out) {
    if (t.empty() || t.size() > 19) return false;
    out = 0;
    for (char c : t) {
      if (c < '0' || c > '9') return false;
      out = out * 10 + static_cast<uint64_t>(c - '0');
    }
    return true;
  };
  const std::string_view whole = value.substr(slash + 1);
  total = 0;
  if (whole != "*" && !number(whole, total)) return false;
  return number(value.substr(0, dash), start) && number(value.substr(dash + 1, slash - dash - 1), end) &&
         start <= end;
}

}  // namespace mamori
