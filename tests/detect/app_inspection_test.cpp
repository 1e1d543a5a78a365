// PacketInspector::inspectApp on hand-made app-layer buffers: which rules a phase runs,
// what each buffer keyword sees, and that app-buffer rules stay off packets and streams.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "detect/packet_inspector.h"
#include "detect/signature_database.h"
#include "tests/detect/rule_set_builder.h"
#include "rules/rule_parser.h"
#include "tests/detect/detect_test_support.h"
#include "tests/support/test_support.h"

namespace mamori {
namespace {

using test::CollectingSink;
using test::Sids;

class AppInspectionTest : public test::InspectorTest {
 protected:
  // One phase of a transaction on flow 7, 10.0.0.1:40000 <-> 192.0.2.1:80; `values`
  // are (buffer, text) pairs, an id repeated for a multi-valued buffer.
  Sids run(AppPhase phase, const std::vector<std::pair<AppBufferId, std::string>>& values,
           const std::string& payload = "") {
    const bool to_server = phase == AppPhase::HttpRequest || phase == AppPhase::DnsRequest ||
                           phase == AppPhase::TlsClientHello;
    DecodedPacket pkt = test::clientServerPacket(to_server);
    pkt.payload = reinterpret_cast<const uint8_t*>(payload.data());
    pkt.payload_len = static_cast<uint32_t>(payload.size());
    FlowContext flow{7, to_server, true, {3, 3}, {100, 100}, &pool_, &handle_};
    flow.app_proto = app_proto_;
    flow.app_proto_orig = app_proto_orig_;
    std::vector<AppBuffer> buffers;
    for (const auto& [id, text] : values) {
      buffers.push_back({id, reinterpret_cast<const uint8_t*>(text.data()), text.size()});
    }
    sink_.sids.clear();
    for (AppPhase step : test::stepsOf(phase)) inspector_->inspectApp(pkt, flow, step, buffers, sink_);
    std::sort(sink_.sids.begin(), sink_.sids.end());
    return sink_.sids;
  }

  Sids request(const std::string& uri, const std::string& host = "example.com") {
    return run(AppPhase::HttpRequest, {{AppBufferId::HttpMethod, "GET"},
                                       {AppBufferId::HttpUri, uri},
                                       {AppBufferId::HttpHost, host},
                                       {AppBufferId::HttpHeader, "Host: " + host + "\r\nAccept: */*\r\n"}});
  }

