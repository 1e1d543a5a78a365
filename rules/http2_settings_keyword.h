#pragma once
// http2.settings:<ID>[<uint comparison>] (Suricata's SETTINGS keyword): a SETTINGS frame of
// the side carries parameter ID (by its RFC 9113 name, SETTINGS_ENABLE_PUSH) and, when a
// comparison follows, a value passing it (`SETTINGS_HEADER_TABLE_SIZE>4096`, `...=0`). The
// field is one parameter as sent: its 2-byte identifier and 4-byte value, big-endian.
#include <string>
#include <string_view>

#include "rules/rule.h"

namespace mamori {

// The identifier goes into `out.operand` (2 bytes), the comparison into `out.test`.
bool parseHttp2Settings(std::string_view value, AppValueTest& out, std::string& error);
bool matchHttp2Settings(const AppValueTest& test, std::string_view field);

}  // namespace mamori
