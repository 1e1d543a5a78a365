#pragma once
// DNS wire format (RFC 1035) for one question and its answers, with name compression so
// the messages look like a real resolver's.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tools/demogen/host.h"

namespace mamori::demogen {

enum class DnsType : uint16_t { kA = 1, kCname = 5, kTxt = 16, kAaaa = 28 };

struct DnsRecord {
  std::string owner;
  DnsType type = DnsType::kA;
  uint32_t ttl = 300;
  std::string target;  // for CNAME
  Bytes data;          // the RDATA of the others: 4 bytes for A, 16 for AAAA, txtData() for TXT
};

// TXT RDATA: `text` as character-strings of at most 255 bytes each.
Bytes txtData(std::string_view text);

Bytes dnsQuery(uint16_t id, const std::string& name, DnsType type);
// A recursive resolver's NOERROR answer; an empty `answers` is the "no data" reply.
Bytes dnsResponse(uint16_t id, const std::string& name, DnsType type, const std::vector<DnsRecord>& answers);

}  // namespace mamori::demogen