  uint32_t handle_ = 0;
  const char* app_proto_ = "http";
  const char* app_proto_orig_ = "";
  CollectingSink sink_;
};

// file.data and the other buffers both sides have are inspected in both directions when
// the rule names none, as Suricata does; a direction keeps the rule to that side.
TEST_F(AppInspectionTest, TwoSidedBufferWithoutDirectionIsInspectedBothWays) {
  load("alert http any any -> any any (file_data; content:\"secret\"; sid:1;)\n"
       "alert http any any -> any any (flow:to_client; file_data; content:\"secret\"; sid:2;)\n"
       "alert http any any -> any any (flow:to_server; file_data; content:\"secret\"; sid:3;)\n"
       "alert http any any -> any any (http.uri; content:\"/x\"; file_data; content:\"secret\"; sid:4;)\n");
  EXPECT_EQ(run(AppPhase::HttpRequest, {{AppBufferId::HttpUri, "/x"}, {AppBufferId::FileData, "a secret upload"}}),
            (Sids{1, 3, 4}));
  EXPECT_EQ(run(AppPhase::HttpResponse, {{AppBufferId::HttpUri, "/x"}, {AppBufferId::FileData, "the secret page"}}),
            (Sids{1, 2}));
}

TEST_F(AppInspectionTest, StickyBufferRuleMatchesOnlyItsBuffer) {
  load("alert http any any -> any any (http.uri; content:\"/evil\"; sid:1;)\n"
       "alert http any any -> any any (http.host; content:\"evil\"; sid:2;)\n");
  EXPECT_EQ(request("/evil.php"), Sids{1});
  EXPECT_EQ(request("/good", "evil.example"), Sids{2});
  // "/evil" in the Host header only: not the URI.
  EXPECT_EQ(request("/good", "x/evil"), Sids{2});
  EXPECT_EQ(request("/good"), Sids{});
  EXPECT_EQ(db_->patternCount(), 2u);
  EXPECT_NE(db_->appPatterns(AppPhase::HttpRequestHeaders, AppBufferId::HttpUri), nullptr);
  EXPECT_EQ(db_->appPatterns(AppPhase::HttpRequestHeaders, AppBufferId::HttpHeader), nullptr);
}

TEST_F(AppInspectionTest, AppBufferRulesStayOffPacketsAndStreams) {
  load("alert tcp any any -> any any (http.uri; content:\"/evil\"; sid:1;)\n");
  std::string payload = "GET /evil HTTP/1.1\r\n";
  DecodedPacket pkt;
  IpAddress::parse("10.0.0.1", pkt.src);
  IpAddress::parse("192.0.2.1", pkt.dst);
  pkt.ip_version = 4;
  pkt.proto = 6;
  pkt.payload = reinterpret_cast<const uint8_t*>(payload.data());
  pkt.payload_len = static_cast<uint32_t>(payload.size());
  FlowContext flow;
  inspector_->inspect(pkt, flow, sink_);
  inspector_->inspectStream(pkt, flow, pkt.payload, pkt.payload_len, 0, 0, sink_);
  EXPECT_EQ(sink_.sids, Sids{});
  EXPECT_EQ(run(AppPhase::HttpRequest, {{AppBufferId::HttpUri, "/evil"}}), Sids{1});
}

TEST_F(AppInspectionTest, LegacyModifiersMatchAsTheStickyForm) {
  load("alert http any any -> any any (content:\"GET\"; http_method; content:\"/a\"; http_uri; "
       "content:\"b\"; http_uri; distance:0; sid:1;)\n"
       "alert http any any -> any any (http.method; content:\"GET\"; http.uri; content:\"/a\"; "
       "content:\"b\"; distance:0; sid:2;)\n"
       "alert http any any -> any any (uricontent:\"/a\"; pcre:\"/b$/U\"; sid:3;)\n");
  EXPECT_EQ(request("/ab"), (Sids{1, 2, 3}));
  EXPECT_EQ(request("/ba"), Sids{});  // "b" must follow "/a"
  EXPECT_EQ(run(AppPhase::HttpRequest, {{AppBufferId::HttpMethod, "POST"}, {AppBufferId::HttpUri, "/ab"}}), Sids{3});
}

TEST_F(AppInspectionTest, RelativeChainsStayWithinOneBuffer) {
  load("alert http any any -> any any (http.uri; content:\"/a\"; content:\"c\"; within:3; "
       "http.header; content:\"Accept\"; content:\"*/*\"; distance:0; sid:1;)\n");
  EXPECT_EQ(request("/abc"), Sids{1});
  EXPECT_EQ(request("/abbbc"), Sids{});  // "c" too far from "/a"
}

TEST_F(AppInspectionTest, PktDataSwitchesBackToThePayload) {
  load("alert http any any -> any any (http.uri; content:\"/a\"; pkt_data; content:\"secret\"; sid:1;)\n");
  EXPECT_EQ(run(AppPhase::HttpRequest, {{AppBufferId::HttpUri, "/a"}}, "GET /a HTTP/1.1\r\nX: secret\r\n"), Sids{1});
  EXPECT_EQ(run(AppPhase::HttpRequest, {{AppBufferId::HttpUri, "/a"}}, "GET /a HTTP/1.1\r\n"), Sids{});
  EXPECT_EQ(run(AppPhase::HttpRequest, {{AppBufferId::HttpUri, "/b"}}, "secret"), Sids{});
}

TEST_F(AppInspectionTest, BsizeAndUrilen) {
  load("alert http any any -> any any (http.host; bsize:11; content:\"example\"; sid:1;)\n"
       "alert http any any -> any any (urilen:>5; sid:2;)\n"
       "alert http any any -> any any (urilen:2<>5; sid:3;)\n"
       "alert http any any -> any any (urilen:4,raw; sid:4;)\n");
  EXPECT_EQ(request("/abcdef"), (Sids{1, 2}));
  EXPECT_EQ(request("/abc", "example.org.uk"), (Sids{3}));
  EXPECT_EQ(run(AppPhase::HttpRequest, {{AppBufferId::HttpUri, "/a"}, {AppBufferId::HttpUriRaw, "/%61b"}}), Sids{});
  EXPECT_EQ(run(AppPhase::HttpRequest, {{AppBufferId::HttpUri, "/ab"}, {AppBufferId::HttpUriRaw, "/a%b"}}),
            (Sids{3, 4}));
}

TEST_F(AppInspectionTest, Transforms) {
  load("alert http any any -> any any (http.host; to_lowercase; content:\"evil.com\"; sid:1;)\n"
       "alert http any any -> any any (http.uri; url_decode; content:\"/a b/\"; sid:2;)\n"
       "alert http any any -> any any (http.header; strip_whitespace; content:\"Accept:*/*\"; sid:3;)\n"
       "alert dns any any -> any any (dns.query; dotprefix; content:\".bad.org\"; endswith; sid:4;)\n"
       "alert http any any -> any any (http.uri; compress_whitespace; content:\"a b\"; sid:5;)\n"
       "alert http any any -> any any (http.uri; to_uppercase; bsize:4; content:\"/ABC\"; sid:6;)\n");
  EXPECT_EQ(request("/x", "EVIL.com"), (Sids{1, 3}));
  EXPECT_EQ(request("/a%20b/"), (Sids{2, 3}));
  EXPECT_EQ(request("/a  \t b"), (Sids{3, 5}));
  EXPECT_EQ(request("/abc"), (Sids{3, 6}));
  app_proto_ = "dns";
  EXPECT_EQ(run(AppPhase::DnsRequest, {{AppBufferId::DnsQuery, "bad.org"}}), Sids{4});
  EXPECT_EQ(run(AppPhase::DnsRequest, {{AppBufferId::DnsQuery, "x.bad.org"}}), Sids{4});
  EXPECT_EQ(run(AppPhase::DnsRequest, {{AppBufferId::DnsQuery, "notbad.org"}}), Sids{});
  // Case and dotprefix transforms keep the fast pattern findable in the buffer as handed
  // in; url_decode and the whitespace ones do not, so those rules run unprefiltered.
  EXPECT_TRUE(db_->appUnprefiltered(AppPhase::DnsRequest).empty());
  EXPECT_EQ(db_->appUnprefiltered(AppPhase::HttpRequestHeaders).size(), 3u);
}

TEST_F(AppInspectionTest, ParameterisedTransformsAndTheirPrefilter) {
  load("alert http any any -> any any (http.uri; content:\"/get?data=\"; startswith; http.uri; "
       "pcrexform:\"/get\\?data=(.*)\"; xor:\"0d0ac8ff\"; content:\"password=\"; sid:1;)\n"
       "alert http any any -> any any (http.uri; content:\"/b64?v=\"; from_base64:offset 7; "
       "content:\"secret\"; startswith; sid:2;)\n"
       "alert http any any -> any any (http.uri; to_sha1; content:\"|a9 99 3e 36|\"; startswith; sid:3;)\n");
  auto xored = [](std::string text) {
    static const unsigned char kKey[] = {0x0d, 0x0a, 0xc8, 0xff};
    for (size_t i = 0; i < text.size(); ++i) text[i] = static_cast<char>(text[i] ^ kKey[i % 4]);
    return text;
  };
  EXPECT_EQ(request("/get?data=" + xored("user=a&password=b")), Sids{1});
  // The raw buffer's content and the transformed one's are checked each on its own.
  EXPECT_EQ(request("/x/get?data=" + xored("password=b")), Sids{});
  EXPECT_EQ(request("/get?data=password=b"), Sids{});
  EXPECT_EQ(request("/b64?v=c2VjcmV0IQ=="), Sids{2});
  EXPECT_EQ(request("/b64?v=!!!"), Sids{});
  EXPECT_EQ(request("abc"), Sids{3});
  // Rules 1 and 2 are found by their untransformed content; the hash's bytes are in no
  // buffer as handed in, so rule 3 is verified in every request.
  ASSERT_EQ(db_->appUnprefiltered(AppPhase::HttpRequestHeaders).size(), 1u);
}

TEST_F(AppInspectionTest, OneAlertPerRulePerTransactionAcrossValues) {
  load("alert dns any any -> any any (dns.query; content:\"evil\"; sid:1;)\n"
       "alert dns any any -> any any (dns.query; content:!\"good\"; sid:2;)\n");
  app_proto_ = "dns";
  EXPECT_EQ(run(AppPhase::DnsRequest, {{AppBufferId::DnsQuery, "evil.com"}, {AppBufferId::DnsQuery, "evil.org"}}),
            (Sids{1, 2}));
  // Each value on its own: one name without "good" is enough for the negated rule.
  EXPECT_EQ(run(AppPhase::DnsRequest, {{AppBufferId::DnsQuery, "good.com"}, {AppBufferId::DnsQuery, "x.org"}}),
            Sids{2});
  EXPECT_EQ(run(AppPhase::DnsRequest, {{AppBufferId::DnsQuery, "good.com"}}), Sids{});
  // No dns.query at all: rules on it do not match, negated or not.
  EXPECT_EQ(run(AppPhase::DnsRequest, {}), Sids{});
  EXPECT_EQ(db_->appUnprefiltered(AppPhase::DnsRequest).size(), 1u);
}

TEST_F(AppInspectionTest, PhaseIsTheOneProvidingTheLastBuffer) {
  load("alert http any any -> any any (http.uri; content:\"/dl\"; sid:1;)\n"
       "alert http any any -> any any (http.uri; content:\"/dl\"; http.stat_code; content:\"200\"; sid:2;)\n"
       "alert http any any -> any any (flow:to_client; http.header; content:\"Server\"; sid:3;)\n"
       "alert http any any -> any any (flow:to_server; http.header; content:\"Server\"; sid:4;)\n"
       "alert http any any -> any any (flow:established,to_client; file.data; content:\"MZ\"; sid:5;)\n");
  const std::vector<std::pair<AppBufferId, std::string>> response = {
      {AppBufferId::HttpUri, "/dl"}, {AppBufferId::HttpStatCode, "200"},
      {AppBufferId::HttpHeader, "Server: x\r\n"}, {AppBufferId::FileData, "MZ\x90"}};
  EXPECT_EQ(run(AppPhase::HttpRequest, {{AppBufferId::HttpUri, "/dl"}, {AppBufferId::HttpHeader, "Server: x\r\n"}}),
            (Sids{1, 4}));
  EXPECT_EQ(run(AppPhase::HttpResponse, response), (Sids{2, 3, 5}));

  load("alert tls any any -> any any (tls.sni; content:\"evil\"; sid:1;)\n"
       "alert tls any any -> any any (tls.sni; content:\"evil\"; ja3s.hash; content:\"abc\"; sid:2;)\n"
       "alert tls any any -> any any (tls.cert_subject; content:\"CN=evil\"; sid:3;)\n"
       "alert tls any any -> any any (tls.version:1.2; sid:4;)\n"
       "alert tls any any -> any any (tls.certs; content:\"|30 82|\"; sid:5;)\n");
  app_proto_ = "tls";
  const std::string tls12("\x03\x03", 2);
  EXPECT_EQ(run(AppPhase::TlsClientHello, {{AppBufferId::TlsSni, "evil.com"}, {AppBufferId::TlsVersion, tls12}}),
            Sids{1});
  EXPECT_EQ(run(AppPhase::TlsServerHello, {{AppBufferId::TlsSni, "evil.com"},
                                           {AppBufferId::Ja3sHash, "abc"},
                                           {AppBufferId::TlsVersion, tls12}}),
            (Sids{2, 4}));
  EXPECT_EQ(run(AppPhase::TlsServerHello, {{AppBufferId::TlsVersion, std::string("\x03\x04", 2)}}), Sids{});
  EXPECT_EQ(run(AppPhase::TlsCertificates, {{AppBufferId::TlsSni, "evil.com"},
                                            {AppBufferId::TlsCertSubject, "CN=evil.com"},
                                            {AppBufferId::TlsCerts, "\x01\x02"},
                                            {AppBufferId::TlsCerts, std::string("\x30\x82\x01", 3)}}),
            (Sids{3, 5}));
}

TEST_F(AppInspectionTest, Ja4HashIsTheClientHellos) {
  load("alert tls any any -> any any (ja4.hash; content:\"t13d1516h2_\"; startswith; sid:1;)\n");
  app_proto_ = "tls";
  EXPECT_EQ(run(AppPhase::TlsClientHello, {{AppBufferId::Ja4Hash, "t13d1516h2_8daaf6152771_e5627efa2ab1"}}), Sids{1});
  EXPECT_EQ(run(AppPhase::TlsClientHello, {{AppBufferId::Ja4Hash, "t12d1516h2_8daaf6152771_e5627efa2ab1"}}), Sids{});
}

TEST_F(AppInspectionTest, AppProtocolGatesHeaderProtocolAndKeyword) {
  load("alert tls any any -> any any (tls.sni; content:\"evil\"; sid:1;)\n"
       "alert tcp any any -> any any (tls.sni; content:\"evil\"; sid:2;)\n"
       "alert tcp any any -> any any (app-layer-protocol:tls; tls.sni; content:\"evil\"; sid:3;)\n"
       "alert tcp any any -> any any (app-layer-protocol:!tls; tls.sni; content:\"evil\"; sid:4;)\n");
  auto hello = [&] { return run(AppPhase::TlsClientHello, {{AppBufferId::TlsSni, "evil.com"}}); };
  app_proto_ = "tls";
  EXPECT_EQ(hello(), (Sids{1, 2, 3}));
  app_proto_ = "ssl";
  EXPECT_EQ(hello(), (Sids{1, 2, 3}));
  app_proto_ = "http";
  EXPECT_EQ(hello(), (Sids{2, 4}));
  app_proto_ = "";
  EXPECT_EQ(hello(), Sids{2});
}

// Suricata 8's modes: `original` is what a flow that changed protocol was before; HTTP
// is HTTP/1 or HTTP/2, http1 and http2 only the one.
TEST_F(AppInspectionTest, AppProtocolModesAndHttpVersions) {
  load("alert tcp any any -> any any (app-layer-protocol:http1,original; app-layer-protocol:http2,final; "
       "tls.sni; content:\"x\"; sid:1;)\n"
       "alert tcp any any -> any any (app-layer-protocol:http; tls.sni; content:\"x\"; sid:2;)\n"
       "alert tcp any any -> any any (app-layer-protocol:http1; tls.sni; content:\"x\"; sid:3;)\n"
       "alert tcp any any -> any any (app-layer-protocol:!http2,either; tls.sni; content:\"x\"; sid:4;)\n");
  auto hello = [&] { return run(AppPhase::TlsClientHello, {{AppBufferId::TlsSni, "x"}}); };
  app_proto_ = "http2";
  app_proto_orig_ = "http";  // an HTTP/1 connection upgraded to h2c
  EXPECT_EQ(hello(), (Sids{1, 2}));
  app_proto_orig_ = "";  // HTTP/2 from the start: no original protocol
  EXPECT_EQ(hello(), Sids{2});
  app_proto_ = "http";
  EXPECT_EQ(hello(), (Sids{2, 3, 4}));
}

// dns.opcode, dns.rcode and dns.rrtype look at requests and responses; a query type
// matches when any query has it.
TEST_F(AppInspectionTest, DnsHeaderAndQueryTypeNumbers) {
  load("alert dns any any -> any any (dns.opcode:4; sid:1;)\n"
       "alert dns any any -> any any (dns.rcode:!0; sid:2;)\n"
       "alert dns any any -> any any (dns.rrtype:28; sid:3;)\n"
       "alert dns any any -> any any (dns.opcode:!1-5; dns.rrtype:<2; sid:4;)\n"
       "alert dns any any -> any any (flow:to_server; dns.rcode:0; sid:5;)\n");
  app_proto_ = "dns";
  const std::string zero(1, '\0');
  auto type = [](uint16_t t) { return std::string{static_cast<char>(t >> 8), static_cast<char>(t & 0xff)}; };
  EXPECT_EQ(run(AppPhase::DnsRequest, {{AppBufferId::DnsOpcode, std::string(1, '\x04')},
                                       {AppBufferId::DnsRcode, zero},
                                       {AppBufferId::DnsRrtype, type(1)},
                                       {AppBufferId::DnsRrtype, type(28)}}),
            (Sids{1, 3, 5}));
  EXPECT_EQ(run(AppPhase::DnsResponse, {{AppBufferId::DnsOpcode, zero},
                                        {AppBufferId::DnsRcode, std::string(1, '\x03')},
                                        {AppBufferId::DnsRrtype, type(1)}}),
            (Sids{2, 4}));
  EXPECT_EQ(run(AppPhase::DnsResponse, {{AppBufferId::DnsOpcode, zero}, {AppBufferId::DnsRcode, zero}}), Sids{});
}

// ssl_version: any plain version; all negated: none of them; mixed: one of the plain ones.
TEST_F(AppInspectionTest, SslVersionListsPlainNegatedAndMixed) {
  load("alert tls any any -> any any (ssl_version:tls1.2,tls1.3; sid:1;)\n"
       "alert tls any any -> any any (ssl_version:!tls1.2,!tls1.3; sid:2;)\n"
       "alert tls any any -> any any (ssl_version:tls1.0,!tls1.2; sid:3;)\n");
  app_proto_ = "tls";
  auto hello = [&](uint16_t v) {
    return run(AppPhase::TlsServerHello,
               {{AppBufferId::TlsVersion, std::string{static_cast<char>(v >> 8), static_cast<char>(v & 0xff)}}});
  };
  EXPECT_EQ(hello(0x0303), Sids{1});
  EXPECT_EQ(hello(0x0301), (Sids{2, 3}));
  EXPECT_EQ(hello(0x0302), Sids{2});
}

TEST_F(AppInspectionTest, FlowbitsAndRuleMixingProtocolsIsRefused) {
  load("alert http any any -> any any (http.uri; content:\"/login\"; flowbits:set,login; flowbits:noalert; sid:1;)\n"
       "alert http any any -> any any (flowbits:isset,login; http.stat_code; content:\"302\"; sid:2;)\n");
  EXPECT_EQ(request("/login"), Sids{});
  EXPECT_EQ(run(AppPhase::HttpResponse, {{AppBufferId::HttpStatCode, "302"}}), Sids{2});

  RuleParser parser;
  ParsedRules parsed;
  parser.parseText("alert tcp any any -> any any (http.uri; content:\"a\"; tls.sni; content:\"b\"; sid:9;)\n", "x",
                   parsed);
  ASSERT_EQ(parsed.rules.size(), 1u);
  std::vector<RuleError> errors;
  auto db = SignatureDatabase::build(std::move(parsed.rules), errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].sid, 9u);
  EXPECT_NE(errors[0].reason.find("different protocols"), std::string::npos) << errors[0].reason;
  EXPECT_EQ(db->size(), 0u);
}

}  // namespace
}  // namespace mamori

