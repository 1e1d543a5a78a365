#include "applayer/dns_parser.h"

#include "applayer/dns_name_text.h"

namespace mamori {
namespace {

constexpr uint16_t kTypeA = 1, kTypeNs = 2, kTypeCname = 5, kTypeSoa = 6, kTypePtr = 12, kTypeMx = 15,
                   kTypeTxt = 16, kTypeAaaa = 28, kTypeSrv = 33, kTypeDname = 39;

void appendDecimal(std::string& out, uint8_t v) {
  if (v >= 100) out += static_cast<char>('0' + v / 100);
  if (v >= 10) out += static_cast<char>('0' + v / 10 % 10);
  out += static_cast<char>('0' + v % 10);
}

// Suricata writes AAAA as eight full groups ("2001:0db8:0000:..."); EVE readers that
// match addresses as strings expect exactly that.
void appendIpv6Groups(std::string& out, const uint8_t* p) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 16; ++i) {
    if (i && i % 2 == 0) out += ':';
    out += kHex[p[i] >> 4];
    out += kHex[p[i] & 0xf];
  }
}

}  // namespace

bool DnsParser::parse(const uint8_t* data, size_t len, DnsMessage& out) {
  out.clear();
  ++counters_.messages;
  data_ = data;
  len_ = len;
  pos_ = 0;
  error_ = DnsParseError::None;
  parseBody(out);
  if (error_ == DnsParseError::None) return true;
  ++counters_.malformed;
  return false;
}

void DnsParser::parseBody(DnsMessage& out) {
  if (len_ < kHeaderBytes) return note(DnsParseError::Truncated);
  out.id = u16(0);
  const uint8_t f1 = data_[2], f2 = data_[3];
  out.response = f1 & 0x80;
  out.opcode = (f1 >> 3) & 0x0f;
  out.aa = f1 & 0x04;
  out.tc = f1 & 0x02;
  out.rd = f1 & 0x01;
  out.ra = f2 & 0x80;
  out.z = f2 & 0x40;
  out.ad = f2 & 0x20;
  out.cd = f2 & 0x10;
  out.rcode = f2 & 0x0f;
  const uint16_t qdcount = u16(4), ancount = u16(6), nscount = u16(8), arcount = u16(10);
  pos_ = kHeaderBytes;

  for (uint16_t i = 0; i < qdcount; ++i) {
    if (out.queries.size() >= kMaxRecordsPerSection) return note(DnsParseError::TooManyRecords);
    DnsQuery& q = out.queries.emplace_back();
    q.rrname = out.takeString();
    DnsParseError e = readName(pos_, q.rrname);
    if (e == DnsParseError::None && len_ - pos_ < 4) e = DnsParseError::Truncated;
    if (e != DnsParseError::None) {
      out.recycle(q.rrname);
      out.queries.pop_back();
      return note(e);
    }
    q.rrtype = u16(pos_);
    q.rrclass = u16(pos_ + 2);
    pos_ += 4;
  }
  if (!parseSection(ancount, out.answers, out)) return;
  if (!parseSection(nscount, out.authorities, out)) return;
  parseSection(arcount, out.additionals, out);
}

bool DnsParser::parseSection(uint16_t count, std::vector<DnsRecord>& section, DnsMessage& out) {
  for (uint16_t i = 0; i < count; ++i) {
    if (section.size() >= kMaxRecordsPerSection) {
      note(DnsParseError::TooManyRecords);
      return false;
    }
    DnsRecord& r = section.emplace_back();
    r.rrname = out.takeString();
    r.rdata = out.takeString();
    DnsParseError e = readName(pos_, r.rrname);
    if (e == DnsParseError::None && len_ - pos_ < 10) e = DnsParseError::Truncated;
    if (e == DnsParseError::None && len_ - pos_ - 10 < u16(pos_ + 8)) e = DnsParseError::Truncated;
    if (e != DnsParseError::None) {
      out.recycle(r.rrname);
      out.recycle(r.rdata);
      section.pop_back();
      note(e);
      return false;
    }
    r.rrtype = u16(pos_);
    r.rrclass = u16(pos_ + 2);
    r.ttl = static_cast<uint32_t>(u16(pos_ + 4)) << 16 | u16(pos_ + 6);
    const size_t begin = pos_ + 10, end = begin + u16(pos_ + 8);
    if (!readRdata(begin, end, section, out)) note(DnsParseError::BadRdata);
    pos_ = end;
  }
  return true;
}

