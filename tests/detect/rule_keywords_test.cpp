// Parsing of every keyword beyond the header and the rule's description: what lands in
// the Rule model, and the refusals with their column and reason.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "rules/rule_parser.h"
#include "tests/detect/detect_test_support.h"
#include "tests/support/test_support.h"

namespace mamori {
namespace {

const std::string kHead = "alert tcp any any -> any any (";

Rule parseOk(const std::string& options) {
  RuleParser parser;
  RuleError error;
  std::optional<Rule> rule = parser.parseRule(kHead + options + " sid:1;)", "k.rules", 3, error);
  EXPECT_TRUE(rule.has_value()) << options << " -> " << error.toString();
  return rule ? std::move(*rule) : Rule{};
}

template <typename T>
const T& item(const Rule& rule, size_t index) {
  return std::get<T>(rule.payload.at(index));
}

TEST(RuleKeywordsTest, ContentModifiers) {
  Rule r = parseOk("content:\"GET\"; depth:3; offset:0; content:\"/x\"; distance:-2; within:10; "
                   "content:\"end\"; endswith; fast_pattern; content:\"s\"; startswith;");
  const auto& get = item<ContentMatch>(r, 0);
  EXPECT_TRUE(get.has_depth && get.has_offset && !get.relative());
  EXPECT_EQ(get.depth.value, 3);
  const auto& path = item<ContentMatch>(r, 1);
  EXPECT_TRUE(path.relative());
  EXPECT_EQ(path.distance.value, -2);
  EXPECT_EQ(path.within.value, 10);
  EXPECT_TRUE(item<ContentMatch>(r, 2).endswith);
  EXPECT_TRUE(item<ContentMatch>(r, 2).fast_pattern);
  EXPECT_TRUE(item<ContentMatch>(r, 3).startswith);

  // The rules are kept: item() refers into them (ASan saw a temporary's content read after it died).
  const Rule only_rule = parseOk("content:\"abcd\"; fast_pattern:only;");
  const auto& only = item<ContentMatch>(only_rule, 0);
  EXPECT_TRUE(only.fast_pattern_only);
  const Rule chop_rule = parseOk("content:\"abcdef\"; fast_pattern:1,3;");
  const auto& chop = item<ContentMatch>(chop_rule, 0);
  EXPECT_EQ(chop.chop_offset, 1u);
  EXPECT_EQ(chop.chop_length, 3u);
  parseOk("content:\"a\"; rawbytes; pkt_data; prefilter;");
}

TEST(RuleKeywordsTest, ContentModifierRefusals) {
  test::expectRefusals(kHead, {
      {"depth:3;", "depth", "needs a preceding 'content'"},
      {"content:\"abc\"; depth:2;", "2;", "shorter than its content"},
      {"content:\"abc\"; within:1;", "1;", "shorter than its content"},
      {"content:\"abc\"; depth:5; distance:1;", "distance", "mixes absolute"},
      {"content:\"abc\"; within:5; offset:1;", "offset", "mixes absolute"},
      {"content:\"abc\"; depth:5; depth:6;", "depth:6", "given twice"},
      {"content:\"abc\"; offset:-1;", "-1", "must not be negative"},
      {"content:\"abc\"; depth:nope;", "nope", "a number or a byte_extract variable"},
      {"content:\"abc\"; startswith; depth:4;", "depth", "cannot be combined with 'startswith'"},
      {"content:\"abc\"; offset:1; startswith;", "startswith", "cannot be combined"},
      {"content:\"abc\"; fast_pattern; content:\"d\"; fast_pattern;", "fast_pattern", "more than one"},
      {"content:!\"abc\"; fast_pattern:only;", "only", "negated"},
      {"content:\"abc\"; fast_pattern:2,5;", "2,5", "runs past its content"},
      {"content:\"abc\"; fast_pattern:x;", "x;", "invalid fast_pattern"},
  });
}

TEST(RuleKeywordsTest, PcreWithSuricataModifiers) {
  Rule r = parseOk("content:\"a\"; pcre:\"/^b[0-9]+\\;/RsmixAEGBO\"; pcre:!\"/c/i\";");
  const auto& relative = item<PcreMatch>(r, 1);
  EXPECT_TRUE(relative.relative);
  EXPECT_FALSE(relative.negated);
  ASSERT_NE(relative.regex, nullptr);
  EXPECT_TRUE(item<PcreMatch>(r, 2).negated);
  EXPECT_EQ(item<PcreMatch>(parseOk("pcre:\"/(a)(b)/\";"), 0).regex->captureCount(), 2u);
  // Unquoted, and with the variables its captures go to, as Suricata takes it.
  EXPECT_EQ(item<PcreMatch>(parseOk("pcre: /:a: ([^:]*:[^@]*)@/i,flow:userinfo;"), 0).regex->captureCount(), 1u);
}

TEST(RuleKeywordsTest, PcreRefusals) {
  test::expectRefusals(kHead, {
      {"pcre:\"/a(/\";", "/\"", "invalid pcre: missing closing parenthesis"},
      {"pcre:\"/a/q\";", "q\"", "unknown pcre modifier 'q'"},
      {"pcre:\"/a/UH\";", "H\"", "pcre names two buffers"},
      {"pcre:\"a\";", "a", "\"/regex/flags\""},
      {"pcre:\"/a/i,var:x\";", ",var:x", "pcre capture names are pkt:NAME or flow:NAME"},
  });
}

// asn1 options as ET Open writes them: commas, spaces, or both between them.
TEST(RuleKeywordsTest, Asn1) {
  Rule r = parseOk("content:\"x\"; asn1:double_overflow, bitstring_overflow, relative_offset 27, oversize_length 2048;");
  const auto& a = item<Asn1Check>(r, 1);
  EXPECT_TRUE(a.double_overflow && a.bitstring_overflow);
  EXPECT_EQ(a.relative_offset, 27);
  EXPECT_EQ(a.oversize_length, 2048u);
  EXPECT_FALSE(a.absolute_offset);
  const Rule rb = parseOk("asn1:oversize_length 1024,relative_offset -1;");
  const auto& b = item<Asn1Check>(rb, 0);
  EXPECT_EQ(b.relative_offset, -1);
  const Rule rc = parseOk("asn1:oversize_length 1 absolute_offset 65535 bitstring_overflow;");
  const auto& c = item<Asn1Check>(rc, 0);
  EXPECT_EQ(c.absolute_offset, 65535);
  EXPECT_TRUE(c.bitstring_overflow);
  // Even after a sticky buffer it inspects the payload, as in Suricata.
  Rule d = parseOk("http.uri; content:\"/\"; asn1:bitstring_overflow;");
  ASSERT_EQ(d.payload.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<Asn1Check>(d.payload[0]));
}

TEST(RuleKeywordsTest, Asn1Refusals) {
  for (const char* bad : {"asn1:oversize_length;", "asn1:oversize_length -1;", "asn1:absolute_offset 65536;",
                                "asn1:relative_offset -65536;", "asn1:oversize_length 4294967296;",
                                "asn1:bitstring_overflow, some_other 3;", "asn1:bitstring_overflowabsolute_offset;"}) {
    RuleParser parser;
    RuleError error;
    EXPECT_FALSE(parser.parseRule(kHead + bad + " sid:1;)", "k.rules", 3, error)) << bad;
    EXPECT_NE(error.toString().find("asn1"), std::string::npos) << error.toString();
  }
}

// dataset / datarep refusals, each naming the problem; a dataset's definition holds for
// the rules after the one that first names it.
TEST(RuleKeywordsTest, DatasetRefusals) {
  const std::string bad_file = test::tempDir() + "/bad.lst";
  std::ofstream(bad_file) << "Zm9v\n!!!\n";
  const std::pair<std::string, std::string> cases[] = {
      {"content:\"x\"; dataset:isset,a,type string;", "needs a sticky buffer"},
      {"http.uri; dataset:isset,a;", "needs a type"},
      {"http.uri; dataset:check,a,type string;", "invalid dataset command"},
      {"http.uri; dataset:isset,a,type blob;", "unknown dataset type"},
      {"http.uri; dataset:set,a,type string,save a.lst;", "writes a file"},
      {"http.uri; dataset:set,a,type string,state a.lst;", "writes a file"},
      {"http.uri; dataset:isset,a,type string,load " + bad_file + ";", "bad.lst:2: not base64"},
      {"http.uri; datarep:a,!=,3,type string;", "invalid datarep operator"},
      {"http.uri; datarep:a,>,x,type string;", "invalid datarep value"},
  };
  for (const auto& [options, reason] : cases) {
    RuleParser parser;
    RuleError error;
    EXPECT_FALSE(parser.parseRule(kHead + options + " sid:1;)", "k.rules", 3, error)) << options;
    EXPECT_NE(error.toString().find(reason), std::string::npos) << options << " -> " << error.toString();
  }
  RuleParser parser;
  ParsedRules out;
  parser.parseText("alert http any any -> any any (http.uri; dataset:isset,s,type string; sid:1;)\n"
                   "alert http any any -> any any (http.host; dataset:set,s; sid:2;)\n"
                   "alert http any any -> any any (http.host; dataset:isset,s,type md5; sid:3;)\n"
                   "alert http any any -> any any (http.host; datarep:s,>,1; sid:4;)\n",
                   "set.rules", out);
  ASSERT_EQ(out.rules.size(), 2u);
  ASSERT_EQ(out.errors.size(), 2u);
  EXPECT_NE(out.errors[0].reason.find("is of type string, not md5"), std::string::npos) << out.errors[0].reason;
  EXPECT_NE(out.errors[1].reason.find("both as a dataset and as a datarep"), std::string::npos);
}

TEST(RuleKeywordsTest, IsDataAtAndByteKeywords) {
  Rule r = parseOk("content:\"a\"; isdataat:!10,relative; byte_test:2,!&,0x0f,3,relative,little; "
                   "byte_extract:1,0,len,relative,multiplier 2,align 4; "
                   "byte_jump:2,len,relative,align,from_beginning,post_offset -1,bitmask 0xff00; "
                   "byte_test:4,>=,len,0,string,hex; "
                   "byte_math:bytes 2, offset 0, oper *, rvalue len, result twice, relative, endian little; "
                   "content:\"b\"; distance:twice; within:len;");
  const auto& at = item<IsDataAt>(r, 1);
  EXPECT_TRUE(at.negated && at.relative);
  EXPECT_EQ(at.position.value, 10);
  const auto& test = item<ByteTest>(r, 2);
  EXPECT_TRUE(test.negated);
  EXPECT_EQ(test.op, ByteTest::Op::And);
  EXPECT_EQ(test.value.value, 15);
  EXPECT_EQ(test.reader.endian, ByteEndian::Little);
  const auto& extract = item<ByteExtract>(r, 3);
  EXPECT_EQ(extract.multiplier, 2u);
  EXPECT_EQ(extract.align, 4);
  ASSERT_EQ(r.variables.size(), 2u);
  EXPECT_EQ(r.variables[0], "len");
  EXPECT_EQ(r.variables[1], "twice");
  const auto& text_test = item<ByteTest>(r, 5);
  EXPECT_TRUE(text_test.reader.string);
  EXPECT_EQ(text_test.reader.base, 16);
  EXPECT_EQ(text_test.value.variable, 0);
  const auto& math = item<ByteMath>(r, 6);
  EXPECT_EQ(math.op, ByteMath::Op::Mul);
  EXPECT_EQ(math.rvalue.variable, 0);
  EXPECT_EQ(math.variable, 1);
  const auto& b = item<ContentMatch>(r, 7);
  EXPECT_EQ(b.distance.variable, 1);
  EXPECT_EQ(b.within.variable, 0);

  // A byte count read from a variable (Suricata 7), as detect-bytemath-05 writes it.
  Rule counted = parseOk("byte_extract:1,5,rpkt_len,relative; "
                         "byte_math:bytes rpkt_len, offset 1, oper +, rvalue 102, result result_val; "
                         "byte_test:rpkt_len,=,result_val,0; byte_jump:result_val,0;");
  EXPECT_EQ(std::get<ByteMath>(counted.payload.at(1)).reader.bytes_variable, 0);
  EXPECT_EQ(std::get<ByteTest>(counted.payload.at(2)).reader.bytes_variable, 0);
  EXPECT_EQ(std::get<ByteJump>(counted.payload.at(3)).reader.bytes_variable, 1);
  EXPECT_EQ(std::get<ByteExtract>(counted.payload.at(0)).reader.bytes_variable, -1);
}

TEST(RuleKeywordsTest, ByteKeywordRefusals) {
  test::expectRefusals(kHead, {
      {"byte_test:2,<>,1,0;", "<>", "invalid byte_test operator"},
      {"byte_test:2,<,1;", "2,<,1", "needs bytes, operator, value, offset"},
      {"byte_test:0,<,1,0;", "0,<", "0 bytes needs 'string'"},
      {"byte_test:9,<,1,0;", "9,<", "needs 'string'"},
      {"byte_test:2,<,1,0,sideways;", "sideways", "invalid byte_test option"},
      {"byte_test:2,<,1,0,dce;", "dce", "needs the app layer (dcerpc)"},
      {"byte_test:2,<,1,0,string,bin;", "bin", "invalid byte_test option 'bin'"},
      {"byte_jump:len,0;", "len", "invalid byte count"},
      {"byte_jump:2,0,from_beginning,from_end;", "2,0", "both from_beginning and from_end"},
      {"byte_jump:2,0,multiplier 0;", "multiplier", "invalid byte_jump option"},
      {"byte_extract:2,0;", "2,0", "needs bytes, offset, name"},
      {"byte_extract:2,0,9x;", "9x", "invalid variable name"},
      {"byte_extract:2,0,v; byte_extract:1,0,v;", "v;", "defined twice"},
      {"byte_extract:2,0,v,align 3;", "align 3", "invalid byte_extract option"},
      {"byte_math:bytes nbytes, offset 0, oper +, rvalue 1, result r;", "nbytes", "invalid byte count 'nbytes'"},
      {"byte_test:count,=,1,0;", "count", "invalid byte count"},
      {"byte_extract:1,0,n; byte_extract:n,0,m;", "n,0,m", "invalid byte count 'n' (1..10)"},
      {"byte_math:bytes 2, offset 0, oper %, rvalue 1, result r;", "%", "invalid byte_math operator"},
      {"byte_math:bytes 2, offset 0, oper +, result r;", "bytes", "needs 'rvalue'"},
      {"isdataat:-1;", "-1", "must not be negative"},
      {"isdataat:5,backwards;", "backwards", "invalid isdataat option"},
      {"isdataat:unknown_var;", "unknown_var", "a number or a byte_extract variable"},
  });
}

TEST(RuleKeywordsTest, PacketHeaderKeywords) {
  Rule r = parseOk("ttl:<10; ip_proto:!tcp; itype:3<>9; icode:>=2; icmp_id:7; icmp_seq:!0; "
                   "flags:SA+,12; seq:0; ack:5; window:!1024; dsize:100-200; fragbits:*MD; "
                   "fragoffset:>0; sameip;");
  const HeaderTests& h = r.header;
  EXPECT_TRUE(h.ttl->matches(9) && !h.ttl->matches(10));
  EXPECT_TRUE(h.ip_proto->matches(17) && !h.ip_proto->matches(6));
  EXPECT_TRUE(h.itype->matches(4) && !h.itype->matches(3) && !h.itype->matches(9));
  EXPECT_TRUE(h.icode->matches(2) && !h.icode->matches(1));
  EXPECT_TRUE(h.icmp_id->matches(7));
  EXPECT_TRUE(h.icmp_seq->matches(1) && !h.icmp_seq->matches(0));
  EXPECT_EQ(h.flags->mode, FlagTest::Mode::Plus);
  EXPECT_TRUE(h.flags->matches(0x12 | 0x08));  // SYN ACK PSH
  EXPECT_TRUE(h.flags->matches(0x12 | 0xC0));  // CWR/ECE are masked out
  EXPECT_FALSE(h.flags->matches(0x02));
  EXPECT_TRUE(h.seq->matches(0));
  EXPECT_TRUE(h.ack->matches(5));
  EXPECT_FALSE(h.window->matches(1024));
  EXPECT_TRUE(h.dsize->matches(150) && !h.dsize->matches(100));
  EXPECT_EQ(h.fragbits->mode, FlagTest::Mode::Any);
  EXPECT_TRUE(h.fragoffset->matches(1));
  EXPECT_TRUE(h.sameip);

  FlagTest exact = *parseOk("flags:S;").header.flags;
  EXPECT_TRUE(exact.matches(0x02));
  EXPECT_FALSE(exact.matches(0x12));
  EXPECT_TRUE(parseOk("flags:!R;").header.flags->matches(0x10));
  EXPECT_TRUE(parseOk("flags:0;").header.flags->matches(0));
  EXPECT_TRUE(parseOk("tcp.flags:*FR;").header.flags->matches(0x11));

  // "!a-b": outside the range, as Suricata's integer keywords take it.
  NumericTest outside = *parseOk("dsize:!10-20;").header.dsize;
  EXPECT_TRUE(outside.matches(10) && outside.matches(20) && !outside.matches(15));
  EXPECT_TRUE(parseOk("tcp.mss:<536;").header.tcp_mss->matches(535));
  // icmpv6.mtu takes the whole 32-bit field, as Suricata's u32 does.
  NumericTest mtu = *parseOk("icmpv6.mtu:<1280;").header.icmpv6_mtu;
  EXPECT_TRUE(mtu.matches(1200) && !mtu.matches(1280));
  EXPECT_TRUE(parseOk("icmpv6.mtu:4294967295;").header.icmpv6_mtu->matches(UINT32_MAX));
}

TEST(RuleKeywordsTest, HeaderBuffersTakeTheKeywordsAfterThem) {
  Rule r = parseOk("content:\"a\"; ipv4.hdr; content:\"|06|\"; offset:9; depth:1; tcp.hdr; "
                   "byte_test:1,&,2,13; pkt_data; content:\"b\"; ipv4.hdr; isdataat:20;");
  ASSERT_EQ(r.payload.size(), 2u);
  ASSERT_EQ(r.header_buffers.size(), 2u);
  EXPECT_EQ(r.header_buffers[0].buffer, HeaderBuffer::Ipv4);
  EXPECT_EQ(r.header_buffers[0].matches.size(), 2u);
  EXPECT_EQ(r.header_buffers[1].buffer, HeaderBuffer::Tcp);
  EXPECT_TRUE(std::holds_alternative<ByteTest>(r.header_buffers[1].matches[0]));
  test::expectRefusals(kHead, {{"tcp.hdr; depth:4;", "depth", "needs a preceding 'content'"},
                  {"content:\"a\"; udp.hdr; nocase;", "nocase", "needs a preceding 'content'"}});
}

TEST(RuleKeywordsTest, PacketHeaderRefusals) {
  test::expectRefusals(kHead, {
      {"ttl:300;", "300", "invalid ttl"},
      {"ttl:5; ttl:6;", "ttl:6", "given twice"},
      {"dsize:9<>3;", "9<>3", "invalid dsize"},
      {"ip_proto:bogus;", "bogus", "invalid ip_proto"},
      {"flags:SX;", "SX", "invalid flags"},
      {"flags:S,Q;", "Q", "invalid flags mask"},
      {"flags:S,A,F;", "F;", "one mask"},
      {"fragbits:Z;", "Z", "invalid fragbits"},
      {"sameip:1;", "sameip", "takes no value"},
      {"window:-1;", "-1", "invalid window"},
      {"icmpv6.mtu:4294967296;", "4294967296", "invalid icmpv6.mtu"},
      {"icmpv6.mtu:big;", "big", "invalid icmpv6.mtu"},
      {"icmpv6.mtu:1; icmpv6.mtu:2;", "icmpv6.mtu:2", "given twice"},
      {"tcp.mss:65536;", "65536", "invalid tcp.mss"},
      {"ip_proto:!6-17;", "!6-17", "invalid ip_proto"},
  });
}

TEST(RuleKeywordsTest, FlowKeywords) {
  Rule r = parseOk("flow:established,from_client,no_stream; flowbits:set,a&b; flowbits:isset,c|d; "
                   "flowbits:isnotset,e; flowbits:toggle,f; flowbits:unset,g; flowbits:noalert; "
                   "flowint:n,+,1; flowint:n,>,other; flowint:m,notset; "
                   "threshold:type both, track by_dst, count 3, seconds 60; "
                   "detection_filter:track by_src, count 2, seconds 10; flow.pkts:toserver,>=3; "
                   "flow.bytes:either,<100; stream_size:server,<,5;");
  EXPECT_TRUE(r.flow.established && r.flow.to_server && r.flow.no_stream);
  ASSERT_EQ(r.flowbits.size(), 5u);
  EXPECT_EQ(r.flowbits[0].names, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(r.flowbits[1].any);
  EXPECT_EQ(r.flowbits[3].cmd, FlowbitOp::Cmd::Toggle);
  EXPECT_TRUE(r.noalert);
  ASSERT_EQ(r.flowints.size(), 3u);
  EXPECT_EQ(r.flowints[0].cmd, FlowintOp::Cmd::Add);
  EXPECT_EQ(r.flowints[1].value_name, "other");
  EXPECT_EQ(r.flowints[2].cmd, FlowintOp::Cmd::NotSet);
  EXPECT_EQ(r.threshold->type, Threshold::Type::Both);
  EXPECT_EQ(r.threshold->track, Threshold::Track::ByDst);
  EXPECT_EQ(r.threshold->count, 3u);
  EXPECT_EQ(r.detection_filter->seconds, 10u);
  EXPECT_EQ(r.flow.packets->side, FlowCounterTest::Side::ToServer);
  EXPECT_TRUE(r.flow.bytes->test.matches(99));
  ASSERT_EQ(r.flow.stream_size.size(), 1u);
  EXPECT_EQ(r.flow.stream_size[0].side, StreamSizeTest::Side::Server);
  EXPECT_TRUE(r.flow.stream_size[0].test.matches(4) && !r.flow.stream_size[0].test.matches(5));
  EXPECT_TRUE(parseOk("flow.age:>10;").flow.age->matches(11));
  // Both sides at once, as ET Open's AeroAdmin rule tests them.
  EXPECT_EQ(parseOk("stream_size:client,=,1; stream_size:server,=,10;").flow.stream_size.size(), 2u);
  EXPECT_TRUE(parseOk("noalert;").noalert);
  EXPECT_EQ(parseOk("threshold:type limit,track by_flow,count 1,seconds 5;").threshold->track,
            Threshold::Track::ByFlow);
  const Threshold backoff = *parseOk("threshold: type backoff, track by_flow, count 2, multiplier 10;").threshold;
  EXPECT_EQ(backoff.type, Threshold::Type::Backoff);
  EXPECT_EQ(backoff.count, 2u);
  EXPECT_EQ(backoff.multiplier, 10u);
  EXPECT_EQ(parseOk("detection_filter: track by_dst, count 10, seconds 60, unique_on dst_port;")
                .detection_filter->unique_on,
            Threshold::UniqueOn::DstPort);
}

TEST(RuleKeywordsTest, Xbits) {
  Rule r = parseOk("xbits:set,ET.infostealer.pattern.2,track ip_pair,expire 15; xbits:isset, ET.ipcheck, track ip_src; "
                   "xbits:toggle,x,track ip_dst;");
  ASSERT_EQ(r.xbits.size(), 3u);
  EXPECT_EQ(r.xbits[0].name, "ET.infostealer.pattern.2");
  EXPECT_EQ(r.xbits[0].track, XbitOp::Track::IpPair);
  EXPECT_EQ(r.xbits[0].expire, 15u);
  EXPECT_EQ(r.xbits[1].cmd, XbitOp::Cmd::IsSet);
  EXPECT_EQ(r.xbits[1].expire, 30u);  // Suricata's default
  EXPECT_EQ(r.xbits[2].track, XbitOp::Track::IpDst);
  EXPECT_TRUE(parseOk("xbits:noalert;").noalert);
  test::expectRefusals(kHead, {
      {"xbits:flip,a,track ip_src;", "flip", "invalid xbits command"},
      {"xbits:set,a;", "set,a", "needs a command, a name and a track"},
      {"xbits:set,a,track ip_host;", "track ip_host", "invalid xbits track"},
      {"xbits:set,a,expire 5,expire;", "expire;", "invalid xbits expire"},
      {"xbits:set,a,expire 5,ttl 3;", "ttl 3", "invalid xbits option"},
      {"xbits:set,a,expire 5;", "set,a", "needs a track"},
  });
}

TEST(RuleKeywordsTest, UniqueOnNeedsPorts) {
  test::expectRefusals("alert ip any any -> any any (", {
      {"detection_filter:track by_src, count 1, seconds 5, unique_on src_port;", "unique_on", "needs a tcp, udp or sctp rule"},
  });
  test::expectRefusals("alert icmp any any -> any any (", {
      {"detection_filter:track by_dst, count 1, seconds 5, unique_on dst_port;", "unique_on", "needs a tcp, udp or sctp rule"},
  });
  RuleParser parser;
  RuleError error;
  EXPECT_TRUE(parser.parseRule("alert udp any any -> any any (detection_filter:track by_src, count 1, seconds 5, "
                               "unique_on dst_port; sid:1;)", "k.rules", 1, error).has_value()) << error.toString();
}

TEST(RuleKeywordsTest, FlowKeywordRefusals) {
  test::expectRefusals(kHead, {
      {"flow:to_server,to_client;", "to_server", "both to_server and to_client"},
      {"flow:established,stateless;", "established", "only one of"},
      {"flow:sideways;", "sideways", "invalid flow option"},
      {"flowbits:set,a|b;", "a|b", "isset / isnotset only"},
      {"flowbits:isset,a|b&c;", "a|b&c", "mixes '|' and '&'"},
      {"flowbits:flip,a;", "flip", "invalid flowbits command"},
      {"flowbits:set;", "set", "needs one name"},
      {"flowbits:noalert,x;", "x;", "takes no name"},
      {"flowint:n,**,1;", "**", "invalid flowint operator"},
      {"flowint:n,+;", "n,+", "needs a name, an operator and a value"},
      {"flowint:n,isset,1;", "n,isset", "take no value"},
      {"flowint:n,=,1x;", "1x", "invalid flowint value"},
      {"threshold:type sometimes, track by_src, count 1, seconds 1;", "type sometimes", "invalid threshold type"},
      {"threshold:type limit, track by_port, count 1, seconds 1;", "track by_port", "invalid track"},
      {"threshold:type limit, track by_src, count 0, seconds 1;", "count 0", "invalid count"},
      {"threshold:type backoff, track by_src, count 1, multiplier 2;", "track by_src", "needs track by_flow"},
      {"threshold:type backoff, track by_flow, count 1, seconds 5;", "seconds 5", "not seconds"},
      {"threshold:type backoff, track by_flow, count 1;", "type backoff", "needs track by_flow, count and multiplier"},
      {"threshold:type backoff, track by_flow, count 1, multiplier 0;", "multiplier 0", "invalid multiplier"},
      {"threshold:type limit, track by_src, count 1, seconds 5, multiplier 2;", "multiplier 2", "backoff only"},
      {"detection_filter:track by_src, count 1, seconds 5, multiplier 2;", "multiplier 2", "invalid detection_filter option"},
      {"detection_filter:track by_src, count 1, seconds 5, unique_on proto;", "unique_on proto", "invalid unique_on"},
      {"threshold:type limit, track by_src, count 1, seconds 5, unique_on src_port;", "unique_on", "invalid threshold option"},
      {"threshold:type limit, track by_src, count 1;", "type", "needs type, track, count and seconds"},
      {"detection_filter:type limit, track by_src, count 1, seconds 1;", "type limit", "invalid detection_filter option"},
      {"threshold:type limit,track by_src,count 1,seconds 1; threshold:type limit,track by_src,count 1,seconds 1;",
       "threshold", "given twice"},
      {"flow.pkts:sideways,>1;", "sideways", "invalid direction"},
      {"flow.bytes:toclient,>>1;", ">>1", "invalid comparison"},
      {"stream_size:middle,<,5;", "middle", "invalid stream_size side"},
      {"flow.age:old;", "old", "invalid flow.age"},
      {"flow.age:1; flow.age:2;", "flow.age:2", "given twice"},
      {"stream_size:client,<>,5;", "<>", "invalid stream_size operator"},
      {"stream_size:client,<,x;", "x;", "invalid stream_size number"},
      {"stream_size:client,<;", "client", "needs a side, an operator and a number"},
  });
}

TEST(RuleKeywordsTest, InfoKeywords) {
  Rule r = parseOk("target:dest_ip; tag:session,10,packets; tag:host,5,seconds,src;");
  EXPECT_EQ(r.sid, 1u);
  test::expectRefusals(kHead, {
      {"target:nobody;", "nobody", "invalid target"},
      {"tag:forever;", "forever", "invalid tag type"},
      {"tag:session,x;", "x;", "invalid tag count"},
      {"tag:session,1,parsecs;", "parsecs", "invalid tag metric"},
  });
}

template <typename T>
const T& appItem(const Rule& rule, size_t buffer, size_t index) {
  return std::get<T>(rule.app_buffers.at(buffer).matches.at(index));
}

TEST(RuleKeywordsTest, StickyBuffersTakeTheKeywordsAfterThem) {
  Rule r = parseOk("content:\"a\"; http.uri; content:\"/x\"; nocase; content:\"y\"; distance:0; "
                   "http.header; content:\"H\"; http.uri; content:\"z\"; within:5; pkt_data; content:\"b\";");
  ASSERT_EQ(r.payload.size(), 2u);
  ASSERT_EQ(r.app_buffers.size(), 2u);
  // A buffer named twice is one chain, continued.
  EXPECT_EQ(r.app_buffers[0].buffer, AppBufferId::HttpUri);
  ASSERT_EQ(r.app_buffers[0].matches.size(), 3u);
  EXPECT_TRUE(appItem<ContentMatch>(r, 0, 0).nocase);
  EXPECT_TRUE(appItem<ContentMatch>(r, 0, 1).relative());
  EXPECT_EQ(appItem<ContentMatch>(r, 0, 2).bytes, "z");
  EXPECT_EQ(r.app_buffers[1].buffer, AppBufferId::HttpHeader);
  EXPECT_EQ(item<ContentMatch>(r, 1).bytes, "b");

  // Suricata's older underscore spellings of sticky buffers.
  EXPECT_EQ(parseOk("dns_query; content:\"x\";").app_buffers.at(0).buffer, AppBufferId::DnsQuery);
  EXPECT_EQ(parseOk("tls_sni; content:\"x\";").app_buffers.at(0).buffer, AppBufferId::TlsSni);
  EXPECT_EQ(parseOk("ja3_hash; content:\"x\";").app_buffers.at(0).buffer, AppBufferId::Ja3Hash);
  EXPECT_EQ(parseOk("file_data; content:\"x\";").app_buffers.at(0).buffer, AppBufferId::FileData);
  EXPECT_EQ(parseOk("http.server_body; content:\"x\";").app_buffers.at(0).buffer, AppBufferId::HttpResponseBody);
}

TEST(RuleKeywordsTest, LegacyModifiersMoveTheContentBeforeThem) {
  Rule legacy = parseOk("content:\"GET\"; http_method; content:\"/a\"; http_uri; nocase; fast_pattern; "
                        "content:\"b\"; http_uri; distance:0; content:\"p\";");
  Rule sticky = parseOk("http.method; content:\"GET\"; http.uri; content:\"/a\"; nocase; fast_pattern; "
                        "content:\"b\"; distance:0; pkt_data; content:\"p\";");
  for (const Rule* r : {&legacy, &sticky}) {
    ASSERT_EQ(r->app_buffers.size(), 2u);
    EXPECT_EQ(r->app_buffers[0].buffer, AppBufferId::HttpMethod);
    EXPECT_EQ(r->app_buffers[1].buffer, AppBufferId::HttpUri);
    ASSERT_EQ(r->app_buffers[1].matches.size(), 2u);
    EXPECT_TRUE(appItem<ContentMatch>(*r, 1, 0).nocase);
    EXPECT_TRUE(appItem<ContentMatch>(*r, 1, 0).fast_pattern);
    EXPECT_TRUE(appItem<ContentMatch>(*r, 1, 1).relative());
    ASSERT_EQ(r->payload.size(), 1u);
    EXPECT_EQ(item<ContentMatch>(*r, 0).bytes, "p");
  }
  Rule uri = parseOk("uricontent:\"/x\"; nocase; content:\"y\";");
  EXPECT_TRUE(appItem<ContentMatch>(uri, 0, 0).nocase);
  EXPECT_EQ(uri.payload.size(), 1u);
  Rule pcre = parseOk("pcre:\"/^\\/a/Ui\"; pcre:\"/b/\";");
  EXPECT_EQ(pcre.app_buffers.at(0).buffer, AppBufferId::HttpUri);
  EXPECT_EQ(pcre.payload.size(), 1u);
}

TEST(RuleKeywordsTest, BufferTestsTransformsAndAppValues) {
  Rule r = parseOk("urilen:5<>10; http.host; to_lowercase; dotprefix; bsize:>3; content:\".example\";");
  ASSERT_EQ(r.app_buffers.size(), 2u);
  EXPECT_EQ(r.app_buffers[0].buffer, AppBufferId::HttpUri);
  ASSERT_EQ(r.app_buffers[0].sizes.size(), 1u);
  EXPECT_EQ(r.app_buffers[0].sizes[0].op, NumericTest::Op::Range);
  ASSERT_EQ(r.app_buffers[1].transforms.size(), 2u);
  EXPECT_EQ(r.app_buffers[1].transforms[0].kind, Transform::Kind::ToLowercase);
  EXPECT_EQ(r.app_buffers[1].transforms[1].kind, Transform::Kind::DotPrefix);
  EXPECT_EQ(r.app_buffers[1].sizes.at(0).op, NumericTest::Op::Gt);
  EXPECT_EQ(parseOk("urilen:>10,raw;").app_buffers.at(0).buffer, AppBufferId::HttpUriRaw);

  Rule tls = parseOk("tls.version:1.2; ssl_version:!sslv3,!tls1.0; tls.store;");
  ASSERT_EQ(tls.app_values.size(), 2u);
  EXPECT_EQ(tls.app_values[0].values, std::vector<uint64_t>{0x0303});
  EXPECT_TRUE(tls.app_values[1].negated);
  EXPECT_EQ(tls.app_values[1].values, (std::vector<uint64_t>{0x0300, 0x0301}));
  // Mixed, as older Suricata rules write it: one of the plain versions.
  const AppValueTest mixed = parseOk("ssl_version:sslv3, tls1.0, !tls1.2;").app_values.at(0);
  EXPECT_FALSE(mixed.negated);
  EXPECT_EQ(mixed.values, (std::vector<uint64_t>{0x0300, 0x0301}));

  Rule proto = parseOk("app-layer-protocol:!HTTP;");
  ASSERT_EQ(proto.app_protocols.size(), 1u);
  EXPECT_EQ(proto.app_protocols[0].name, "http");
  EXPECT_TRUE(proto.app_protocols[0].negated);
  EXPECT_EQ(proto.app_protocols[0].mode, AppProtocolTest::Mode::Direction);
  Rule modes = parseOk("app-layer-protocol:http1,original; prefilter; app-layer-protocol:http2,final; "
                       "app-layer-protocol:!dns, to_server; app-layer-protocol:!smb,to_server;");
  ASSERT_EQ(modes.app_protocols.size(), 4u);
  EXPECT_EQ(modes.app_protocols[0].mode, AppProtocolTest::Mode::Original);
  EXPECT_EQ(modes.app_protocols[1].mode, AppProtocolTest::Mode::Final);
  EXPECT_EQ(modes.app_protocols[2].mode, AppProtocolTest::Mode::ToServer);

  Rule dns = parseOk("dns.opcode:!0; dns.rcode:3-9; dns.rrtype:255;");
  ASSERT_EQ(dns.app_values.size(), 3u);
  EXPECT_EQ(dns.app_values[0].buffer, AppBufferId::DnsOpcode);
  EXPECT_TRUE(dns.app_values[0].test->matches(1) && !dns.app_values[0].test->matches(0));
  EXPECT_EQ(dns.app_values[1].test->op, NumericTest::Op::Range);
  EXPECT_EQ(dns.app_values[2].buffer, AppBufferId::DnsRrtype);
}

TEST(RuleKeywordsTest, AppLayerRefusals) {
  test::expectRefusals(kHead, {
      {"content:\"a\"; ike.vendor; content:\"b\";", "ike.vendor", "unsupported app-layer keyword 'ike.vendor'"},
      // An unsupported app-layer keyword wins over an earlier problem, so such rules count as that.
      {"bogus; pgsql.query; content:\"a\";", "pgsql.query", "unsupported app-layer keyword 'pgsql.query'"},
      {"app-layer-event:tls.invalid_record;", "invalid_record", "tls has no event 'invalid_record'"},
      {"bsize:5;", "bsize", "needs an app-layer sticky buffer"},
      {"content:\"a\"; to_lowercase;", "to_lowercase", "needs an app-layer sticky buffer"},
      {"http_uri;", "http_uri", "needs a preceding 'content'"},
      {"http.uri; content:\"a\"; http_header;", "http_header", "after a sticky buffer"},
      {"content:\"a\"; http_uri; http_header;", "http_header", "already in another buffer"},
      {"urilen:x;", "x", "invalid urilen"},
      {"urilen:5,wide;", "wide", "invalid urilen option"},
      {"http.uri; bsize:>>1;", ">>1", "invalid bsize"},
      {"tls.version:2.5;", "2.5", "unknown TLS version"},
      {"ssl_version:tls1.2,!tls1.2;", "!tls1.2", "given twice"},
      {"app-layer-protocol:failed;", "failed", "not supported"},
      {"app-layer-protocol:http,later;", "later", "invalid app-layer-protocol mode"},
      {"app-layer-protocol:http; app-layer-protocol:!tls;", "!tls", "mixes or repeats plain"},
      {"app-layer-protocol:!tls,final; app-layer-protocol:!tls,final;", "!tls,final", "given twice"},
      {"app-layer-protocol:http,final,x;", "x;", "a protocol and a mode"},
      {"dns.opcode:256;", "256", "invalid dns.opcode"},
      {"dns.rrtype:AAAA;", "AAAA", "invalid dns.rrtype"},
      {"ssl_state:client_hello;", "ssl_state", "not inspected"},
  });
}

TEST(RuleKeywordsTest, TransformParameters) {
  auto only = [](const Rule& r) -> const Transform& { return r.app_buffers.at(0).transforms.at(0); };
  Rule fixed = parseOk("http.request_body; xor:\"0d0AC8ff\";");
  EXPECT_EQ(std::get<Transform::Xor>(only(fixed).params).key, "\x0d\x0a\xc8\xff");
  Rule extracted = parseOk("http.uri; xor:offset   2,  extract 1 1;");
  const auto& x = std::get<Transform::Xor>(only(extracted).params);
  EXPECT_EQ(x.start, 2u);
  EXPECT_EQ(x.key_length, 1u);
  EXPECT_EQ(x.key_offset, 1u);
  EXPECT_TRUE(x.key.empty());
  Rule unquoted = parseOk("http.uri; xor:offset 4,41;");
  EXPECT_EQ(std::get<Transform::Xor>(only(unquoted).params).key, "A");

  Rule base64 = parseOk("http.uri; from_base64:bytes 6, offset 10 , mode strict;");
  const auto& b64 = std::get<Transform::FromBase64>(only(base64).params);
  EXPECT_EQ(b64.bytes, 6u);
  EXPECT_EQ(b64.offset, 10u);
  EXPECT_EQ(b64.mode, Transform::FromBase64::Mode::Strict);
  EXPECT_EQ(std::get<Transform::FromBase64>(only(parseOk("http.uri; from_base64;")).params).mode,
            Transform::FromBase64::Mode::Rfc4648);

  Rule sliced = parseOk("http.uri; subslice: -10, 3, truncate;");
  const auto& slice = std::get<Transform::Subslice>(only(sliced).params);
  EXPECT_EQ(slice.offset, -10);
  EXPECT_EQ(slice.length, 3);
  EXPECT_TRUE(slice.truncate);
  Rule to_end = parseOk("http.uri; subslice:2;");
  const auto& tail = std::get<Transform::Subslice>(only(to_end).params);
  EXPECT_FALSE(tail.length.has_value());
  EXPECT_FALSE(tail.truncate);

  EXPECT_EQ(std::get<Transform::Decompress>(only(parseOk("http.uri; gunzip;")).params).max_size, 1024u);
  EXPECT_EQ(std::get<Transform::Decompress>(only(parseOk("http.uri; zlib_deflate: max-size 8;")).params).max_size, 8u);
  EXPECT_NE(std::get<Transform::Pcrexform>(only(parseOk("http.uri; pcrexform:\"a(b+)c\";")).params).regex, nullptr);
  EXPECT_EQ(only(parseOk("http.header; strip_pseudo_headers;")).kind, Transform::Kind::StripPseudoHeaders);

  // Keywords before a transform inspect the buffer as it is, those after it the
  // transformed buffer: two instances of http.uri, the second with every transform.
  Rule split = parseOk("http.uri; to_lowercase; content:\"/q=\"; from_base64:offset 3; content:\"x\";");
  ASSERT_EQ(split.app_buffers.size(), 2u);
  EXPECT_EQ(split.app_buffers[0].transforms.size(), 1u);
  ASSERT_EQ(split.app_buffers[1].transforms.size(), 2u);
  EXPECT_EQ(split.app_buffers[1].transforms[1].kind, Transform::Kind::FromBase64);
  EXPECT_EQ(split.app_buffers[1].buffer, AppBufferId::HttpUri);
  // Naming the buffer again inspects it untransformed.
  Rule again = parseOk("http.uri; content:\"/get\"; http.uri; pcrexform:\"q=(.*)\"; xor:\"01\"; content:\"p\";");
  ASSERT_EQ(again.app_buffers.size(), 2u);
  EXPECT_TRUE(again.app_buffers[0].transforms.empty());
  EXPECT_EQ(again.app_buffers[1].transforms.size(), 2u);
  EXPECT_EQ(parseOk("http.uri; to_lowercase; content:\"a\"; http.uri; content:\"B\";").app_buffers.size(), 2u);
}

TEST(RuleKeywordsTest, TransformRefusals) {
  test::expectRefusals(kHead, {
      {"http.uri; xor:\"abc\";", "\"abc\"", "two digits a byte"},
      {"http.uri; xor:\"zz\";", "zz", "invalid hex"},
      {"http.uri; xor:\"\";", "\"\"", "1 to 255 bytes"},
      {"http.uri; xor:extract 0 1;", "0 1", "invalid xor key length"},
      {"http.uri; xor:extract 1 70000;", "70000", "invalid xor key offset"},
      {"http.uri; xor:extract 1;", "extract", "extract NBYTES OFFSET"},
      {"http.uri; xor:offset 1;", "offset", "needs a key"},
      {"http.uri; xor:offset x,\"41\";", "offset x", "invalid xor offset"},
      {"http.uri; xor:var k;", "var", "not supported"},
      {"http.uri; from_base64:bytes 70000;", "70000", "0 to 65535"},
      {"http.uri; from_base64:mode rfc1234;", "rfc1234", "invalid from_base64 mode"},
      {"http.uri; from_base64:offset 1, offset 2;", "offset 2", "given twice"},
      {"http.uri; from_base64:size 2;", "size 2", "unknown from_base64 option"},
      {"http.uri; from_base64:offset;", "offset", "invalid from_base64 option"},
      {"http.uri; pcrexform:\"a(b\";", "\";", "invalid pcrexform regex"},
      {"http.uri; pcrexform:\"ab\";", "\"ab\"", "exactly one capture group, found 0"},
      {"http.uri; pcrexform:\"(a)(b)\";", "\"(a)(b)\"", "found 2"},
      {"http.uri; pcrexform:/a(b)/;", "/a(b)/", "quoted"},
      {"http.uri; subslice:1,0;", "0;", "invalid subslice length"},
      {"http.uri; subslice:x;", "x;", "invalid subslice offset"},
      {"http.uri; subslice:1,2,3;", "1,2,3", "OFFSET[, NBYTES][, truncate]"},
      {"http.uri; subslice:1,2,cut;", "1,2,cut", "OFFSET[, NBYTES][, truncate]"},
      {"http.uri; gunzip:max-size 0;", "0;", "invalid max-size"},
      {"http.uri; gunzip:max-size 99999999;", "99999999", "invalid max-size"},
      {"http.uri; zlib_deflate:level 3;", "level 3", "takes only 'max-size N'"},
      {"http.uri; to_sha256:x;", "to_sha256", "takes no value"},
      {"xor:\"41\";", "xor", "needs an app-layer sticky buffer"},
  });
}

}  // namespace
}  // namespace mamori