// ---- dataset / datarep ----

namespace mamori {
namespace {

std::string writeList(const std::string& name, const std::string& text) {
  const std::string path = test::tempDir() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

// Values loaded from a file are in the set (strings base64 in the file); isset and
// isnotset test the buffer's whole value after its transforms.
TEST_F(AppInspectionTest, DatasetLoadedValues) {
  // "curl/8.0" and "BadBot" in base64.
  const std::string ua = writeList("ua.lst", "Y3VybC84LjA=\n# a comment\n\nQmFkQm90\n");
  load("alert http any any -> any any (http.user_agent; dataset:isset,ua-bad,type string,load " + ua + "; sid:1;)\n"
       "alert http any any -> any any (http.user_agent; to_lowercase; dataset:isset,ua-bad; sid:2;)\n"
       "alert http any any -> any any (http.user_agent; dataset:isnotset,ua-bad; sid:3;)\n");
  EXPECT_EQ(run(AppPhase::HttpRequest, {{AppBufferId::HttpUserAgent, "curl/8.0"}}), (Sids{1, 2}));
  EXPECT_EQ(run(AppPhase::HttpRequest, {{AppBufferId::HttpUserAgent, "BadBot"}}), Sids{1});
  EXPECT_EQ(run(AppPhase::HttpRequest, {{AppBufferId::HttpUserAgent, "curl/8.0 x"}}), Sids{3});
}

// set holds the first time a value is seen (and adds it); unset holds when it was there.
TEST_F(AppInspectionTest, DatasetSetAndUnsetChangeTheWorkersSet) {
  load("alert http any any -> any any (http.host; dataset:set,seen,type string; sid:1;)\n"
       "alert http any any -> any any (http.uri; dataset:unset,seen; sid:2;)\n"
       "alert http any any -> any any (http.user_agent; dataset:isset,seen; sid:3;)\n");
  auto with = [&](AppBufferId id) { return run(AppPhase::HttpRequest, {{id, "a.example"}}); };
  EXPECT_EQ(with(AppBufferId::HttpUserAgent), Sids{});
  EXPECT_EQ(with(AppBufferId::HttpHost), Sids{1});
  EXPECT_EQ(with(AppBufferId::HttpHost), Sids{});
  EXPECT_EQ(with(AppBufferId::HttpUserAgent), Sids{3});
  EXPECT_EQ(with(AppBufferId::HttpUri), Sids{2});
  EXPECT_EQ(with(AppBufferId::HttpUri), Sids{});
  EXPECT_EQ(with(AppBufferId::HttpUserAgent), Sids{});
  EXPECT_EQ(with(AppBufferId::HttpHost), Sids{1});
}

// Each worker adds at most memcap / 128 values to a set; past that, set is refused and counted.
TEST_F(AppInspectionTest, DatasetAdditionsAreBounded) {
  load("alert http any any -> any any (http.host; dataset:set,hosts,type string,memcap 256; sid:1;)\n");
  EXPECT_EQ(request("/", "a.example"), Sids{1});
  EXPECT_EQ(request("/", "b.example"), Sids{1});
  EXPECT_EQ(request("/", "c.example"), Sids{});
  EXPECT_EQ(inspector_->totals().dataset_refused, 1u);
  EXPECT_EQ(request("/", "a.example"), Sids{});
}

TEST_F(AppInspectionTest, DatasetOfHashesTakesBinaryValues) {
  // The MD5 of "abc", as to_md5 gives it.
  const std::string list = writeList("md5.lst", "900150983cd24fb0d6963f7d28e17f72\n");
  load("alert http any any -> any any (http.uri; to_md5; dataset:isset,uri-md5,type md5,load " + list + "; sid:1;)\n"
       "alert http any any -> any any (http.uri; dataset:isset,uri-md5; sid:2;)\n");
  EXPECT_EQ(request("abc"), Sids{1});
  EXPECT_EQ(request("abd"), Sids{});
}

TEST_F(AppInspectionTest, Datarep) {
  const std::string list = writeList("rep.lst", "ZXZpbC5leGFtcGxl,90\nb2suZXhhbXBsZQ==,10\n");  // evil.example, ok.example
  load("alert http any any -> any any (http.host; datarep:host-rep, >, 50, type string, load " + list + "; sid:1;)\n"
       "alert http any any -> any any (http.host; datarep:host-rep, <=, 10; sid:2;)\n");
  EXPECT_EQ(request("/", "evil.example"), Sids{1});
  EXPECT_EQ(request("/", "ok.example"), Sids{2});
  EXPECT_EQ(request("/", "other.example"), Sids{});
}

}  // namespace
}  // namespace mamori
