#include "applayer/dns_message.h"

namespace mamori {

void DnsMessage::clear() {
  id = 0;
  response = false;
  opcode = rcode = 0;
  aa = tc = rd = ra = z = ad = cd = false;
  for (auto& q : queries) recycle(q.rrname);
  queries.clear();
  for (auto* section : {&answers, &authorities, &additionals}) {
    for (auto& r : *section) {
      recycle(r.rrname);
      recycle(r.rdata);
    }
    section->clear();
  }
}

std::string DnsMessage::takeString() {
  if (spare_.empty()) return {};
  std::string s = std::move(spare_.back());
  spare_.pop_back();
  return s;
}

void DnsMessage::recycle(std::string& s) {
  s.clear();
  spare_.push_back(std::move(s));
}

std::string_view dnsTypeName(uint16_t type) {
  switch (type) {
    case 1: return "A";
    case 2: return "NS";
    case 3: return "MD";
    case 4: return "MF";
    case 5: return "CNAME";
    case 6: return "SOA";
    case 7: return "MB";
    case 8: return "MG";
    case 9: return "MR";
    case 10: return "NULL";
    case 11: return "WKS";
    case 12: return "PTR";
    case 13: return "HINFO";
    case 14: return "MINFO";
    case 15: return "MX";
    case 16: return "TXT";
    case 17: return "RP";
    case 18: return "AFSDB";
    case 19: return "X25";
    case 20: return "ISDN";
    case 21: return "RT";
    case 22: return "NSAP";
    case 23: return "NSAP-PTR";
    case 24: return "SIG";
    case 25: return "KEY";
    case 26: return "PX";
    case 27: return "GPOS";
    case 28: return "AAAA";
    case 29: return "LOC";
    case 30: return "NXT";
    case 33: return "SRV";
    case 34: return "ATMA";
    case 35: return "NAPTR";
    case 36: return "KX";
    case 37: return "CERT";
    case 38: return "A6";
    case 39: return "DNAME";
    case 41: return "OPT";
    case 42: return "APL";
    case 43: return "DS";
    case 44: return "SSHFP";
    case 45: return "IPSECKEY";
    case 46: return "RRSIG";
    case 47: return "NSEC";
    case 48: return "DNSKEY";
    case 49: return "DHCID";
    case 50: return "NSEC3";
    case 51: return "NSEC3PARAM";
    case 52: return "TLSA";
    case 53: return "SMIMEA";
    case 55: return "HIP";
    case 59: return "CDS";
    case 60: return "CDNSKEY";
    case 61: return "OPENPGPKEY";
    case 62: return "CSYNC";
    case 63: return "ZONEMD";
    case 64: return "SVCB";
    case 65: return "HTTPS";
    case 99: return "SPF";
    case 249: return "TKEY";
    case 250: return "TSIG";
    case 251: return "IXFR";
    case 252: return "AXFR";
    case 253: return "MAILB";
    case 254: return "MAILA";
    case 255: return "ANY";
    case 256: return "URI";
    case 257: return "CAA";
    default: return "";
  }
}

std::string_view dnsRcodeName(uint8_t rcode) {
  switch (rcode) {
    case 0: return "NOERROR";
    case 1: return "FORMERR";
    case 2: return "SERVFAIL";
    case 3: return "NXDOMAIN";
    case 4: return "NOTIMP";
    case 5: return "REFUSED";
    case 6: return "YXDOMAIN";
    case 7: return "YXRRSET";
    case 8: return "NXRRSET";
    case 9: return "NOTAUTH";
    case 10: return "NOTZONE";
    case 11: return "DSOTYPENI";
    default: return "";
  }
}

}  // namespace mamori
