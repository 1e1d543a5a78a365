#pragma once
// Reading `tshark -T fields` output in the corpus cross-checks.
#include <cstdint>
#include <string>
#include <vector>

namespace mamori::test {

// `s` cut at each `sep`; empty for an empty `s` (a field tshark left blank).
inline std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  if (s.empty()) return out;
  size_t start = 0;
  for (;;) {
    const size_t at = s.find(sep, start);
    out.push_back(s.substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos) return out;
    start = at + 1;
  }
}

// frame.time_epoch ("1262304000.123456789") in microseconds, as the capture stage keeps time.
inline int64_t epochToMicros(const std::string& t) {
  const size_t dot = t.find('.');
  int64_t us = std::stoll(t.substr(0, dot)) * 1000000;
  if (dot != std::string::npos) {
    std::string frac = t.substr(dot + 1, 6);
    frac.resize(6, '0');
    us += std::stoll(frac);
  }
  return us;
}

}  // namespace mamori::test
