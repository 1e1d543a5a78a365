#pragma once
// The names Suricata's EVE `krb5` records give Kerberos 5 numbers (its kerberos parser's
// names for RFC 4120's message types, error codes and encryption types, RFC 3961/3962/8009's
// etypes and Microsoft's RC4 ones), and which encryption types Suricata calls weak.
#include <cstdint>
#include <string_view>

namespace mamori {

// "KRB_AS_REQ", ...; empty for a number without a name.
std::string_view krb5MessageTypeName(int32_t type);
// "KDC_ERR_PREAUTH_REQUIRED", ...; empty for a number without a name.
std::string_view krb5ErrorCodeName(int32_t code);
// "AES256_CTS_HMAC_SHA1_96", ...; empty for a number without a name.
std::string_view krb5EtypeName(int32_t etype);
// Every etype but the AES and Camellia ones (RFC 3962, 8009, 6803) is weak or deprecated.
bool krb5WeakEtype(int32_t etype);

}  // namespace mamori
