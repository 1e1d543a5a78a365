#include "applayer/tls_certificate_decoder.h"

#include <openssl/asn1.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <string>
#include <string_view>

#include "applayer/der_reader.h"

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
  // Four-digit years, as the DER walk writes them (strftime's %Y writes year 24 as "24").
  char buf[32];
  const int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                              tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return n > 0 ? std::string(buf, std::min<size_t>(size_t(n), sizeof buf - 1)) : std::string();
}


// The common certificate decoded without OpenSSL, whose d2i_X509 also builds the public
// key through its provider machinery and costs as much as the rest of a TLS handshake's
// parsing. Names must come out exactly as nameText() writes them, so an attribute type or
// string type this does not know, or a time form beyond the plain Z ones, hands the
// certificate to OpenSSL instead (returns false).
namespace der {

constexpr uint8_t kInteger = 0x02, kBitString = 0x03, kOid = 0x06, kUtf8 = 0x0c, kPrintable = 0x13, kT61 = 0x14, kIa5 = 0x16,
                  kUtcTime = 0x17, kGeneralizedTime = 0x18, kSequence = 0x30, kSet = 0x31, kVersion = 0xa0;

// OpenSSL's short names (OBJ_nid2sn) of the attribute types certificates use, by their
// DER-encoded OID; emailAddress as x509-parser says it.
std::string_view attributeName(const DerElement& oid) {
  static const std::pair<std::string_view, std::string_view> kNames[] = {
      {"\x55\x04\x03", "CN"},           {"\x55\x04\x06", "C"},
      {"\x55\x04\x07", "L"},            {"\x55\x04\x08", "ST"},
      {"\x55\x04\x0a", "O"},            {"\x55\x04\x0b", "OU"},
      {"\x55\x04\x05", "serialNumber"}, {"\x55\x04\x04", "SN"},
      {"\x55\x04\x2a", "GN"},           {"\x55\x04\x0c", "title"},
      {"\x55\x04\x09", "street"},       {"\x55\x04\x11", "postalCode"},
      {"\x55\x04\x0f", "businessCategory"},
      {"\x55\x04\x61", "organizationIdentifier"},
      {"\x2a\x86\x48\x86\xf7\x0d\x01\x09\x01", "Email"},
      {"\x09\x92\x26\x89\x93\xf2\x2c\x64\x01\x19", "DC"},
      {"\x2b\x06\x01\x04\x01\x82\x37\x3c\x02\x01\x03", "jurisdictionC"},
      {"\x2b\x06\x01\x04\x01\x82\x37\x3c\x02\x01\x02", "jurisdictionST"},
      {"\x2b\x06\x01\x04\x01\x82\x37\x3c\x02\x01\x01", "jurisdictionL"},
  };
  const std::string_view bytes(reinterpret_cast<const char*>(oid.data), oid.length);
  for (const auto& [encoded, name] : kNames) {
    if (bytes == encoded) return name;
  }
  return {};
}

// Bytes OpenSSL's ASN1_STRING_to_UTF8 would give back unchanged: UTF8String as sent (it
// re-encodes valid UTF-8 to itself, and nameText keeps invalid bytes raw), the ASCII
// string types when they hold only ASCII.
bool plainText(const DerElement& value) {
  if (value.tag == kUtf8) return true;
  if (value.tag != kPrintable && value.tag != kIa5 && value.tag != kT61) return false;
  for (size_t i = 0; i < value.length; ++i) {
    if (value.data[i] & 0x80) return false;
  }
  return true;
}

bool name(const DerElement& seq, std::string& out) {
  out.clear();
  DerReader rdns(seq);
  bool first = true;
  DerElement rdn;
  while (!rdns.empty()) {
    if (!rdns.next(kSet, rdn)) return false;
    DerReader attributes(rdn);
    bool first_in_rdn = true;
    DerElement attribute, type, value;
    while (!attributes.empty()) {
      if (!attributes.next(kSequence, attribute)) return false;
      DerReader parts(attribute);
      if (!parts.next(kOid, type) || !parts.next(value) || !parts.empty()) return false;
      const std::string_view label = attributeName(type);
      if (label.empty() || !plainText(value)) return false;
      if (!first) out += first_in_rdn ? ", " : " + ";
      first = first_in_rdn = false;
      out += label;
      out += '=';
      out.append(reinterpret_cast<const char*>(value.data), value.length);
    }
    if (first_in_rdn) return false;  // an empty RDN: let OpenSSL judge it
  }
  return true;
}

bool digits(const uint8_t* p, size_t n, int& out) {
  out = 0;
  for (size_t i = 0; i < n; ++i) {
    if (p[i] < '0' || p[i] > '9') return false;
    out = out * 10 + (p[i] - '0');
  }
  return true;
}

// "YYMMDDHHMMSSZ" (years 1950-2049) or "YYYYMMDDHHMMSSZ" -> "YYYY-MM-DDTHH:MM:SS".
bool time(const DerElement& t, std::string& out) {
  const size_t year_digits = t.tag == kUtcTime ? 2 : t.tag == kGeneralizedTime ? 4 : 0;
  if (!year_digits || t.length != year_digits + 11 || t.data[t.length - 1] != 'Z') return false;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  const uint8_t* p = t.data;
  if (!digits(p, year_digits, year)) return false;
  p += year_digits;
  if (!digits(p, 2, month) || !digits(p + 2, 2, day) || !digits(p + 4, 2, hour) || !digits(p + 6, 2, minute) ||
      !digits(p + 8, 2, second)) {
    return false;
  }
  if (year_digits == 2) year += year < 50 ? 2000 : 1900;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return false;
  char buf[24];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", year, month, day, hour, minute, second);
  out = buf;
  return true;
}

bool certificate(const uint8_t* data, size_t len, TlsCertificate& out) {
  DerReader top(data, len);
  DerElement cert, tbs, element, issuer, validity, not_before, not_after, subject;
  if (!top.next(kSequence, cert) || !top.empty()) return false;
  DerReader outer(cert);
  if (!outer.next(kSequence, tbs) || !outer.next(kSequence, element) || !outer.next(kBitString, element) ||
      !outer.empty()) {
    return false;
  }
  DerReader fields(tbs);
  if (fields.peekTag() == kVersion && !fields.next(element)) return false;
  DerElement serial;
  if (!fields.next(kInteger, serial) || !fields.next(kSequence, element) || !fields.next(kSequence, issuer) ||
      !fields.next(kSequence, validity) || !fields.next(kSequence, subject) || !fields.next(kSequence, element)) {
    return false;
  }
  // OpenSSL re-encodes the serial it parsed: only a minimal, positive one is sure to come
  // back byte for byte.
  const uint8_t* sn = serial.data;
  if (serial.length == 0 || (sn[0] & 0x80) || (serial.length > 1 && sn[0] == 0 && !(sn[1] & 0x80))) return false;
  DerReader times(validity);
  if (!times.next(not_before) || !times.next(not_after) || !times.empty()) return false;
  std::string subject_text, issuer_text, before, after;
  if (!name(subject, subject_text) || !name(issuer, issuer_text) || !time(not_before, before) ||
      !time(not_after, after)) {
    return false;
  }
  out.subject = std::move(subject_text);
  out.issuer = std::move(issuer_text);
  appendHex(out.serial, serial.data, serial.length, "0123456789ABCDEF");
  out.not_before = std::move(before);
  out.not_after = std::move(after);
  return true;
}

}  // namespace der

}  // namespace

const evp_md_st* fetchedDigest(DigestKind kind) {
  // Fetched once: OpenSSL 3 looks a legacy EVP_md5() / EVP_sha1() up in its provider
  // store, under a global lock, on every digest.
  static EVP_MD* const md5 = EVP_MD_fetch(nullptr, "MD5", nullptr);
  static EVP_MD* const sha1 = EVP_MD_fetch(nullptr, "SHA1", nullptr);
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  switch (kind) {
    case DigestKind::Md5: return md5;
    case DigestKind::Sha1: return sha1;
    case DigestKind::Sha256: return sha256;
  }
  return sha1;
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
  return walkTlsCertificate(der, len, out) || decodeTlsCertificateWithOpenssl(der, len, out);
}

bool walkTlsCertificate(const uint8_t* der, size_t len, TlsCertificate& out) { return der::certificate(der, len, out); }

bool decodeTlsCertificateWithOpenssl(const uint8_t* der, size_t len, TlsCertificate& out) {
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
