#include "rules/flag_bits_keyword.h"

#include "rules/keyword_support.h"

namespace mamori {
namespace {

// RFC 6455's FIN and RSV1 (permessage-deflate, RFC 7692).
constexpr FlagBitName kWebsocketFlags[] = {{"fin", 0x80}, {"comp", 0x40}};
// An MQTT fixed header's DUP and RETAIN.
constexpr FlagBitName kMqttFlags[] = {{"dup", 0x08}, {"retain", 0x01}};
// A CONNECT's flags byte.
constexpr FlagBitName kMqttConnectFlags[] = {
    {"username", 0x80}, {"password", 0x40}, {"will_retain", 0x20}, {"will", 0x04}, {"clean_session", 0x02}};

uint32_t fieldNumber(std::string_view field) {
  uint32_t v = 0;
  for (const char c : field) v = v << 8 | static_cast<uint8_t>(c);
  return v;
}

}  // namespace

bool parseFlagBits(std::string_view keyword, std::span<const FlagBitName> names, std::string_view value,
                   AppValueTest& out, std::string& error) {
  NumericTest number;
  if (keywords::parseNumericTest(value, 0xff, number)) {
    out.test = number;
    return true;
  }
  uint8_t mask = 0, wanted = 0;
  for (const keywords::ValueItem& item : keywords::splitItems(value, 0)) {
    std::string_view name = keywords::trim(item.text);
    const bool negated = !name.empty() && name.front() == '!';
    if (negated) name = keywords::trim(name.substr(1));
    uint8_t bit = 0;
    for (const FlagBitName& n : names) {
      if (n.name == name) bit = n.bit;
    }
    if (bit == 0 || (mask & bit)) {
      error = "invalid " + std::string(keyword) + " '" + std::string(keywords::trim(value)) +
              "' (a number, or flag names each once, '!' for a clear one:";
      for (const FlagBitName& n : names) error += " " + std::string(n.name);
      error += ")";
      return false;
    }
    mask |= bit;
    if (!negated) wanted |= bit;
  }
  if (mask == 0) {
    error = std::string(keyword) + " needs a number or flag names";
    return false;
  }
  out.operand.assign({static_cast<char>(mask), static_cast<char>(wanted)});
  return true;
}

bool matchFlagBits(const AppValueTest& test, std::string_view field) {
  if (field.empty() || field.size() > 4) return false;
  const uint32_t v = fieldNumber(field);
  if (test.test) return test.test->matches(v);
  if (test.operand.size() != 2) return false;
  return (v & static_cast<uint8_t>(test.operand[0])) == static_cast<uint8_t>(test.operand[1]);
}

bool parseWebsocketFlags(std::string_view value, AppValueTest& out, std::string& error) {
  return parseFlagBits("websocket.flags", kWebsocketFlags, value, out, error);
}

bool parseMqttFlags(std::string_view value, AppValueTest& out, std::string& error) {
  return parseFlagBits("mqtt.flags", kMqttFlags, value, out, error);
}

bool parseMqttConnectFlags(std::string_view value, AppValueTest& out, std::string& error) {
  return parseFlagBits("mqtt.connect.flags", kMqttConnectFlags, value, out, error);
}

}  // namespace mamori
