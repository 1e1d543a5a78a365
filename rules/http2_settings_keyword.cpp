#include "rules/http2_settings_keyword.h"

#include <algorithm>

#include "applayer/http2_names.h"
#include "rules/keyword_support.h"

namespace mamori {

bool parseHttp2Settings(std::string_view value, AppValueTest& out, std::string& error) {
  const std::string_view text = keywords::trim(value);
  const size_t end = std::min(text.find_first_of(" <>=!"), text.size());
  const std::string_view name = text.substr(0, end);
  const auto* row = std::find_if(std::begin(kHttp2SettingNames), std::end(kHttp2SettingNames),
                                 [&](const ProtocolNumberName& n) { return n.name == name; });
  if (row == std::end(kHttp2SettingNames)) {
    std::string names;
    for (const ProtocolNumberName& n : kHttp2SettingNames) names += (names.empty() ? "" : ", ") + std::string(n.name);
    error = "unknown http2.settings parameter '" + std::string(name) + "' (" + names + ")";
    return false;
  }
  out.operand = {static_cast<char>(row->value >> 8), static_cast<char>(row->value & 0xff)};
  const std::string_view comparison = keywords::trim(text.substr(end));
  if (comparison.empty()) return true;
  NumericTest test;
  if (!keywords::parseNumericTest(comparison, 0xffffffffu, test)) {
    error = "invalid http2.settings value '" + std::string(comparison) + "' (0..4294967295, with = < > <= >= ! or a-b)";
    return false;
  }
  out.test = test;
  return true;
}

bool matchHttp2Settings(const AppValueTest& test, std::string_view field) {
  if (field.size() != 6 || field.substr(0, 2) != test.operand) return false;
  if (!test.test) return true;
  uint64_t v = 0;
  for (size_t i = 2; i < 6; ++i) v = v << 8 | static_cast<uint8_t>(field[i]);
  return test.test->matches(v);
}

}  // namespace mamori
