#pragma once
// cip_service:<service>[,<class>[,[!]<attribute>]] (Suricata's, for enip): a CIP message of
// the transaction, or one of a Multiple Service Packet's, has that service; with a class, its
// request path names the class; with an attribute too, its path or attribute list names the
// attribute (a negated attribute is not checked, as Suricata reads it). The value is parsed
// into AppValueTest::operand; the field is the layout applayer/enip_transaction_writer.h
// writes for each CIP message: service, segment count, per segment its logical type and
// value (4 bytes, big-endian), attribute count, per attribute its number (4 bytes).
#include <string>
#include <string_view>

#include "rules/rule.h"

namespace mamori {

bool parseCipService(std::string_view value, AppValueTest& out, std::string& error);
bool matchCipService(const AppValueTest& test, std::string_view field);

}  // namespace mamori
