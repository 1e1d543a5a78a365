#include "applayer/tls_certificate_decoder.h"

#include <openssl/asn1.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include <ctime>
#include <memory>
#include <string>

namespace mamori {
namespace {

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};

void appendHex(std::string& out, const uint8_t* p, size_t n, const char* digits) {
  for (size_t i = 0; i < n; ++i) {
    if (i) out += ':';
    out += digits[p[i] >> 4];
    out += digits[p[i] & 0x0f];
  }
}

// Suricata prints names with x509-parser's Display: RDNs in encoded order (not
// OpenSSL's default reversed one), ", " between RDNs, " + " inside a multi-valued RDN.
std::string nameText(const X509_NAME* name) {
  std::string out;
  const int n = X509_NAME_entry_count(name);
  int previous_set = -1;
  for (int i = 0; i < n; ++i) {
    const X509_NAME_ENTRY* e = X509_NAME_get_entry(name, i);
    const int set = X509_NAME_ENTRY_set(e);
    if (i) out += set == previous_set ? " + " : ", ";
    previous_set = set;

    const ASN1_OBJECT* obj = X509_NAME_ENTRY_get_object(e);
    const int nid = OBJ_obj2nid(obj);
    if (nid == NID_pkcs9_emailAddress) {
      out += "Email";  // x509-parser's abbreviation, where OpenSSL says emailAddress
    } else if (nid != NID_undef) {
      out += OBJ_nid2sn(nid);
    } else {
      char oid[80];
      OBJ_obj2txt(oid, sizeof oid, obj, 1);
      out += oid;
    }
    out += '=';

    const ASN1_STRING* value = X509_NAME_ENTRY_get_data(e);
    unsigned char* utf8 = nullptr;
    const int len = ASN1_STRING_to_UTF8(&utf8, value);
    if (len >= 0) {
      out.append(reinterpret_cast<const char*>(utf8), static_cast<size_t>(len));
      OPENSSL_free(utf8);
    } else {
      // A string type OpenSSL cannot convert: its raw bytes are still what was sent.
      out.append(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                 static_cast<size_t>(ASN1_STRING_length(value)));
    }
  }
  return out;
}

// The serial's DER content octets as they were sent (a leading 0x00 sign byte included),
// as Suricata logs them; OpenSSL's ASN1_INTEGER holds the magnitude without it.
std::string serialText(const ASN1_INTEGER* serial) {
  std::string out;
  unsigned char* der = nullptr;
  const int len = i2d_ASN1_INTEGER(serial, &der);
  if (len <= 2) {
    OPENSSL_free(der);
    return out;
  }
  // Skip the tag and the length octets (short or long form).
  size_t pos = 2;
  if (der[1] & 0x80) pos += der[1] & 0x7f;
  if (pos < static_cast<size_t>(len)) appendHex(out, der + pos, static_cast<size_t>(len) - pos, "0123456789ABCDEF");
  OPENSSL_free(der);
  return out;
}

std::string timeText(const ASN1_TIME* t) {
  std::tm tm{};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return {};
  char buf[32];
  const size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return std::string(buf, n);
}

}  // namespace

const evp_md_st* fetchedDigest(DigestKind kind) {
  // Fetched once: OpenSSL 3 looks a legacy EVP_md5() / EVP_sha1() up in its provider
  // store, under a global lock, on every digest.
  static EVP_MD* const md5 = EVP_MD_fetch(nullptr, "MD5", nullptr);
  static EVP_MD* const sha1 = EVP_MD_fetch(nullptr, "SHA1", nullptr);
  return kind == DigestKind::Md5 ? md5 : sha1;
}

void fingerprintTlsCertificate(const uint8_t* der, size_t len, TlsCertificate& out) {
  out = TlsCertificate{};
  out.der.assign(der, der + len);
  unsigned char sha1[EVP_MAX_MD_SIZE];
  unsigned int sha1_len = 0;
  if (EVP_Digest(der, len, sha1, &sha1_len, fetchedDigest(DigestKind::Sha1), nullptr) == 1)
    appendHex(out.fingerprint, sha1, sha1_len, "0123456789abcdef");
}

bool decodeTlsCertificate(const uint8_t* der, size_t len, TlsCertificate& out) {
  fingerprintTlsCertificate(der, len, out);

  const unsigned char* p = der;
  std::unique_ptr<X509, X509Free> x509(d2i_X509(nullptr, &p, static_cast<long>(len)));
  if (!x509) return false;
  out.subject = nameText(X509_get_subject_name(x509.get()));
  out.issuer = nameText(X509_get_issuer_name(x509.get()));
  out.serial = serialText(X509_get0_serialNumber(x509.get()));
  out.not_before = timeText(X509_get0_notBefore(x509.get()));
  out.not_after = timeText(X509_get0_notAfter(x509.get()));
  return true;
}

}  // namespace mamori
