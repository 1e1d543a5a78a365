#include "applayer/dns_parser.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <random>
#include <string>
#include <vector>

#include "applayer/dns_message.h"

namespace mamori {
namespace {

// Writes DNS wire format by hand, so each test shows exactly which bytes it feeds.
struct Wire {
  std::vector<uint8_t> b;

  Wire& u8(uint8_t v) { b.push_back(v); return *this; }
  Wire& u16(uint16_t v) { b.push_back(v >> 8); b.push_back(v & 0xff); return *this; }
  Wire& u32(uint32_t v) { u16(v >> 16); return u16(v & 0xffff); }
  Wire& bytes(std::initializer_list<uint8_t> v) { b.insert(b.end(), v); return *this; }
  Wire& str(const std::string& s) { b.insert(b.end(), s.begin(), s.end()); return *this; }
  Wire& header(uint16_t id, uint16_t flags, uint16_t qd, uint16_t an = 0, uint16_t ns = 0, uint16_t ar = 0) {
    return u16(id).u16(flags).u16(qd).u16(an).u16(ns).u16(ar);
  }
  // Labels of a dotted name, terminated by the root unless `then_pointer` is given.
  Wire& name(const std::string& dotted, int then_pointer = -1) {
    size_t start = 0;
    while (start < dotted.size()) {
      size_t dot = dotted.find('.', start);
      if (dot == std::string::npos) dot = dotted.size();
      u8(static_cast<uint8_t>(dot - start)).str(dotted.substr(start, dot - start));
      start = dot + 1;
    }
    return then_pointer >= 0 ? pointer(static_cast<uint16_t>(then_pointer)) : u8(0);
  }
  Wire& pointer(uint16_t offset) { return u16(0xc000 | offset); }
  Wire& question(const std::string& dotted, uint16_t type, uint16_t cls = 1) { return name(dotted).u16(type).u16(cls); }
  // Record header after its owner name; the rdata length is patched by endRdata().
  size_t rr(uint16_t type, uint32_t ttl) {
    u16(type).u16(1).u32(ttl).u16(0);
    return b.size();
  }
  void endRdata(size_t at) {
    const size_t n = b.size() - at;
    b[at - 2] = static_cast<uint8_t>(n >> 8);
    b[at - 1] = static_cast<uint8_t>(n & 0xff);
  }
};

bool validUtf8WithoutControls(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<uint8_t>(s[i]);
    if (c < 0x20 || c == 0x7f) return false;
    size_t n = c < 0x80 ? 0 : c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 99;
    if (n == 99 || i + n >= s.size() + (n ? 0 : 1)) return false;
    for (size_t k = 1; k <= n; ++k)
      if ((static_cast<uint8_t>(s[i + k]) & 0xc0) != 0x80) return false;
    i += n + 1;
  }
  return true;
}

// A response with one record of each type the text rdata covers, names compressed
// against the question (offset 12) as real servers do.
Wire richResponse() {
  Wire w;
  w.header(0xbeef, 0x8180, 1, 8, 1, 1);
  w.question("www.example.com", 1);
  w.pointer(12);
  size_t at = w.rr(5, 300);
  w.name("cdn", 16);  // cdn.example.com
  w.endRdata(at);
  const uint16_t cdn = static_cast<uint16_t>(at);
  w.pointer(cdn);
  at = w.rr(1, 60);
  w.bytes({93, 184, 216, 34});
  w.endRdata(at);
  w.pointer(cdn);
  at = w.rr(28, 60);
  w.bytes({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
  w.endRdata(at);
  w.pointer(16);
  at = w.rr(15, 3600);
  w.u16(10).name("mail", 16);
  w.endRdata(at);
  w.pointer(16);
  at = w.rr(16, 3600);
  w.u8(11).str("v=spf1 -all").u8(5).str("hello");
  w.endRdata(at);
  w.name("_sip._tcp", 16);
  at = w.rr(33, 3600);
  w.u16(10).u16(20).u16(5060).name("sip", 16);
  w.endRdata(at);
  w.pointer(16);
  at = w.rr(12, 10);
  w.name("ptr.target.org");
  w.endRdata(at);
  w.pointer(16);
  at = w.rr(2, 10);
  w.name("ns1", 16);
  w.endRdata(at);
  // authority: SOA
  w.pointer(16);
  at = w.rr(6, 900);
  w.name("ns1", 16).name("hostmaster", 16).u32(2024010101).u32(7200).u32(3600).u32(1209600).u32(300);
  w.endRdata(at);
  // additional: EDNS OPT on the root
  w.u8(0).u16(41).u16(1232).u32(0).u16(0);
  return w;
}

TEST(DnsParser, ParsesQueryHeaderAndQuestion) {
  Wire w;
  w.header(0x1234, 0x0120, 1).question("Example.COM", 28);
  DnsParser p;
  DnsMessage m;
  ASSERT_TRUE(p.parse(w.b.data(), w.b.size(), m));
  EXPECT_EQ(m.id, 0x1234);
  EXPECT_FALSE(m.response);
  EXPECT_TRUE(m.rd);
  EXPECT_TRUE(m.ad);
  EXPECT_FALSE(m.ra);
  EXPECT_EQ(m.opcode, 0);
  ASSERT_EQ(m.queries.size(), 1u);
  EXPECT_EQ(m.queries[0].rrname, "Example.COM");  // case kept, as tshark and Suricata log it
  EXPECT_EQ(m.queries[0].rrtype, 28);
  EXPECT_EQ(m.queries[0].rrclass, 1);
  EXPECT_EQ(p.counters().messages, 1u);
  EXPECT_EQ(p.counters().malformed, 0u);
}

TEST(DnsParser, HeaderFlagsAndRcode) {
  Wire w;
  w.header(7, 0xaff3, 0);  // QR, opcode 5, AA, TC, RD, RA, Z, AD, CD, rcode 3
  DnsParser p;
  DnsMessage m;
  ASSERT_TRUE(p.parse(w.b.data(), w.b.size(), m));
  EXPECT_TRUE(m.response);
  EXPECT_EQ(m.opcode, 5);
  EXPECT_TRUE(m.aa && m.tc && m.rd && m.ra && m.z && m.ad && m.cd);
  EXPECT_EQ(m.rcode, 3);
  EXPECT_EQ(dnsRcodeName(m.rcode), "NXDOMAIN");
}

TEST(DnsParser, AnswersOfEveryTextTypeWithCompression) {
  const Wire w = richResponse();
  DnsParser p;
  DnsMessage m;
  ASSERT_TRUE(p.parse(w.b.data(), w.b.size(), m)) << static_cast<int>(p.lastError());
  ASSERT_EQ(m.queries.size(), 1u);
  EXPECT_EQ(m.queries[0].rrname, "www.example.com");

  struct Want { const char* rrname; uint16_t type; uint32_t ttl; const char* rdata; };
  const Want want[] = {
      {"www.example.com", 5, 300, "cdn.example.com"},
      {"cdn.example.com", 1, 60, "93.184.216.34"},
      {"cdn.example.com", 28, 60, "2001:0db8:0000:0000:0000:0000:0000:0001"},
      {"example.com", 15, 3600, "mail.example.com"},
      {"example.com", 16, 3600, "v=spf1 -all"},  // one record per TXT string, as Suricata logs
      {"example.com", 16, 3600, "hello"},
      {"_sip._tcp.example.com", 33, 3600, "sip.example.com"},
      {"example.com", 12, 10, "ptr.target.org"},
      {"example.com", 2, 10, "ns1.example.com"},
  };
  ASSERT_EQ(m.answers.size(), std::size(want));
  for (size_t i = 0; i < std::size(want); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(m.answers[i].rrname, want[i].rrname);
    EXPECT_EQ(m.answers[i].rrtype, want[i].type);
    EXPECT_EQ(m.answers[i].rrclass, 1);
    EXPECT_EQ(m.answers[i].ttl, want[i].ttl);
    EXPECT_EQ(m.answers[i].rdata, want[i].rdata);
  }
  ASSERT_EQ(m.authorities.size(), 1u);
  EXPECT_EQ(m.authorities[0].rrtype, 6);
  EXPECT_EQ(m.authorities[0].rdata, "ns1.example.com");
  ASSERT_EQ(m.additionals.size(), 1u);
  EXPECT_EQ(m.additionals[0].rrname, "<Root>");
  EXPECT_EQ(m.additionals[0].rrtype, 41);
  EXPECT_EQ(m.additionals[0].rrclass, 1232);
  EXPECT_EQ(m.additionals[0].rdata, "");
  EXPECT_EQ(p.counters().malformed, 0u);
}

TEST(DnsParser, ReusedMessageKeepsNothingFromTheLastParse) {
  const Wire big = richResponse();
  Wire small;
  small.header(9, 0x8000, 1, 1).question("a.b", 1).pointer(12);
  size_t at = small.rr(1, 5);
  small.bytes({1, 2, 3, 4});
  small.endRdata(at);
  DnsParser p;
  DnsMessage m;
  ASSERT_TRUE(p.parse(big.b.data(), big.b.size(), m));
  ASSERT_TRUE(p.parse(small.b.data(), small.b.size(), m));
  EXPECT_EQ(m.id, 9);
  ASSERT_EQ(m.queries.size(), 1u);
  EXPECT_EQ(m.queries[0].rrname, "a.b");
  ASSERT_EQ(m.answers.size(), 1u);
  EXPECT_EQ(m.answers[0].rrname, "a.b");
  EXPECT_EQ(m.answers[0].rdata, "1.2.3.4");
  EXPECT_TRUE(m.authorities.empty());
  EXPECT_TRUE(m.additionals.empty());
  EXPECT_FALSE(m.aa);
}

TEST(DnsParser, NamesRenderAsTsharkShowsThem) {
  // Expected strings are what tshark 4.0 prints for dns.qry.name on these labels.
  struct Case { std::string label; const char* text; };
  const Case cases[] = {
      {std::string("a\x01" "b", 3), "a\\001b"},
      {"a\tb", "a\\tb"},
      {std::string("a\0b", 3), "a\\000b"},
      {"x\x7fy", "x\\177y"},
      {"a\\b", "a\\b"},
      {"a b", "a b"},
      {"caf\xc3\xa9", "caf\xc3\xa9"},
      {"caf\xe9", "caf\xef\xbf\xbd"},
      {"\xe4\xbc" "x", "\xef\xbf\xbd" "x"},
      {"\xed\xa0\x80z", "\xef\xbf\xbdz"},
      {"\xc0\x80z", "\\u0000z"},
      {"\xc2\x85", "\\u0085"},
      {"\xe2\x80\x8b", "\\u200B"},
      {"\xe2\x80\xae", "\\u202E"},
      {"\xef\xbf\xbe", "\\uFFFE"},
      {"\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80"},
      {"n\xfb\xbdQ", "n\xef\xbf\xbdQ"},  // as in the iodine capture: an old five-byte lead
      {"\xbf\xff", "\xef\xbf\xbd\xef\xbf\xbd"},
      {"\xfd\xbf\xbf\xbf\xbf\xbfz", "\xef\xbf\xbdz"},
  };
  for (const auto& c : cases) {
    Wire w;
    w.header(1, 0, 1).u8(static_cast<uint8_t>(c.label.size())).str(c.label).u8(0).u16(1).u16(1);
    DnsParser p;
    DnsMessage m;
    ASSERT_TRUE(p.parse(w.b.data(), w.b.size(), m));
    ASSERT_EQ(m.queries.size(), 1u);
    EXPECT_EQ(m.queries[0].rrname, c.text);
  }
  Wire root;
  root.header(1, 0, 1).u8(0).u16(2).u16(1);
  DnsParser p;
  DnsMessage m;
  ASSERT_TRUE(p.parse(root.b.data(), root.b.size(), m));
  EXPECT_EQ(m.queries[0].rrname, "<Root>");
}

TEST(DnsParser, CompressionLoopIsCountedNotFollowed) {
  DnsParser p;
  DnsMessage m;
  Wire self;  // the question's name is a pointer to itself
  self.header(1, 0, 1).pointer(12).u16(1).u16(1);
  EXPECT_FALSE(p.parse(self.b.data(), self.b.size(), m));
  EXPECT_EQ(p.lastError(), DnsParseError::PointerLoop);
  EXPECT_EQ(m.id, 1);
  EXPECT_TRUE(m.queries.empty());

  Wire run;  // "a" then a pointer back to the "a": a.a.a.a... forever
  run.header(2, 0, 1).u8(1).str("a").pointer(12).u16(1).u16(1);
  EXPECT_FALSE(p.parse(run.b.data(), run.b.size(), m));
  EXPECT_EQ(p.lastError(), DnsParseError::PointerLoop);

  Wire pair;  // the second question points into the first, whose labels end in a pointer to the second
  pair.header(3, 0, 2).u8(1).str("x").pointer(20).u16(1).u16(1);  // name at 12, pointer to 20
  pair.u8(1).str("y").pointer(12).u16(1).u16(1);                  // name at 20, pointer to 12
  EXPECT_FALSE(p.parse(pair.b.data(), pair.b.size(), m));
  EXPECT_EQ(p.counters().pointer_loop + p.counters().pointer_out_of_range, 3u);
  EXPECT_EQ(p.counters().malformed, 3u);
}

TEST(DnsParser, PointerPastTheEndIsOutOfRange) {
  Wire w;
  w.header(1, 0x8000, 1, 1).question("ok.example", 1);
  w.pointer(0x3fff);
  size_t at = w.rr(1, 1);
  w.bytes({1, 1, 1, 1});
  w.endRdata(at);
  DnsParser p;
  DnsMessage m;
  EXPECT_FALSE(p.parse(w.b.data(), w.b.size(), m));
  EXPECT_EQ(p.lastError(), DnsParseError::PointerOutOfRange);
  EXPECT_EQ(p.counters().pointer_out_of_range, 1u);
  ASSERT_EQ(m.queries.size(), 1u);  // what came before the bad name is kept
  EXPECT_EQ(m.queries[0].rrname, "ok.example");
  EXPECT_TRUE(m.answers.empty());
}

TEST(DnsParser, EveryPrefixOfARealMessageIsTruncated) {
  const Wire w = richResponse();
  const size_t question_end = 12 + 17 + 4;
  DnsParser p;
  DnsMessage m;
  size_t previous_answers = 0;
  for (size_t n = 0; n < w.b.size(); ++n) {
    SCOPED_TRACE(n);
    EXPECT_FALSE(p.parse(w.b.data(), n, m));
    EXPECT_EQ(p.lastError(), DnsParseError::Truncated);
    EXPECT_EQ(m.id, n >= 12 ? 0xbeef : 0);
    EXPECT_EQ(m.queries.size(), n >= question_end ? 1u : 0u);
    if (!m.queries.empty()) {
      EXPECT_EQ(m.queries[0].rrname, "www.example.com");
    }
    EXPECT_GE(m.answers.size(), previous_answers);  // a longer prefix never yields less
    previous_answers = m.answers.size();
    for (const auto& r : m.answers) EXPECT_FALSE(r.rrname.empty());
  }
  EXPECT_EQ(p.counters().messages, w.b.size());
  EXPECT_EQ(p.counters().truncated, w.b.size());
  EXPECT_EQ(p.counters().malformed, w.b.size());
  EXPECT_EQ(p.counters().bad_rdata, 0u);
  EXPECT_TRUE(p.parse(w.b.data(), w.b.size(), m));
}

TEST(DnsParser, LabelOver63IsRejected) {
  DnsParser p;
  DnsMessage m;
  for (uint8_t len : {uint8_t{64}, uint8_t{0x80}, uint8_t{0xbf}}) {
    Wire w;
    w.header(1, 0, 1).u8(len).str(std::string(len & 0x3f, 'a')).u8(0).u16(1).u16(1);
    w.str(std::string(200, 'a'));
    EXPECT_FALSE(p.parse(w.b.data(), w.b.size(), m));
    EXPECT_EQ(p.lastError(), DnsParseError::LabelTooLong);
  }
  EXPECT_EQ(p.counters().label_too_long, 3u);
}

TEST(DnsParser, NameOver255BytesIsRejected) {
  const std::string l63(63, 'a'), l61(61, 'b');
  DnsParser p;
  DnsMessage m;
  Wire fits;  // 3 * 64 + 62 + 1 = 255 bytes on the wire
  fits.header(1, 0, 1).question(l63 + "." + l63 + "." + l63 + "." + l61, 1);
  ASSERT_TRUE(p.parse(fits.b.data(), fits.b.size(), m));
  EXPECT_EQ(m.queries[0].rrname.size(), 253u);

  Wire over;  // one byte more
  over.header(1, 0, 1).question(l63 + "." + l63 + "." + l63 + "." + l61 + "c", 1);
  EXPECT_FALSE(p.parse(over.b.data(), over.b.size(), m));
  EXPECT_EQ(p.lastError(), DnsParseError::NameTooLong);

  Wire joined;  // each name fits alone, but the second appends the first through a pointer
  joined.header(1, 0, 2).question(l63 + "." + l63 + "." + l63, 1);
  joined.name(l63, 12).u16(1).u16(1);
  EXPECT_FALSE(p.parse(joined.b.data(), joined.b.size(), m));
  EXPECT_EQ(p.lastError(), DnsParseError::NameTooLong);
  EXPECT_EQ(m.queries.size(), 1u);
  EXPECT_EQ(p.counters().name_too_long, 2u);
}

TEST(DnsParser, SectionsAreCapped) {
  Wire w;
  w.header(1, 0, 300);
  for (int i = 0; i < 300; ++i) w.u8(0).u16(1).u16(1);
  DnsParser p;
  DnsMessage m;
  EXPECT_FALSE(p.parse(w.b.data(), w.b.size(), m));
  EXPECT_EQ(p.lastError(), DnsParseError::TooManyRecords);
  EXPECT_EQ(m.queries.size(), DnsParser::kMaxRecordsPerSection);
  EXPECT_EQ(p.counters().too_many_records, 1u);
}

TEST(DnsParser, BadRdataKeepsTheRecordAndGoesOn) {
  Wire w;
  w.header(1, 0x8000, 1, 3).question("x.org", 1);
  w.pointer(12);
  size_t at = w.rr(1, 1);
  w.bytes({1, 2, 3, 4, 5});  // an A of five bytes
  w.endRdata(at);
  w.pointer(12);
  at = w.rr(5, 1);
  w.u8(3).str("abc").u8(0).u8(0xff);  // a CNAME name that ends before its rdlength does ... plus junk
  w.endRdata(at);
  w.b[at - 1] = 3;  // ... and now the rdlength cuts the name short
  w.b.resize(at + 3);
  w.pointer(12);
  at = w.rr(1, 1);
  w.bytes({10, 0, 0, 1});
  w.endRdata(at);
  DnsParser p;
  DnsMessage m;
  EXPECT_FALSE(p.parse(w.b.data(), w.b.size(), m));
  EXPECT_EQ(p.lastError(), DnsParseError::BadRdata);
  EXPECT_EQ(p.counters().bad_rdata, 2u);
  ASSERT_EQ(m.answers.size(), 3u);
  EXPECT_EQ(m.answers[0].rdata, "");
  EXPECT_EQ(m.answers[1].rdata, "");
  EXPECT_EQ(m.answers[2].rdata, "10.0.0.1");
}

TEST(DnsParser, RandomAndMutatedDatagramsNeverBreakIt) {
  const Wire real = richResponse();
  std::mt19937 rng(20240607);
  DnsParser p;
  DnsMessage m;
  std::vector<uint8_t> buf;
  size_t parsed_ok = 0;
  for (int i = 0; i < 2000; ++i) {
    if (i % 2) {
      buf.assign(rng() % 600, 0);
      for (auto& b : buf) b = static_cast<uint8_t>(rng());
      if (buf.size() > 12 && i % 4 == 1) buf[4] = 0, buf[5] = 1;  // one question: reach the names more often
    } else {
      buf = real.b;
      const int edits = 1 + static_cast<int>(rng() % 6);
      for (int e = 0; e < edits; ++e) {
        const size_t at = rng() % buf.size();
        switch (rng() % 4) {
          case 0: buf[at] = static_cast<uint8_t>(rng()); break;
          case 1: buf[at] = 0xc0 | (rng() % 4); break;  // a pointer, likely to a bad place
          case 2: buf[at] ^= 0x40; break;
          case 3: buf.resize(std::max<size_t>(at, 1)); break;
        }
      }
    }
    parsed_ok += p.parse(buf.data(), buf.size(), m);
    for (const auto& q : m.queries) EXPECT_TRUE(validUtf8WithoutControls(q.rrname)) << i;
    for (const auto* s : {&m.answers, &m.authorities, &m.additionals}) {
      for (const auto& r : *s) {
        EXPECT_TRUE(validUtf8WithoutControls(r.rrname)) << i;
        EXPECT_TRUE(validUtf8WithoutControls(r.rdata)) << i;
        EXPECT_LE(r.rrname.size(), 4u * DnsParser::kMaxNameWireBytes);
      }
    }
    EXPECT_LE(m.answers.size(), DnsParser::kMaxRecordsPerSection);
  }
  const auto& c = p.counters();
  EXPECT_EQ(c.messages, 2000u);
  EXPECT_EQ(c.malformed, 2000u - parsed_ok);
  EXPECT_GE(c.truncated + c.pointer_loop + c.pointer_out_of_range + c.label_too_long + c.name_too_long +
                c.too_many_records + c.bad_rdata,
            c.malformed);
  EXPECT_GT(c.pointer_out_of_range + c.pointer_loop, 0u);
  EXPECT_GT(c.truncated, 0u);
}

TEST(DnsMessageNames, TypesAndRcodes) {
  EXPECT_EQ(dnsTypeName(1), "A");
  EXPECT_EQ(dnsTypeName(28), "AAAA");
  EXPECT_EQ(dnsTypeName(5), "CNAME");
  EXPECT_EQ(dnsTypeName(15), "MX");
  EXPECT_EQ(dnsTypeName(16), "TXT");
  EXPECT_EQ(dnsTypeName(12), "PTR");
  EXPECT_EQ(dnsTypeName(33), "SRV");
  EXPECT_EQ(dnsTypeName(6), "SOA");
  EXPECT_EQ(dnsTypeName(2), "NS");
  EXPECT_EQ(dnsTypeName(255), "ANY");
  EXPECT_EQ(dnsTypeName(65), "HTTPS");
  EXPECT_EQ(dnsTypeName(64), "SVCB");
  EXPECT_EQ(dnsTypeName(65280), "");
  EXPECT_EQ(dnsRcodeName(0), "NOERROR");
  EXPECT_EQ(dnsRcodeName(1), "FORMERR");
  EXPECT_EQ(dnsRcodeName(2), "SERVFAIL");
  EXPECT_EQ(dnsRcodeName(4), "NOTIMP");
  EXPECT_EQ(dnsRcodeName(5), "REFUSED");
  EXPECT_EQ(dnsRcodeName(15), "");
}

}  // namespace
}  // namespace mamori
