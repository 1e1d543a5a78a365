#pragma once
// One DNS message as DnsParser leaves it: plain data for the app layer's EVE "dns" records
// and for detection. Names and rdata are text, ready to log (see DnsParser for how they are
// rendered). A parser reuses one DnsMessage: clear() keeps every vector's capacity and the
// strings' buffers, so a steady stream of datagrams parses without allocating.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mamori {

struct DnsQuery {
  std::string rrname;
  uint16_t rrtype = 0, rrclass = 0;
};

// rdata is the text Suricata's EVE dns "answers" give the record: A the dotted quad, AAAA
// eight groups of four hex digits (Suricata's spelling, not RFC 5952's), CNAME / NS / PTR /
// DNAME the target name, MX the exchange, SRV the target, SOA the mname, TXT one
// character-string. A TXT record holding several strings becomes one DnsRecord per string,
// as Suricata logs it, so a section may hold more records than its header count. Every
// other type has an empty rdata (Suricata logs none for them either).
struct DnsRecord {
  std::string rrname;
  uint16_t rrtype = 0, rrclass = 0;
  uint32_t ttl = 0;
  std::string rdata;
};

struct DnsMessage {
  uint16_t id = 0;
  bool response = false;
  uint8_t opcode = 0, rcode = 0;
  bool aa = false, tc = false, rd = false, ra = false, z = false, ad = false, cd = false;
  std::vector<DnsQuery> queries;
  std::vector<DnsRecord> answers, authorities, additionals;

  void clear();

 private:
  friend class DnsParser;
  // Buffers of the strings clear() took out of the records, handed back to the next ones.
  std::string takeString();
  void recycle(std::string& s);

  std::vector<std::string> spare_;
};

// Mnemonics of the IANA registry; "" for a type without one (the caller prints the number).
std::string_view dnsTypeName(uint16_t type);
// RCODEs that fit the header's four bits; "" for the unassigned 12..15.
std::string_view dnsRcodeName(uint8_t rcode);

}  // namespace mamori
