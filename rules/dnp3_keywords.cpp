#include "rules/dnp3_keywords.h"

#include <charconv>

#include "applayer/dnp3_names.h"
#include "rules/keyword_support.h"

namespace mamori {
namespace {

// A field's number (ProtocolTransaction::addNumber: 4 bytes, big-endian).
uint32_t fieldNumber(std::string_view field) {
  uint32_t v = 0;
  for (const char c : field) v = v << 8 | static_cast<uint8_t>(c);
  return v;
}

}  // namespace

bool parseDnp3Ind(std::string_view value, AppValueTest& out, std::string& error) {
  uint32_t mask = 0;
  for (const keywords::ValueItem& item : keywords::splitItems(value, 0)) {
    uint32_t flag = 0;
    for (const ProtocolNumberName& n : kDnp3IndicationNames) {
      if (n.name == item.text) flag = n.value;
    }
    if (flag == 0) {
      error = "unknown dnp3_ind flag '" + std::string(item.text) + "'";
      return false;
    }
    mask |= flag;
  }
  if (mask == 0) {
    error = "dnp3_ind needs one or more internal indication names";
    return false;
  }
  out.operand.assign({static_cast<char>(mask >> 8), static_cast<char>(mask)});
  return true;
}

bool matchDnp3Ind(const AppValueTest& test, std::string_view field) {
  if (test.operand.size() != 2 || field.size() != 4) return false;
  const uint32_t mask = static_cast<uint32_t>(static_cast<uint8_t>(test.operand[0]) << 8 | static_cast<uint8_t>(test.operand[1]));
  return (fieldNumber(field) & mask) != 0;
}

bool parseDnp3Obj(std::string_view value, AppValueTest& out, std::string& error) {
  const std::vector<keywords::ValueItem> items = keywords::splitItems(value, 0);
  error = "invalid dnp3_obj '" + std::string(keywords::trim(value)) + "' (a group and a variation, 0 to 255)";
  uint8_t group = 0, variation = 0;
  const auto number = [](std::string_view t, uint8_t& n) {
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
    return !t.empty() && ec == std::errc() && end == t.data() + t.size();
  };
  if (items.size() != 2 || !number(items[0].text, group) || !number(items[1].text, variation)) return false;
  out.operand.assign({static_cast<char>(group), static_cast<char>(variation)});
  error.clear();
  return true;
}

bool matchDnp3Obj(const AppValueTest& test, std::string_view field) {
  if (test.operand.size() != 2 || field.size() != 4) return false;
  return static_cast<uint8_t>(field[2]) == static_cast<uint8_t>(test.operand[0]) &&
         static_cast<uint8_t>(field[3]) == static_cast<uint8_t>(test.operand[1]);
}

}  // namespace mamori
