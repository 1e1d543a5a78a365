// Random and mutated rule text must never crash, hang or yield an error without a
// location; whatever loads must also compile and inspect packets safely.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "detect/packet_inspector.h"
#include "detect/signature_database.h"
#include "rules/rule_parser.h"

namespace mamori {
namespace {

const std::vector<std::string> kSeeds = {
    "alert tcp $EXTERNAL_NET any -> $HOME_NET $HTTP_PORTS (msg:\"ET x \\\"y\\\"\"; content:\"GET |20|/\"; nocase; "
    "content:!\"|00 01|\"; classtype:trojan-activity; reference:url,a.b/c; metadata:k v; sid:2000001; rev:2;)",
    "alert udp [10.0.0.0/8,!10.1.0.0/16,2001:db8::/32] [53,1024:] <> any :1023 (content:\"a\\;b\\:c\\\\\"; sid:5;)",
    "drop icmp any any -> any any (msg:\"ping\"; priority:1; gid:3; sid:6;)",
    "alert ip [$HOME_NET,![1.2.3.4-1.2.3.9]] any -> !$EXTERNAL_NET ![80,443] (sid:7; content:\"x\";)",
    "pass http any any -> any any (content:\"abc\"; sid:8;)",
    "alert tcp any any -> any 80 (flow:established,to_server; content:\"GET\"; depth:3; content:\"/a\"; "
    "distance:1; within:10; fast_pattern:0,2; pcre:\"/^[a-z]+\\d{2,}/Ri\"; isdataat:!5,relative; sid:9;)",
    "alert tcp any any -> any any (content:\"ab\"; byte_extract:2,0,len,relative,little; byte_test:2,>,len,0; "
    "byte_jump:2,len,relative,align,post_offset -1; byte_math:bytes 1, offset 0, oper +, rvalue len, result r; "
    "content:\"c\"; distance:r; within:2; endswith; sid:10;)",
    "alert icmp any any -> any any (itype:8; icode:<2; icmp_seq:>0; ttl:1-64; dsize:>10; fragbits:!D; "
    "threshold:type limit, track by_src, count 1, seconds 60; sid:11;)",
    "alert tcp any any -> any any (flags:S+,12; seq:0; window:!0; flowbits:set,a&b; flowbits:isnotset,c|d; "
    "flowint:n,+,1; flowint:n,>,3; detection_filter:track by_dst, count 2, seconds 5; noalert; sid:12;)",
    "alert tcp any any -> any any (icmpv6.mtu:<1280; tcp.mss:!10-20; ipv4.hdr; byte_extract:1,5,n,relative; "
    "byte_math:bytes n, offset 1, oper +, rvalue 102, result r, bitmask 0xf0; tcp.hdr; byte_test:n,=,r,1,relative; "
    "pkt_data; byte_test:0,>,9,0,string,dec; stream_size:client,=,1; stream_size:server,<,9; sid:13;)",
    "alert tcp any any -> any any (threshold:type backoff, track by_flow, count 2, multiplier 10; "
    "detection_filter:track by_src, count 1, seconds 60, unique_on src_port; xbits:set,ET.x.1,track ip_pair,expire 15; "
    "xbits:isset,y,track ip_src; sid:14;)",
    "alert dns any any -> any any (app-layer-protocol:http1,original; app-layer-protocol:!http2,final; "
    "dns.opcode:!1-5; dns.rcode:>=3; dns.rrtype:28; sid:15;)",
    "alert tls any any -> any any (ssl_version:sslv3,!tls1.2; tls.sni; content:\"x\"; sid:16;)",
};

const std::string kAlphabet =
    "alert tcp udp icmp ip any -> <> !$[],:;()\"|\\/#-.0123456789abcdefABCDEFxsidmgcontentnocase \t\n\r"
    "<>=&^*+RiUpcreflowbitsbyte_testdistancewithin";

void checkErrors(const ParsedRules& out, const std::string& text) {
  for (const RuleError& e : out.errors) {
    ASSERT_GE(e.line, 1u) << text;
    ASSERT_GE(e.column, 1u) << text;
    ASSERT_FALSE(e.reason.empty()) << text;
  }
}

std::string mutate(std::string s, std::mt19937& rng) {
  std::uniform_int_distribution<int> op(0, 5);
  int edits = 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < edits; ++i) {
    size_t pos = s.empty() ? 0 : rng() % (s.size() + 1);
    char c = kAlphabet[rng() % kAlphabet.size()];
    switch (op(rng)) {
      case 0: s.insert(s.begin() + pos, c); break;
      case 1: if (pos < s.size()) s.erase(pos, 1 + rng() % 8); break;
      case 2: if (pos < s.size()) s[pos] = c; break;
      case 3: if (pos < s.size()) s[pos] = static_cast<char>(rng() & 0xff); break;
      case 4: s = s.substr(0, pos); break;
      case 5: {
        size_t len = rng() % 20;
        s.insert(pos, s.substr(pos < s.size() ? pos : 0, len));
        break;
      }
    }
  }
  return s;
}

TEST(RuleParserFuzzTest, RandomTextNeverCrashes) {
  std::mt19937 rng(1234);
  RuleParser parser;
  for (int i = 0; i < 20000; ++i) {
    size_t len = rng() % 160;
    std::string text;
    for (size_t j = 0; j < len; ++j) {
      text.push_back(rng() % 8 == 0 ? static_cast<char>(rng() & 0xff) : kAlphabet[rng() % kAlphabet.size()]);
    }
    ParsedRules out;
    parser.parseText(text, "fuzz", out);
    checkErrors(out, text);
  }
}

TEST(RuleParserFuzzTest, MutatedRulesNeverCrashAndWhatLoadsInspects) {
  std::mt19937 rng(99);
  std::vector<Rule> loaded;
  for (int i = 0; i < 20000; ++i) {
    RuleParser parser;  // fresh, so mutated copies of one sid are not refused as duplicates
    std::string text = mutate(kSeeds[rng() % kSeeds.size()], rng);
    ParsedRules out;
    parser.parseText(text, "fuzz", out);
    checkErrors(out, text);
    for (Rule& r : out.rules) {
      if (loaded.size() < 2000) loaded.push_back(std::move(r));
    }
  }
  ASSERT_FALSE(loaded.empty());
  std::vector<RuleError> errors;
  auto db = SignatureDatabase::build(std::move(loaded), errors);
  ASSERT_NE(db, nullptr);
  PacketInspector inspector(db);
  FlowStatePool pool(4);
  pool.configure(db->flowbitCount(), db->flowintCount(), 0);
  uint32_t handles[4] = {};
  struct CountingSink : AlertSink {
    size_t n = 0;
    void onAlert(const Alert&) override { ++n; }
  } sink;
  for (int i = 0; i < 2000; ++i) {
    std::string payload;
    size_t len = rng() % 64;
    for (size_t j = 0; j < len; ++j) payload.push_back(kAlphabet[rng() % kAlphabet.size()]);
    DecodedPacket pkt;
    pkt.ip_version = 4;
    uint8_t a[4] = {10, 0, 0, static_cast<uint8_t>(rng())}, b[4] = {8, 8, 8, 8};
    pkt.src = IpAddress::v4(a);
    pkt.dst = IpAddress::v4(b);
    pkt.proto = (i % 3 == 0) ? 6 : (i % 3 == 1) ? 17 : 1;
    pkt.sport = static_cast<uint16_t>(rng());
    pkt.dport = static_cast<uint16_t>(rng() % 1100);
    pkt.payload = reinterpret_cast<const uint8_t*>(payload.data());
    pkt.payload_len = static_cast<uint32_t>(payload.size());
    // A few flows, so that flowbits and flowints carry over between packets.
    uint32_t& handle = handles[i % 4];
    FlowContext flow{static_cast<uint64_t>(i % 4), i % 2 == 0, i % 3 != 0, {static_cast<uint64_t>(i), 0}, {0, 0}, &pool, &handle};
    inspector.inspect(pkt, flow, sink);
  }
  EXPECT_EQ(inspector.counters().packets_inspected, 2000u);
  EXPECT_EQ(inspector.counters().alerts, sink.n);
}

}  // namespace
}  // namespace mamori
