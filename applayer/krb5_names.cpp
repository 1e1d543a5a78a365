#include "applayer/krb5_names.h"

#include <algorithm>
#include <iterator>
#include <utility>

namespace mamori {
namespace {

using Named = std::pair<int32_t, std::string_view>;

template <size_t N>
std::string_view find(const Named (&table)[N], int32_t value) {
  const auto it = std::find_if(std::begin(table), std::end(table), [&](const Named& n) { return n.first == value; });
  return it == std::end(table) ? std::string_view() : it->second;
}

constexpr Named kMessageTypes[] = {
    {10, "KRB_AS_REQ"}, {11, "KRB_AS_REP"}, {12, "KRB_TGS_REQ"}, {13, "KRB_TGS_REP"},
    {14, "KRB_AP_REQ"}, {15, "KRB_AP_REP"}, {20, "KRB_SAFE"},    {21, "KRB_PRIV"},
    {22, "KRB_CRED"},   {30, "KRB_ERROR"},
};

// RFC 4120 section 7.5.9 and RFC 4556 (PKINIT), RFC 6806 (referrals).
constexpr Named kErrorCodes[] = {
    {0, "KDC_ERR_NONE"},
    {1, "KDC_ERR_NAME_EXP"},
    {2, "KDC_ERR_SERVICE_EXP"},
    {3, "KDC_ERR_BAD_PVNO"},
    {4, "KDC_ERR_C_OLD_MAST_KVNO"},
    {5, "KDC_ERR_S_OLD_MAST_KVNO"},
    {6, "KDC_ERR_C_PRINCIPAL_UNKNOWN"},
    {7, "KDC_ERR_S_PRINCIPAL_UNKNOWN"},
    {8, "KDC_ERR_PRINCIPAL_NOT_UNIQUE"},
    {9, "KDC_ERR_NULL_KEY"},
    {10, "KDC_ERR_CANNOT_POSTDATE"},
    {11, "KDC_ERR_NEVER_VALID"},
    {12, "KDC_ERR_POLICY"},
    {13, "KDC_ERR_BADOPTION"},
    {14, "KDC_ERR_ETYPE_NOSUPP"},
    {15, "KDC_ERR_SUMTYPE_NOSUPP"},
    {16, "KDC_ERR_PADATA_TYPE_NOSUPP"},
    {17, "KDC_ERR_TRTYPE_NOSUPP"},
    {18, "KDC_ERR_CLIENT_REVOKED"},
    {19, "KDC_ERR_SERVICE_REVOKED"},
    {20, "KDC_ERR_TGT_REVOKED"},
    {21, "KDC_ERR_CLIENT_NOTYET"},
    {22, "KDC_ERR_SERVICE_NOTYET"},
    {23, "KDC_ERR_KEY_EXPIRED"},
    {24, "KDC_ERR_PREAUTH_FAILED"},
    {25, "KDC_ERR_PREAUTH_REQUIRED"},
    {26, "KDC_ERR_SERVER_NOMATCH"},
    {27, "KDC_ERR_MUST_USE_USER2USER"},
    {28, "KDC_ERR_PATH_NOT_ACCEPTED"},
    {29, "KDC_ERR_SVC_UNAVAILABLE"},
    {31, "KRB_AP_ERR_BAD_INTEGRITY"},
    {32, "KRB_AP_ERR_TKT_EXPIRED"},
    {33, "KRB_AP_ERR_TKT_NYV"},
    {34, "KRB_AP_ERR_REPEAT"},
    {35, "KRB_AP_ERR_NOT_US"},
    {36, "KRB_AP_ERR_BADMATCH"},
    {37, "KRB_AP_ERR_SKEW"},
    {38, "KRB_AP_ERR_BADADDR"},
    {39, "KRB_AP_ERR_BADVERSION"},
    {40, "KRB_AP_ERR_MSG_TYPE"},
    {41, "KRB_AP_ERR_MODIFIED"},
    {42, "KRB_AP_ERR_BADORDER"},
    {44, "KRB_AP_ERR_BADKEYVER"},
    {45, "KRB_AP_ERR_NOKEY"},
    {46, "KRB_AP_ERR_MUT_FAIL"},
    {47, "KRB_AP_ERR_BADDIRECTION"},
    {48, "KRB_AP_ERR_METHOD"},
    {49, "KRB_AP_ERR_BADSEQ"},
    {50, "KRB_AP_ERR_INAPP_CKSUM"},
    {51, "KRB_AP_PATH_NOT_ACCEPTED"},
    {52, "KRB_ERR_RESPONSE_TOO_BIG"},
    {60, "KRB_ERR_GENERIC"},
    {61, "KRB_ERR_FIELD_TOOLONG"},
    {62, "KDC_ERROR_CLIENT_NOT_TRUSTED"},
    {63, "KDC_ERROR_KDC_NOT_TRUSTED"},
    {64, "KDC_ERROR_INVALID_SIG"},
    {65, "KDC_ERR_KEY_TOO_WEAK"},
    {66, "KDC_ERR_CERTIFICATE_MISMATCH"},
    {67, "KRB_AP_ERR_NO_TGT"},
    {68, "KDC_ERR_WRONG_REALM"},
    {69, "KRB_AP_ERR_USER_TO_USER_REQUIRED"},
    {70, "KDC_ERR_CANT_VERIFY_CERTIFICATE"},
    {71, "KDC_ERR_INVALID_CERTIFICATE"},
    {72, "KDC_ERR_REVOKED_CERTIFICATE"},
    {73, "KDC_ERR_REVOCATION_STATUS_UNKNOWN"},
    {74, "KDC_ERR_REVOCATION_STATUS_UNAVAILABLE"},
    {75, "KDC_ERR_CLIENT_NAME_MISMATCH"},
    {76, "KDC_ERR_KDC_NAME_MISMATCH"},
};

constexpr Named kEtypes[] = {
    {1, "DES_CBC_CRC"},
    {2, "DES_CBC_MD4"},
    {3, "DES_CBC_MD5"},
    {5, "DES3_CBC_MD5"},
    {7, "DES3_CBC_SHA1"},
    {9, "DSAWITHSHA1_CMSOID"},
    {10, "MD5WITHRSAENCRYPTION_CMSOID"},
    {11, "SHA1WITHRSAENCRYPTION_CMSOID"},
    {12, "RC2CBC_ENVOID"},
    {13, "RSAENCRYPTION_ENVOID"},
    {14, "RSAES_OAEP_ENV_OID"},
    {15, "DES_EDE3_CBC_ENV_OID"},
    {16, "DES3_CBC_SHA1_KD"},
    {17, "AES128_CTS_HMAC_SHA1_96"},
    {18, "AES256_CTS_HMAC_SHA1_96"},
    {19, "AES128_CTS_HMAC_SHA256_128"},
    {20, "AES256_CTS_HMAC_SHA384_192"},
    {23, "RC4_HMAC"},
    {24, "RC4_HMAC_EXP"},
    {25, "CAMELLIA128_CTS_CMAC"},
    {26, "CAMELLIA256_CTS_CMAC"},
    {65, "SUBKEY_KEYMATERIAL"},
    {-128, "RC4_MD4"},
    {-129, "RC4_PLAIN2"},
    {-130, "RC4_LM"},
    {-131, "RC4_SHA"},
    {-132, "DES_PLAIN"},
    {-133, "RC4_HMAC_OLD"},
    {-134, "RC4_PLAIN_OLD"},
    {-135, "RC4_HMAC_OLD_EXP"},
    {-136, "RC4_PLAIN_OLD_EXP"},
    {-140, "RC4_PLAIN"},
    {-141, "RC4_PLAIN_EXP"},
};

}  // namespace

std::string_view krb5MessageTypeName(int32_t type) { return find(kMessageTypes, type); }
std::string_view krb5ErrorCodeName(int32_t code) { return find(kErrorCodes, code); }
std::string_view krb5EtypeName(int32_t etype) { return find(kEtypes, etype); }

bool krb5WeakEtype(int32_t etype) {
  switch (etype) {
    case 17: case 18: case 19: case 20: case 25: case 26: return false;
    default: return true;
  }
}

}  // namespace mamori
