#pragma once
// asn1: decodes BER objects from a buffer as Suricata's asn1 keyword does (up to 30
// objects one after another, each nested at most 30 deep, definite and indefinite
// lengths) and tells whether one of them, or one inside one, fails the keyword's checks.
// Only whole objects count: decoding stops at the first that is not valid BER (data that
// is not ASN.1, or cut by the end of a packet), and a buffer holding more than 30
// objects matches nothing, as in Suricata.
#include <cstddef>
#include <cstdint>

#include "rules/rule.h"

namespace mamori {

// `previous_end`: where the payload match before it ended, for relative_offset.
bool asn1CheckHolds(const Asn1Check& check, const uint8_t* data, size_t length, size_t previous_end);

}  // namespace mamori
