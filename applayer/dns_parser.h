#pragma once
// Parses one DNS message (RFC 1035 wire format): a UDP datagram's payload, or one message
// that DnsTcpFramer cut out of a TCP stream. One per worker (or per flow); not
// thread-safe; allocates nothing once the DnsMessage it fills has grown to the traffic's
// sizes.
//
// Names are dotted text without a trailing dot, rendered by appendDnsLabelText (tshark's
// spelling); the root name is "<Root>", as tshark shows it (Suricata writes "<root>").
//
// Limits, each a defence against a crafted message:
//  - a name takes at most 255 bytes on the wire (RFC 1035 2.3.4), labels at most 63;
//    the 0x40 and 0x80 label types (extended, reserved) count as labels too long;
//  - a compression pointer must point before the run of labels it ends, so following
//    pointers always moves backwards and cannot loop; one pointing into its own run, or
//    to itself, is a loop; one pointing further on, or past the end, is out of range.
//    At most kMaxPointerHops pointers are followed per name;
//  - at most kMaxRecordsPerSection records are kept per section (queries included).
//
// What the caller gets:
//  - true: the whole message parsed; every section is complete.
//  - false: lastError() tells the first problem and the counters count it. `out` holds
//    the header and everything parsed before the problem:
//      * fewer than 12 bytes: nothing (out is cleared, id 0);
//      * a bad name or missing bytes in the question or record headers (Truncated,
//        PointerLoop, PointerOutOfRange, LabelTooLong, NameTooLong), or a section over
//        the cap (TooManyRecords): the header, and the queries and records before the
//        one that failed, which is dropped; parsing stops there;
//      * BadRdata (an A that is not 4 bytes, a name in rdata that is malformed or runs
//        past rdlength, a TXT string past rdlength): the record is kept with an empty
//        (or, for TXT, partial) rdata and parsing carries on with the next record, since
//        rdlength still says where it starts. lastError() is BadRdata only if nothing
//        worse follows. A TXT record whose strings would take the section past the cap
//        keeps the strings that fit and counts too_many_records, and parsing carries on.
// Bytes after the last record (padding, garbage) are ignored.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "applayer/dns_message.h"

namespace mamori {

enum class DnsParseError : uint8_t {
  None,
  Truncated,
  PointerLoop,
  PointerOutOfRange,
  LabelTooLong,
  NameTooLong,
  TooManyRecords,
  BadRdata,
};

struct DnsParserCounters {
  uint64_t messages = 0;   // parse() calls
  uint64_t malformed = 0;  // ... that returned false
  // Each problem met, by kind. The kinds that stop parsing count once per message;
  // bad_rdata counts every record with bad rdata.
  uint64_t truncated = 0;
  uint64_t pointer_loop = 0;
  uint64_t pointer_out_of_range = 0;
  uint64_t label_too_long = 0;
  uint64_t name_too_long = 0;
  uint64_t too_many_records = 0;
  uint64_t bad_rdata = 0;
};

class DnsParser {
 public:
  static constexpr size_t kHeaderBytes = 12;
  static constexpr size_t kMaxRecordsPerSection = 256;
  static constexpr size_t kMaxNameWireBytes = 255;
  // A name has at most 127 labels; more hops than that only chain pointers to pointers.
  static constexpr int kMaxPointerHops = 128;

  bool parse(const uint8_t* data, size_t len, DnsMessage& out);

  DnsParseError lastError() const { return error_; }
  const DnsParserCounters& counters() const { return counters_; }

 private:
  void parseBody(DnsMessage& out);
  // False when parsing must stop (the problem is noted).
  bool parseSection(uint16_t count, std::vector<DnsRecord>& section, DnsMessage& out);
  // Appends the name at pos to `text` and moves pos past it (past its first pointer).
  DnsParseError readName(size_t& pos, std::string& text) const;
  // Fills the rdata of section.back() from [begin, end); false if it is malformed.
  bool readRdata(size_t begin, size_t end, std::vector<DnsRecord>& section, DnsMessage& out);
  // One record per character-string: the first is section.back(), the others follow it.
  bool readTxt(size_t begin, size_t end, std::vector<DnsRecord>& section, DnsMessage& out);
  void note(DnsParseError e);
  uint16_t u16(size_t pos) const { return static_cast<uint16_t>(data_[pos] << 8 | data_[pos + 1]); }

  const uint8_t* data_ = nullptr;
  size_t len_ = 0;
  size_t pos_ = 0;
  DnsParseError error_ = DnsParseError::None;
  DnsParserCounters counters_;
};

}  // namespace mamori
