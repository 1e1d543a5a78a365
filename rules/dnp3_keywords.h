#pragma once
// dnp3_ind and dnp3_obj (Suricata's), value keywords on the fields applayer/dnp3_record_writer.h
// writes:
//   dnp3_ind:<name>[,<name>...]: a response whose internal indications hold any of the named
//     flags (device_restart, need_time, class_1_events, object_unknown, ...);
//   dnp3_obj:<group>,<variation>: a fragment with an object header of that group and variation.
// Each parses its value into AppValueTest::operand and matches one field instance.
#include <string>
#include <string_view>

#include "rules/rule.h"

namespace mamori {

bool parseDnp3Ind(std::string_view value, AppValueTest& out, std::string& error);
bool matchDnp3Ind(const AppValueTest& test, std::string_view field);

bool parseDnp3Obj(std::string_view value, AppValueTest& out, std::string& error);
bool matchDnp3Obj(const AppValueTest& test, std::string_view field);

}  // namespace mamori
