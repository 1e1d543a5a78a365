#include "rules/cip_service_keyword.h"

#include <charconv>

#include "rules/keyword_support.h"

namespace mamori {
namespace {

constexpr uint8_t kLogicalClass = 8, kLogicalAttribute = 12;
constexpr uint8_t kHasClass = 1, kHasAttribute = 2;
// The operand: service, which of class and attribute were given, class (4 bytes), attribute (4 bytes).
constexpr size_t kOperandSize = 10;

bool parseNumber(std::string_view text, uint32_t max, uint32_t& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size() && out <= max;
}

void appendBe32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
}

uint32_t be32(std::string_view b, size_t at) {
  return static_cast<uint32_t>(static_cast<uint8_t>(b[at])) << 24 | static_cast<uint32_t>(static_cast<uint8_t>(b[at + 1])) << 16 |
         static_cast<uint32_t>(static_cast<uint8_t>(b[at + 2])) << 8 | static_cast<uint8_t>(b[at + 3]);
}

}  // namespace

bool parseCipService(std::string_view value, AppValueTest& out, std::string& error) {
  const std::vector<keywords::ValueItem> items = keywords::splitItems(value, 0);
  error = "invalid cip_service '" + std::string(keywords::trim(value)) +
          "' (a service below 128, then optionally a class, then optionally an attribute)";
  uint32_t service = 0, klass = 0, attribute = 0;
  if (items.empty() || items.size() > 3 || !parseNumber(items[0].text, 0x7f, service)) return false;
  uint8_t given = 0;
  if (items.size() > 1) {
    if (!parseNumber(items[1].text, 0xffffffffu, klass)) return false;
    given |= kHasClass;
  }
  if (items.size() > 2) {
    std::string_view text = items[2].text;
    const bool negated = !text.empty() && text.front() == '!';
    if (negated) text = keywords::trim(text.substr(1));
    if (!parseNumber(text, 0xffffffffu, attribute)) return false;
    if (!negated) given |= kHasAttribute;
  }
  out.operand.clear();
  out.operand.push_back(static_cast<char>(service));
  out.operand.push_back(static_cast<char>(given));
  appendBe32(out.operand, klass);
  appendBe32(out.operand, attribute);
  error.clear();
  return true;
}

bool matchCipService(const AppValueTest& test, std::string_view field) {
  if (test.operand.size() != kOperandSize || field.size() < 3) return false;
  if (field[0] != test.operand[0]) return false;
  const auto given = static_cast<uint8_t>(test.operand[1]);
  if (!(given & kHasClass)) return true;
  const uint32_t klass = be32(test.operand, 2), attribute = be32(test.operand, 6);
  const size_t segments = static_cast<uint8_t>(field[1]);
  const size_t attributes_at = 2 + segments * 5;
  if (field.size() < attributes_at + 1) return false;
  const size_t attributes = static_cast<uint8_t>(field[attributes_at]);
  if (field.size() < attributes_at + 1 + attributes * 4) return false;
  bool has_class = false, has_attribute = false;
  for (size_t i = 0; i < segments; ++i) {
    const size_t at = 2 + i * 5;
    const auto type = static_cast<uint8_t>(field[at]);
    const uint32_t v = be32(field, at + 1);
    has_class |= type == kLogicalClass && v == klass;
    has_attribute |= type == kLogicalAttribute && v == attribute;
  }
  for (size_t i = 0; i < attributes; ++i) has_attribute |= be32(field, attributes_at + 1 + i * 4) == attribute;
  return has_class && (!(given & kHasAttribute) || has_attribute);
}

}  // namespace mamori
