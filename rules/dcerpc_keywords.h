#pragma once
// dcerpc.iface and dcerpc.opnum (Suricata's, alias dce_iface / dce_opnum): value keywords
// on the fields a DCE/RPC call puts in its records (applayer/dcerpc_record.h), whichever
// protocol carries them (dcerpc over TCP, smb named pipes). Each parses its value into an
// AppValueTest (its `operand` and `test`) and matches one field instance against it; the
// rows of rules/protocol_buffers.h name both, so detection calls them without knowing
// DCE/RPC.
//   dcerpc.iface:<uuid>[,<op><major version>][,any_frag]: an interface bound to the call's
//     context and accepted by the server, with the version comparison (<, >, =, !, as
//     Suricata's uint syntax), on a call whose first fragment was seen unless any_frag.
//   dcerpc.opnum:<n>[,<n>-<m>...]: the operation number is one of the numbers or within one
//     of the ranges (ends included); or Suricata's uint comparison (">5").
#include <string>
#include <string_view>

#include "rules/rule.h"

namespace mamori {

bool parseDcerpcIface(std::string_view value, AppValueTest& out, std::string& error);
bool matchDcerpcIface(const AppValueTest& test, std::string_view field);

bool parseDcerpcOpnum(std::string_view value, AppValueTest& out, std::string& error);
bool matchDcerpcOpnum(const AppValueTest& test, std::string_view field);

}  // namespace mamori
