#pragma once
// A plug-in's flags keyword in Suricata's two spellings (websocket.flags, mqtt.flags,
// mqtt.connect.flags): a number in the uint syntax compared with the whole flags byte, or a
// list of flag names, each negatable with '!' ("fin,!comp"), that holds when every named flag
// is set or, negated, clear, whatever the other bits are (Suricata's bitmask mode).
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "rules/rule.h"

namespace mamori {

struct FlagBitName {
  std::string_view name;
  uint8_t bit;
};

// Parses `value` for `keyword` into `out` (AppValueTest::test for a number, else the mask
// and wanted bits in AppValueTest::operand).
bool parseFlagBits(std::string_view keyword, std::span<const FlagBitName> names, std::string_view value,
                   AppValueTest& out, std::string& error);
// Whether one instance of the field (ProtocolTransaction::addNumber) satisfies the test.
bool matchFlagBits(const AppValueTest& test, std::string_view field);

// The keywords' own tables, as Suricata names the bits.
bool parseWebsocketFlags(std::string_view value, AppValueTest& out, std::string& error);
bool parseMqttFlags(std::string_view value, AppValueTest& out, std::string& error);
bool parseMqttConnectFlags(std::string_view value, AppValueTest& out, std::string& error);

}  // namespace mamori
