#include "rules/krb5_ticket_encryption.h"

#include <charconv>
#include <cstdint>
#include <optional>
#include <utility>

#include "rules/keyword_support.h"

namespace mamori {
namespace {

// Suricata's rule spellings of the etypes (RFC 3961, 3962, 8009, 6803, 4757 and the old RC4 ones).
constexpr std::pair<std::string_view, int32_t> kEtypes[] = {
    {"des-cbc-crc", 1},
    {"des-cbc-md4", 2},
    {"des-cbc-md5", 3},
    {"des3-cbc-md5", 5},
    {"des3-cbc-sha1", 7},
    {"dsaWithSHA1-CmsOID", 9},
    {"md5WithRSAEncryption-CmsOID", 10},
    {"sha1WithRSAEncryption-CmsOID", 11},
    {"rc2CBC-EnvOID", 12},
    {"rsaEncryption-EnvOID", 13},
    {"rsaES-OAEP-ENV-OID", 14},
    {"des-ede3-cbc-Env-OID", 15},
    {"des3-cbc-sha1-kd", 16},
    {"aes128-cts-hmac-sha1-96", 17},
    {"aes256-cts-hmac-sha1-96", 18},
    {"aes128-cts-hmac-sha256-128", 19},
    {"aes256-cts-hmac-sha384-192", 20},
    {"rc4-hmac", 23},
    {"rc4-hmac-exp", 24},
    {"camellia128-cts-cmac", 25},
    {"camellia256-cts-cmac", 26},
    {"subkey-keymaterial", 65},
    {"rc4-md4", -128},
    {"rc4-plain2", -129},
    {"rc4-lm", -130},
    {"rc4-sha", -131},
    {"des-plain", -132},
    {"rc4-hmac-OLD", -133},
    {"rc4-plain-OLD", -134},
    {"rc4-hmac-OLD-exp", -135},
    {"rc4-plain-OLD-exp", -136},
    {"rc4-plain", -140},
    {"rc4-plain-exp", -141},
};

// The etypes Suricata does not call weak: the AES (RFC 3962, 8009) and Camellia (RFC 6803) ones.
constexpr int32_t kStrong[] = {17, 18, 19, 20, 25, 26};

uint64_t fieldValue(int32_t etype) { return static_cast<uint32_t>(etype); }

}  // namespace

bool parseKrb5TicketEncryption(std::string_view value, AppValueTest& out, std::string& error) {
  const std::string_view text = keywords::trim(value);
  if (text == "weak" || text == "!weak") {
    // weak: any etype not in the strong list; !weak: one in it.
    out.values.clear();
    for (int32_t e : kStrong) out.values.push_back(fieldValue(e));
    out.negated = text == "weak";
    return true;
  }
  out.values.clear();
  out.negated = false;
  for (const keywords::ValueItem& item : keywords::splitItems(value, 0)) {
    const std::string_view name = item.text;
    int32_t etype = 0;
    if (const std::optional<int32_t> known = keywords::lookup(kEtypes, name)) {
      etype = *known;
    } else {
      const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), etype);
      if (name.empty() || ec != std::errc() || end != name.data() + name.size()) {
        error = "invalid krb5.ticket_encryption '" + std::string(name) +
                "' (weak, !weak, or encryption types by name such as rc4-hmac or by number)";
        return false;
      }
    }
    out.values.push_back(fieldValue(etype));
  }
  return true;
}

}  // namespace mamori
