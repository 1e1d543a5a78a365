#include "rules/modbus_keyword.h"

#include <charconv>
#include <cstring>
#include <type_traits>

#include "applayer/modbus_request_field.h"
#include "rules/keyword_support.h"

namespace mamori {
namespace {

// Suricata's range: start == end is one value; start 0 is "below end"; end 0xffff "above
// start"; otherwise strictly between.
struct Range {
  uint8_t set = 0;
  uint16_t start = 0, end = 0;

  bool matches(uint32_t v) const {
    if (start == end) return v == start;
    if (start == 0) return v < end;
    if (end == 0xffff) return v > start;
    return start < v && v < end;
  }
  bool overlaps(uint32_t first, uint32_t last) const {
    if (start == end) return start >= first && start <= last;
    if (start == 0) return end > first;
    if (end == 0xffff) return start < last;
    return start < last && first < end;
  }
};

struct ModbusTest {
  Range unit, address, value;
  uint8_t has_category = 0, category = 0;
  uint8_t has_function = 0, function_code = 0;
  uint8_t has_subfunction = 0;
  uint16_t subfunction = 0;
  uint8_t has_access = 0, access = 0;
};
static_assert(std::is_trivially_copyable_v<ModbusTest>);

bool number(std::string_view text, uint16_t& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size();
}

bool parseRange(std::string_view text, Range& out) {
  text = keywords::trim(text);
  out.set = 1;
  if (const size_t between = text.find("<>"); between != std::string_view::npos) {
    return number(keywords::trim(text.substr(0, between)), out.start) &&
           number(keywords::trim(text.substr(between + 2)), out.end);
  }
  if (!text.empty() && (text[0] == '<' || text[0] == '>')) {
    uint16_t n = 0;
    if (!number(keywords::trim(text.substr(1)), n)) return false;
    out.start = text[0] == '<' ? 0 : n;
    out.end = text[0] == '<' ? n : 0xffff;
    return true;
  }
  if (!number(text, out.start)) return false;
  out.end = out.start;
  return true;
}

// `word rest`: the word and what follows it, trimmed.
std::pair<std::string_view, std::string_view> firstWord(std::string_view text) {
  text = keywords::trim(text);
  const size_t space = text.find_first_of(" \t");
  if (space == std::string_view::npos) return {text, {}};
  return {text.substr(0, space), keywords::trim(text.substr(space))};
}

bool parseFunction(const std::vector<keywords::ValueItem>& items, ModbusTest& t) {
  const auto [word, arg] = firstWord(items[0].text);
  if (word != "function" || arg.empty() || items.size() > 2) return false;
  uint16_t code = 0;
  if (number(arg, code)) {
    if (code == 0 || code > 255) return false;
    t.has_function = 1;
    t.function_code = numberNameOf(kModbusFunctionNames, code).empty() ? 0 : static_cast<uint8_t>(code);
    if (items.size() == 2) {
      const auto [sub, n] = firstWord(items[1].text);
      if (sub != "subfunction" || !number(n, t.subfunction)) return false;
      t.has_subfunction = 1;
    }
    return true;
  }
  if (items.size() != 1) return false;
  const bool negated = arg[0] == '!';
  const std::string_view name = arg.substr(negated ? 1 : 0);
  static constexpr ProtocolNumberName kCategories[] = {
      {"assigned", kModbusPublicAssigned},
      {"unassigned", kModbusPublicUnassigned},
      {"public", kModbusPublicAssigned | kModbusPublicUnassigned},
      {"user", kModbusUserDefined},
      {"reserved", kModbusReserved},
      {"all", kModbusPublicAssigned | kModbusPublicUnassigned | kModbusUserDefined | kModbusReserved},
  };
  for (const ProtocolNumberName& c : kCategories) {
    if (c.name != name) continue;
    t.has_category = 1;
    t.category = static_cast<uint8_t>(negated ? ~c.value : c.value);
    return true;
  }
  return false;
}

bool parseAccess(const std::vector<keywords::ValueItem>& items, ModbusTest& t) {
  const auto [word, rest] = firstWord(items[0].text);
  if (word != "access" || items.size() > 3) return false;
  const auto [mode, table] = firstWord(rest);
  if (mode == "read") {
    t.access = kModbusRead;
  } else if (mode == "write") {
    t.access = kModbusWrite;
  } else {
    return false;
  }
  static constexpr ProtocolNumberName kTables[] = {
      {"discretes", kModbusDiscretes}, {"coils", kModbusCoils}, {"input", kModbusInput}, {"holding", kModbusHolding}};
  if (!table.empty()) {
    uint8_t bits = 0;
    for (const ProtocolNumberName& n : kTables) {
      if (n.name == table) bits = static_cast<uint8_t>(n.value);
    }
    // Discretes and input registers are read-only.
    if (bits == 0 || (t.access == kModbusWrite && (bits & (kModbusDiscretes | kModbusInput)))) return false;
    t.access |= bits;
  }
  t.has_access = 1;
  if (items.size() > 1) {
    const auto [key, range] = firstWord(items[1].text);
    if (key != "address" || !parseRange(range, t.address)) return false;
  }
  if (items.size() > 2) {
    const auto [key, range] = firstWord(items[2].text);
    // A value is a write's, at one address.
    if (key != "value" || t.address.start != t.address.end || !(t.access & kModbusWrite) ||
        !parseRange(range, t.value)) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool parseModbus(std::string_view value, AppValueTest& out, std::string& error) {
  std::string_view text = keywords::trim(value);
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') text = keywords::trim(text.substr(1, text.size() - 2));
  error = "invalid modbus '" + std::string(text) +
          "' (function <code>[, subfunction <n>], function [!]<category>, access read|write [<table>][, address "
          "<range>[, value <range>]], or unit <range> before either)";
  std::vector<keywords::ValueItem> items = keywords::splitItems(text, 0);
  if (items.empty()) return false;
  ModbusTest t;
  if (firstWord(items[0].text).first == "unit") {
    if (!parseRange(firstWord(items[0].text).second, t.unit)) return false;
    items.erase(items.begin());
  }
  if (!items.empty() && !parseFunction(items, t) && !parseAccess(items, t)) return false;
  out.operand.assign(reinterpret_cast<const char*>(&t), sizeof(t));
  error.clear();
  return true;
}

bool matchModbus(const AppValueTest& test, std::string_view field) {
  ModbusTest t;
  ModbusRequestField req;
  if (test.operand.size() != sizeof(t) || !ModbusRequestField::decode(field, req)) return false;
  std::memcpy(&t, test.operand.data(), sizeof(t));
  if (t.unit.set && !t.unit.matches(req.unit_id)) return false;
  if (t.has_access) {
    const uint8_t mode = t.access & (kModbusRead | kModbusWrite);
    const uint8_t table = t.access & kModbusTables;
    if (!(req.access & mode) || (table && !(req.access & table))) return false;
    if (!t.address.set) return true;
    if (req.first == 0 || !t.address.overlaps(req.first, req.last)) return false;
    if (!t.value.set) return true;
    const std::optional<uint16_t> written = req.writtenAt(t.address.start);
    return written && t.value.matches(*written);
  }
  if (t.has_category) return (req.category & t.category) != 0;
  if (!t.has_function) return true;
  if (t.function_code != modbusFunctionCode(req.function_raw)) return false;
  return !t.has_subfunction || (req.subfunction && *req.subfunction == t.subfunction);
}

}  // namespace mamori
