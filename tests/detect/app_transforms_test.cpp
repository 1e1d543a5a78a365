// AppTransforms on buffers as the app layer hands them in: each transform with Suricata's
// semantics, and hostile data (garbage base64, a gzip bomb, slices out of range) bounded.
#include <gtest/gtest.h>
#include <zlib.h>

#include <optional>
#include <string>
#include <vector>

#include "detect/app_transforms.h"
#include "rules/rule_parser.h"

namespace mamori {
namespace {

// The transforms of the last buffer of a rule with these options, parsed as a rule set.
std::vector<Transform> transformsOf(const std::string& options) {
  RuleParser parser;
  RuleError error;
  std::optional<Rule> rule =
      parser.parseRule("alert http any any -> any any (" + options + " sid:1;)", "t.rules", 1, error);
  EXPECT_TRUE(rule.has_value()) << options << " -> " << error.toString();
  return rule ? rule->app_buffers.back().transforms : std::vector<Transform>{};
}

// The buffer after the transforms; nullopt when they fail on it.
std::optional<std::string> transform(const std::string& options, const std::string& data) {
  static AppTransforms transforms;  // one, reused, as a worker's is
  std::vector<Transform> list = transformsOf(options);
  if (!transforms.apply(list, reinterpret_cast<const uint8_t*>(data.data()), data.size())) return std::nullopt;
  return std::string(transforms.result());
}

std::string transformed(const std::string& options, const std::string& data) {
  std::optional<std::string> out = transform(options, data);
  EXPECT_TRUE(out.has_value()) << options << " failed";
  return out.value_or("<failed>");
}

bool fails(const std::string& options, const std::string& data) { return !transform(options, data).has_value(); }

std::string compress(const std::string& data, bool gzip) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, gzip ? MAX_WBITS + 16 : MAX_WBITS, 9,
                         Z_DEFAULT_STRATEGY),
            Z_OK);
  std::string out(deflateBound(&z, data.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string hex(const std::string& bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

TEST(AppTransformsTest, XorWithAFixedKeyOrOneReadFromTheBuffer) {
  EXPECT_EQ(transformed("http.uri; xor:\"0a0DC8ff\";", "example.com"), std::string("ou\xa9\x92za\xad\xd1ib\xa5"));
  // Key byte first, then the text encoded with it: decoding starts after the key.
  const std::string body = std::string("\x42") + "\x32\x23\x31\x31\x35\x2d\x30\x26";  // "password" ^ 0x42
  EXPECT_EQ(transformed("http.request_body; xor:offset 1,extract 1 0;", body), "\x42" "password");
  // A key lying inside the decoded part is read before decoding: its own byte becomes 0.
  EXPECT_EQ(transformed("http.request_body; xor:\"00\"; xor:extract 1 0;", body), std::string("\0password", 9));
  // A key or a start past the end leaves the buffer as it is.
  EXPECT_EQ(transformed("http.request_body; xor:extract 2 8;", body), body);
  EXPECT_EQ(transformed("http.request_body; xor:offset 10,\"42\";", body), body);
  EXPECT_EQ(transformed("http.request_body; xor:\"42\";", ""), "");
}

TEST(AppTransformsTest, FromBase64Modes) {
  const std::string uri = "/?arg=dGhpc2lzYXRlc3QK";
  EXPECT_EQ(transformed("http.uri; from_base64:offset 6;", uri), "thisisatest\n");
  EXPECT_EQ(transformed("http.uri; from_base64:offset 10;", uri), "sisatest\n");
  EXPECT_EQ(transformed("http.uri; from_base64:bytes 6, offset 6;", uri), "this");
  EXPECT_EQ(transformed("http.uri; from_base64;", "dGhpcw=="), "this");
  // Offset or bytes reaching the end leave the buffer as it is.
  EXPECT_EQ(transformed("http.uri; from_base64:offset 22;", uri), uri);
  EXPECT_EQ(transformed("http.uri; from_base64:offset 6, bytes 16;", uri), uri);

  // RFC 4648 stops at the first byte outside the alphabet; RFC 2045 skips it.
  EXPECT_EQ(transformed("http.uri; from_base64;", "dGhp c2lz"), "thi");
  EXPECT_EQ(transformed("http.uri; from_base64:mode rfc2045;", "dGhp\r\nc2lz"), "thisis");
  // A last partial quad: padded in RFC 4648, dropped in RFC 2045, refused in strict.
  EXPECT_EQ(transformed("http.uri; from_base64;", "dGhpc2"), "this");
  EXPECT_EQ(transformed("http.uri; from_base64:mode rfc2045;", "dGhpc2"), "thi");
  EXPECT_TRUE(fails("http.uri; from_base64:mode strict;", "dGhpc2"));
  EXPECT_EQ(transformed("http.uri; from_base64:mode strict;", "dGhpc2lzYXRlc3QK"), "thisisatest\n");
  EXPECT_TRUE(fails("http.uri; from_base64:mode strict;", "dGhp c2lz"));
  EXPECT_TRUE(fails("http.uri; from_base64:mode strict;", "dG==c2lz"));

  // Garbage decodes to nothing: the buffer is in error and matches nothing.
  EXPECT_TRUE(fails("http.uri; from_base64;", "!!!!"));
  EXPECT_TRUE(fails("http.uri; from_base64;", "d"));
  EXPECT_TRUE(fails("http.uri; from_base64:mode rfc2045;", "=abc"));
  std::string binary(4096, '\0');
  for (size_t i = 0; i < binary.size(); ++i) binary[i] = static_cast<char>(i * 7);
  EXPECT_LE(transform("http.uri; from_base64:mode rfc2045;", binary).value_or("").size(), binary.size());
}

TEST(AppTransformsTest, PcrexformKeepsTheCaptureOrTheBuffer) {
  EXPECT_EQ(transformed("http.request_line; pcrexform:\"[a-zA-Z]+\\s+(.*)\\s+HTTP\";", "GET /z4d4kWk.jpg HTTP/1.1"),
            "/z4d4kWk.jpg");
  // No match, or a group that took no part: the buffer stays as it was.
  EXPECT_EQ(transformed("http.uri; pcrexform:\"q=(.*)\";", "/nothing"), "/nothing");
  EXPECT_EQ(transformed("http.uri; pcrexform:\"a(x)?b\";", "ab"), "ab");
  EXPECT_EQ(transformed("http.uri; pcrexform:\"a(x*)b\";", "ab"), "");
}

TEST(AppTransformsTest, SubsliceBoundsAsSuricata) {
  const std::string ua = "curl/7.64.1";
  EXPECT_EQ(transformed("http.user_agent; subslice:-6;", ua), "7.64.1");
  EXPECT_EQ(transformed("http.user_agent; subslice:-10,3;", ua), "url");
  EXPECT_EQ(transformed("http.user_agent; subslice:1,-3;", ua), "url/7.6");
  EXPECT_EQ(transformed("http.user_agent; subslice:0,-6;", ua), "curl/");
  // Reversed ends are swapped.
  EXPECT_EQ(transformed("http.user_agent; subslice:8,-6;", ua), "7.6");
  // Out of range: empty, unless truncate clamps it.
  EXPECT_EQ(transformed("http.user_agent; subslice:12;", ua), "");
  EXPECT_EQ(transformed("http.user_agent; subslice:0,13;", ua), "");
  EXPECT_EQ(transformed("http.user_agent; subslice:0,-30;", ua), "");
  EXPECT_EQ(transformed("http.user_agent; subslice:-20;", ua), "");
  EXPECT_EQ(transformed("http.user_agent; subslice:1,30,truncate;", ua), "url/7.64.1");
  EXPECT_EQ(transformed("http.user_agent; subslice:-20,-30, truncate;", ua), "");
  EXPECT_EQ(transformed("http.user_agent; subslice:-11,-6,truncate;", ua), "curl/");
  EXPECT_EQ(transformed("http.user_agent; subslice:2147483647,2147483647,truncate;", ua), "");
  EXPECT_EQ(transformed("http.user_agent; subslice:-2147483647,-2147483647,truncate;", ua), "");
}

TEST(AppTransformsTest, DecompressionIsBounded) {
  const std::string text = "This is compressed then base64-encoded\n";
  EXPECT_EQ(transformed("http.uri; gunzip;", compress(text, true)), text);
  EXPECT_EQ(transformed("http.uri; zlib_deflate;", compress(text, false)), text);
  EXPECT_EQ(transformed("http.uri; gunzip:max-size 8;", compress(text, true)), "This is ");
  // Each format refuses the other's header; garbage gives an empty buffer.
  EXPECT_EQ(transformed("http.uri; gunzip;", compress(text, false)), "");
  EXPECT_EQ(transformed("http.uri; zlib_deflate;", compress(text, true)), "");
  EXPECT_EQ(transformed("http.uri; gunzip;", "\x1f\x8bnot gzip at all"), "");
  // A stream cut short keeps what it inflated.
  const std::string gz = compress(text, true);
  EXPECT_EQ(transformed("http.uri; gunzip;", gz.substr(0, gz.size() - 8)), text);
  // A bomb: 64 MiB of zeros in a few kilobytes stops at the cap, the default or the rule's.
  const std::string bomb = compress(std::string(64u << 20, '\0'), true);
  ASSERT_LT(bomb.size(), 100'000u);
  EXPECT_EQ(transformed("http.uri; gunzip;", bomb), std::string(1024, '\0'));
  EXPECT_EQ(transformed("http.uri; gunzip:max-size 1000000;", bomb).size(), 1'000'000u);
}

TEST(AppTransformsTest, HashesGiveTheRawDigest) {
  EXPECT_EQ(hex(transformed("http.uri; to_md5;", "abc")), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(hex(transformed("http.uri; to_sha1;", "abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(hex(transformed("http.uri; to_sha256;", "abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex(transformed("http.uri; to_lowercase; to_md5;", "ABC")), "900150983cd24fb0d6963f7d28e17f72");
}

TEST(AppTransformsTest, HeaderTransforms) {
  // HTTP/1 header blocks have no pseudo-headers: nothing to strip.
  const std::string names = "\r\nHost\r\nAccept-Ranges\r\n\r\n";
  EXPECT_EQ(transformed("http.header_names; strip_pseudo_headers;", names), names);
  EXPECT_EQ(transformed("http.header; strip_pseudo_headers;", ":method: GET\r\nHost: a\r\n:path: /\nX: 1"),
            "Host: a\r\nX: 1");
  EXPECT_EQ(transformed("http.header; header_lowercase;", "Host: A.B\r\nX-Y:Z:Q\r\n"), "host: A.B\r\nx-y:Z:Q\r\n");
}

TEST(AppTransformsTest, PublicSuffixRules) {
  const PublicSuffixList list("// comment\nuk\nco.uk\n*.ck\n!www.ck\nio\n");
  EXPECT_EQ(list.suffix("news.bbc.co.uk"), "co.uk");
  EXPECT_EQ(list.domain("news.bbc.co.uk").value_or("<none>"), "bbc.co.uk");
  EXPECT_EQ(list.suffix("a.b.ck"), "b.ck");  // wildcard
  EXPECT_EQ(list.suffix("www.ck"), "ck");    // exception
  EXPECT_EQ(list.domain("www.ck").value_or("<none>"), "www.ck");
  EXPECT_EQ(list.suffix("example.unlisted"), "unlisted");  // the implicit "*" rule
  EXPECT_FALSE(list.domain("co.uk").has_value());
  EXPECT_FALSE(list.domain("io").has_value());
  EXPECT_FALSE(list.domain("").has_value());
  EXPECT_FALSE(list.domain("example.com.").has_value());
}

TEST(AppTransformsTest, DomainAndTldWithTheSystemList) {
  if (!PublicSuffixList::system()) GTEST_SKIP() << PublicSuffixList::kSystemPath << " missing";
  EXPECT_EQ(transformed("dns.query; domain;", "www.bbc.co.uk"), "bbc.co.uk");
  EXPECT_EQ(transformed("dns.query; tld;", "www.bbc.co.uk"), "co.uk");
  EXPECT_EQ(transformed("dns.query; domain;", "suricata.io"), "suricata.io");
  EXPECT_EQ(transformed("dns.query; tld;", "suricata.io"), "io");
  EXPECT_EQ(transformed("dns.query; domain;", "co.uk"), "");
}

}  // namespace
}  // namespace mamori