DnsParseError DnsParser::readName(size_t& pos, std::string& text) const {
  size_t cur = pos;
  size_t run_start = pos;  // a pointer must lead before this, or it would come back here
  size_t wire = 1;         // the terminating zero
  int hops = 0;
  bool jumped = false;
  bool labels = false;
  for (;;) {
    if (cur >= len_) return DnsParseError::Truncated;
    const uint8_t b = data_[cur];
    if (b == 0) {
      if (!jumped) pos = cur + 1;
      break;
    }
    if ((b & 0xc0) == 0xc0) {
      if (cur + 1 >= len_) return DnsParseError::Truncated;
      const size_t target = static_cast<size_t>(b & 0x3f) << 8 | data_[cur + 1];
      if (target >= run_start) return target <= cur ? DnsParseError::PointerLoop : DnsParseError::PointerOutOfRange;
      if (++hops > kMaxPointerHops) return DnsParseError::PointerLoop;
      if (!jumped) pos = cur + 2;
      jumped = true;
      cur = run_start = target;
      continue;
    }
    if (b & 0xc0) return DnsParseError::LabelTooLong;
    wire += 1 + b;
    if (wire > kMaxNameWireBytes) return DnsParseError::NameTooLong;
    if (len_ - cur - 1 < b) return DnsParseError::Truncated;
    if (labels) text += '.';
    appendDnsLabelText(text, data_ + cur + 1, b);
    labels = true;
    cur += 1 + b;
  }
  if (!labels) text += "<Root>";
  return DnsParseError::None;
}

bool DnsParser::readRdata(size_t begin, size_t end, std::vector<DnsRecord>& section, DnsMessage& out) {
  DnsRecord& r = section.back();
  const size_t len = end - begin;
  size_t name_at;
  switch (r.rrtype) {
    case kTypeA:
      if (len != 4) return false;
      for (int i = 0; i < 4; ++i) {
        if (i) r.rdata += '.';
        appendDecimal(r.rdata, data_[begin + i]);
      }
      return true;
    case kTypeAaaa:
      if (len != 16) return false;
      appendIpv6Groups(r.rdata, data_ + begin);
      return true;
    case kTypeTxt:
      return readTxt(begin, end, section, out);
    case kTypeCname:
    case kTypeNs:
    case kTypePtr:
    case kTypeDname:
    case kTypeSoa:  // the mname comes first
      name_at = begin;
      break;
    case kTypeMx:  // after the preference
      name_at = begin + 2;
      break;
    case kTypeSrv:  // after priority, weight and port
      name_at = begin + 6;
      break;
    default:
      return true;
  }
  if (name_at >= end || readName(name_at, r.rdata) != DnsParseError::None || name_at > end) {
    r.rdata.clear();
    return false;
  }
  return true;
}

bool DnsParser::readTxt(size_t begin, size_t end, std::vector<DnsRecord>& section, DnsMessage& out) {
  const size_t first = section.size() - 1;
  for (size_t p = begin; p < end;) {
    const size_t n = data_[p];
    if (end - p - 1 < n) return false;
    if (p != begin) {
      if (section.size() >= kMaxRecordsPerSection) {
        note(DnsParseError::TooManyRecords);
        return true;
      }
      DnsRecord& more = section.emplace_back();
      const DnsRecord& head = section[first];
      more.rrname = out.takeString();
      more.rrname.assign(head.rrname);
      more.rdata = out.takeString();
      more.rrtype = head.rrtype;
      more.rrclass = head.rrclass;
      more.ttl = head.ttl;
    }
    appendDnsLabelText(section.back().rdata, data_ + p + 1, n);
    p += 1 + n;
  }
  return true;
}

void DnsParser::note(DnsParseError e) {
  switch (e) {
    case DnsParseError::None: return;
    case DnsParseError::Truncated: ++counters_.truncated; break;
    case DnsParseError::PointerLoop: ++counters_.pointer_loop; break;
    case DnsParseError::PointerOutOfRange: ++counters_.pointer_out_of_range; break;
    case DnsParseError::LabelTooLong: ++counters_.label_too_long; break;
    case DnsParseError::NameTooLong: ++counters_.name_too_long; break;
    case DnsParseError::TooManyRecords: ++counters_.too_many_records; break;
    case DnsParseError::BadRdata: ++counters_.bad_rdata; break;
  }
  if (error_ == DnsParseError::None || error_ == DnsParseError::BadRdata) error_ = e;
}

}  // namespace mamori
