#pragma once
// krb5.ticket_encryption (Suricata 8): the encryption type of the ticket a KDC reply carries,
// as `weak` / `!weak` (every etype but the AES and Camellia ones, as applayer/krb5_names.h
// calls weak) or a list of etypes by Suricata's names (`rc4-hmac`, `des-cbc-md5`, ...) or
// numbers (`23`, `-128`), any of which matches. The value is read as the plug-in's integer
// field (the etype as a 32-bit two's complement number, big-endian).
#include <string>
#include <string_view>

#include "rules/rule.h"

namespace mamori {

// Fills `out`'s values and negation; false with `error` when the value is neither form.
bool parseKrb5TicketEncryption(std::string_view value, AppValueTest& out, std::string& error);

}  // namespace mamori
