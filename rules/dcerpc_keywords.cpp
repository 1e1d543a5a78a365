#include "rules/dcerpc_keywords.h"

#include <algorithm>
#include <charconv>
#include <cstring>

#include "rules/keyword_support.h"

namespace mamori {
namespace {

// The field layout applayer/dcerpc_record.h writes.
constexpr size_t kUuidSize = 16;
constexpr size_t kIfaceFieldSize = kUuidSize + 3;
constexpr uint8_t kFirstFragment = 0x01, kBoundInFirst = 0x02;
// The operand: the UUID's bytes, then 1 when any_frag was given.
constexpr size_t kAnyFragAt = kUuidSize;

// 8-4-4-4-12 hex digits into 16 bytes in text order.
bool parseUuid(std::string_view text, std::string& out) {
  static constexpr size_t kDashes[] = {8, 13, 18, 23};
  if (text.size() != 36) return false;
  out.clear();
  for (size_t i = 0; i < text.size();) {
    if (std::find(std::begin(kDashes), std::end(kDashes), i) != std::end(kDashes)) {
      if (text[i++] != '-') return false;
      continue;
    }
    uint8_t byte = 0;
    const auto [end, ec] = std::from_chars(text.data() + i, text.data() + i + 2, byte, 16);
    if (ec != std::errc() || end != text.data() + i + 2) return false;
    out.push_back(static_cast<char>(byte));
    i += 2;
  }
  return out.size() == kUuidSize;
}

uint32_t be32(std::string_view b, size_t at) {
  return static_cast<uint32_t>(static_cast<uint8_t>(b[at])) << 24 | static_cast<uint32_t>(static_cast<uint8_t>(b[at + 1])) << 16 |
         static_cast<uint32_t>(static_cast<uint8_t>(b[at + 2])) << 8 | static_cast<uint8_t>(b[at + 3]);
}

void appendBe32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
}

}  // namespace

bool parseDcerpcIface(std::string_view value, AppValueTest& out, std::string& error) {
  const std::vector<keywords::ValueItem> items = keywords::splitItems(value, 0);
  error = "invalid dcerpc.iface '" + std::string(keywords::trim(value)) +
          "' (an interface UUID, then optionally <, >, = or ! and a version, then optionally any_frag)";
  if (items.empty() || items.size() > 3 || !parseUuid(items[0].text, out.operand)) return false;
  bool any_frag = false;
  for (size_t i = 1; i < items.size(); ++i) {
    const std::string_view item = items[i].text;
    if (item == "any_frag" && i == items.size() - 1) {
      any_frag = true;
      continue;
    }
    NumericTest version;
    if (i != 1 || !keywords::parseNumericTest(item, 0xffff, version)) return false;
    out.test = version;
  }
  out.operand.push_back(any_frag ? 1 : 0);
  error.clear();
  return true;
}

bool matchDcerpcIface(const AppValueTest& test, std::string_view field) {
  if (field.size() != kIfaceFieldSize || test.operand.size() != kUuidSize + 1) return false;
  if (std::memcmp(field.data(), test.operand.data(), kUuidSize) != 0) return false;
  const auto version = static_cast<uint16_t>(static_cast<uint8_t>(field[kUuidSize]) << 8 | static_cast<uint8_t>(field[kUuidSize + 1]));
  if (test.test && !test.test->matches(version)) return false;
  const auto flags = static_cast<uint8_t>(field[kUuidSize + 2]);
  return test.operand[kAnyFragAt] || (flags & (kFirstFragment | kBoundInFirst)) == (kFirstFragment | kBoundInFirst);
}

bool parseDcerpcOpnum(std::string_view value, AppValueTest& out, std::string& error) {
  out.operand.clear();
  bool ranges = true;
  for (const keywords::ValueItem& item : keywords::splitItems(value, 0)) {
    const size_t dash = item.text.find('-');
    uint32_t low = 0, high = 0;
    bool ok = false;
    if (dash == std::string_view::npos) {
      ok = keywords::parseUint32(item.text, low);
      high = low;
    } else {
      ok = keywords::parseUint32(keywords::trim(item.text.substr(0, dash)), low) &&
           keywords::parseUint32(keywords::trim(item.text.substr(dash + 1)), high) && low <= high;
    }
    if (!ok) {
      ranges = false;
      break;
    }
    appendBe32(out.operand, low);
    appendBe32(out.operand, high);
  }
  if (ranges && !out.operand.empty()) return true;
  out.operand.clear();
  NumericTest test;
  if (!keywords::parseNumericTest(value, 0xffff, test)) {
    error = "invalid dcerpc.opnum '" + std::string(keywords::trim(value)) +
            "' (numbers and ranges n-m separated by commas, or a comparison such as >5)";
    return false;
  }
  out.test = test;
  return true;
}

bool matchDcerpcOpnum(const AppValueTest& test, std::string_view field) {
  if (field.size() != 4) return false;
  const uint32_t opnum = be32(field, 0);
  if (test.test) return test.test->matches(opnum);
  for (size_t at = 0; at + 8 <= test.operand.size(); at += 8) {
    if (opnum >= be32(test.operand, at) && opnum <= be32(test.operand, at + 4)) return true;
  }
  return false;
}

}  // namespace mamori
