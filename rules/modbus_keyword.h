#pragma once
// modbus:<options> (Suricata's), on the request of a Modbus transaction (its `modbus` field,
// applayer/modbus_request_field.h), with Suricata's three forms:
//   function <code>[, subfunction <n>] | function [!]assigned|unassigned|public|user|reserved|all
//   access read|write [discretes|coils|input|holding][, address <range>[, value <range>]]
//   unit <range>[, <function or access form>]
// A range is N, <N, >N or N<>M (bounds excluded), as Suricata compares them; an address range
// matches a request touching any of its coils or registers (1-based), a value the value the
// request writes at the address. A function code Suricata has no name for matches every
// request whose code it has no name for, as in Suricata. Parsed into AppValueTest::operand.
#include <string>
#include <string_view>

#include "rules/rule.h"

namespace mamori {

bool parseModbus(std::string_view value, AppValueTest& out, std::string& error);
bool matchModbus(const AppValueTest& test, std::string_view field);

}  // namespace mamori
