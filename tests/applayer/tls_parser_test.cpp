#include "applayer/tls_certificate_decoder.h"
#include "applayer/tls_parser.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <ctime>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "tests/applayer/tls_builder.h"
#include "tests/support/test_support.h"

namespace mamori {
namespace {

using namespace test::tls;

constexpr uint8_t kCcs = 20, kAlert = 21, kHs = 22, kAppData = 23;

// A real ClientHello record (Firefox, from nDPI's 443-firefox.pcap); tshark's JA3 of it
// is b20b44b18b853ef29ab773e921b03422.
const char* const kFirefoxHelloHex =
      "1603010200010001fc0303946bf125d520b848e57d09c375afa7295beb220cd1"
      "470e0e81d09c77a6ebb61c20ee594a6f44641c6449c6cf9207b65d86e1cceefa"
      "cb12202eaf7f1b923823d9f50024130113031302c02bc02fcca9cca8c02cc030"
      "c00ac009c013c01400330039002f0035000a0100018f00000011000f00000c77"
      "77772e6e746f702e6f726700170000ff01000100000a000e000c001d00170018"
      "001901000101000b00020100002300000010000e000c02683208687474702f31"
      "2e310005000501000000000033006b0069001d002011edefe3e699ce3aaf8ca8"
      "9fc09be7532014ef953df40763060d940a582ea04b0017004104d38e567337fe"
      "58d6d51c550202a5902e4978e5397292d86223056995ff63f225b03f1204612f"
      "ebc65cee1e0ec5823870893ffe756ac9cba259bfbf1461b4ed73002b00090803"
      "04030303020301000d0018001604030503060308040805080604010501060102"
      "030201002d00020101001c000240010015009200000000000000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000000"
      "0000000000"
    ;

Bytes fromHex(const std::string& hex) {
  Bytes b;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) b.push_back(static_cast<uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return b;
}

// Every field of a handshake in one string, so that two parses compare with a readable diff.
std::string describe(const TlsHandshake& h) {
  std::ostringstream o;
  o << "ch=" << h.client_hello << " sh=" << h.server_hello << " certs_seen=" << h.certificates_seen
    << " cv=" << h.client_version << " v=" << h.version << " sni=" << h.sni << " alpn=";
  for (const auto& a : h.alpn) o << a << ';';
  o << " ja3=" << h.ja3_string << '/' << h.ja3_hash << " ja3s=" << h.ja3s_string << '/' << h.ja3s_hash;
  for (const auto& c : h.certificates)
    o << "\n cert " << c.subject << " | " << c.issuer << " | " << c.serial << " | " << c.fingerprint << " | "
      << c.not_before << " | " << c.not_after << " | " << c.der.size();
  return o.str();
}

// Feeds `data` in pieces of at most `piece` bytes; returns the events of all of them.
uint8_t feed(TlsParser& p, Direction dir, const Bytes& data, size_t piece = SIZE_MAX) {
  uint8_t events = 0;
  for (size_t at = 0; at < data.size(); at += piece)
    events |= p.onData(dir, data.data() + at, std::min(piece, data.size() - at));
  return events;
}

// Chrome-like: GREASE in ciphers, extensions, groups and versions; SNI, ALPN.
Bytes builtHello() {
  return clientHello(0x0303, {0x1a1a, 0x1301, 0x1302, 0xc02b, 0x002f},
                     {empty(0x2a2a), sni("example.com"), u16List(10, {0x4a4a, 0x001d, 0x0017}), pointFormats({0}),
                      alpn({"h2", "http/1.1"}), clientVersions({0x3a3a, 0x0304, 0x0303}), empty(23),
                      {0xfafa, {0}}, {21, Bytes(40, 0)}});
}

// A self-signed certificate made by the openssl tool, with what that tool says of it.
struct MadeCert {
  Bytes der;
  std::string fingerprint, not_before, not_after;  // in TlsCertificate's forms
};

std::string isoFromOpenssl(const std::string& line) {
  // "notBefore=May  3 10:00:00 2025 GMT"
  std::tm tm{};
  const char* end = strptime(line.substr(line.find('=') + 1).c_str(), "%b %d %H:%M:%S %Y", &tm);
  EXPECT_NE(end, nullptr) << line;
  char buf[32];
  return std::string(buf, std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm));
}

MadeCert makeCert(const std::string& name, const std::string& subj, const std::string& serial, bool multivalue = false,
                  int days = 30) {
  const std::string dir = test::tempDir();
  const std::string pem = dir + "/" + name + ".pem", der = dir + "/" + name + ".der";
  const auto made = test::run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout " +
                              dir + "/" + name + ".key -out " + pem + " -days " + std::to_string(days) + " -set_serial " + serial + " -subj \"" +
                              subj + "\"" + (multivalue ? " -multivalue-rdn" : "") + " 2>/dev/null && openssl x509 -in " +
                              pem + " -outform DER -out " + der);
  EXPECT_EQ(made.exit_code, 0);
  MadeCert c;
  const std::string bytes = test::readFile(der);
  c.der.assign(bytes.begin(), bytes.end());
  std::istringstream info(test::run("openssl x509 -in " + pem + " -noout -fingerprint -sha1 -startdate -enddate").out);
  for (std::string line; std::getline(info, line);) {
    if (const size_t eq = line.find("Fingerprint="); eq != std::string::npos) {  // "sha1 Fingerprint=" in 3.x
      for (char ch : line.substr(eq + 12)) c.fingerprint += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    } else if (line.rfind("notBefore=", 0) == 0) {
      c.not_before = isoFromOpenssl(line);
    } else if (line.rfind("notAfter=", 0) == 0) {
      c.not_after = isoFromOpenssl(line);
    }
  }
  return c;
}

TEST(TlsParserTest, ClientHelloFieldsAndJa3) {
  TlsParser p;
  const uint8_t events = feed(p, Direction::ToServer, record(kHs, handshake(1, builtHello()), 0x0301));
  EXPECT_EQ(events, TlsParser::kClientHello);
  const TlsHandshake& h = p.handshake();
  EXPECT_TRUE(h.client_hello);
  EXPECT_FALSE(h.server_hello);
  EXPECT_EQ(h.client_version, 0x0303);
  EXPECT_EQ(h.sni, "example.com");
  EXPECT_EQ(h.alpn, (std::vector<std::string>{"h2", "http/1.1"}));
  // By the JA3 definition: version, ciphers, extension types, groups, point formats, in
  // decimal, GREASE (0x?a?a) left out everywhere; padding (21) stays.
  EXPECT_EQ(h.ja3_string, "771,4865-4866-49195-47,0-10-11-16-43-23-21,29-23,0");
  EXPECT_EQ(h.ja3_hash, "6b394f305b008a9b5c3c892c7b1a130c");  // md5sum of the string above
  EXPECT_EQ(p.counters().records, 1u);
  EXPECT_EQ(p.counters().handshakes, 1u);
  EXPECT_EQ(p.counters().malformed, 0u);
  EXPECT_FALSE(p.done());
}

TEST(TlsParserTest, HelloWithoutExtensionsHasEmptyJa3Fields) {
  TlsParser p;
  feed(p, Direction::ToServer, record(kHs, handshake(1, clientHello(0x0301, {0x0035, 0x000a}, {}))));
  EXPECT_EQ(p.handshake().ja3_string, "769,53-10,,,");
  EXPECT_TRUE(p.handshake().sni.empty());
}

TEST(TlsParserTest, RealFirefoxHelloMatchesTsharkJa3) {
  TlsParser p;
  EXPECT_EQ(feed(p, Direction::ToServer, fromHex(kFirefoxHelloHex)), TlsParser::kClientHello);
  EXPECT_EQ(p.handshake().sni, "www.ntop.org");
  EXPECT_EQ(p.handshake().ja3_hash, "b20b44b18b853ef29ab773e921b03422");
}

// tls.random: each hello's 32 bytes after its version, as sent; an SSLv2 hello has none.
TEST(TlsParserTest, HellosKeepTheirRandoms) {
  TlsParser p;
  const Bytes hello = fromHex(kFirefoxHelloHex);
  feed(p, Direction::ToServer, hello);
  ASSERT_TRUE(p.handshake().client_random_seen);
  // Record header (5), handshake header (4), client version (2), then the random.
  EXPECT_TRUE(std::equal(p.handshake().client_random.begin(), p.handshake().client_random.end(), hello.begin() + 11));
  EXPECT_EQ(p.handshake().server_random, (std::array<uint8_t, 32>{}));
  feed(p, Direction::ToClient, record(kHs, handshake(2, serverHello(0x0303, 0xc02f, {}))));
  std::array<uint8_t, 32> built;
  built.fill(0x33);  // tls_builder's ServerHello random
  EXPECT_EQ(p.handshake().server_random, built);

  TlsParser v2;
  // SSLv2-compatible ClientHello: length 0x0e with the top bit, type 1, version 3.1, 11
  // bytes of cipher specs / session id / challenge lengths and data.
  Bytes sslv2 = {0x80, 0x0e, 0x01, 0x03, 0x01};
  sslv2.insert(sslv2.end(), 11, 0);
  EXPECT_EQ(feed(v2, Direction::ToServer, sslv2), TlsParser::kClientHello);
  EXPECT_TRUE(v2.handshake().client_hello);
  EXPECT_FALSE(v2.handshake().client_random_seen);
}

TEST(TlsParserTest, Tls13ServerHelloTakesSupportedVersions) {
  TlsParser p;
  feed(p, Direction::ToServer, record(kHs, handshake(1, builtHello())));
  const Bytes flight = record(kHs, handshake(2, serverHello(0x0303, 0x1301, {serverVersion(0x0304), {51, Bytes(36, 7)}})));
  EXPECT_EQ(feed(p, Direction::ToClient, flight), TlsParser::kServerHello);
  const TlsHandshake& h = p.handshake();
  EXPECT_TRUE(h.server_hello);
  EXPECT_EQ(h.version, 0x0304);
  EXPECT_EQ(tlsVersionName(h.version), "TLS 1.3");
  EXPECT_EQ(h.ja3s_string, "771,4865,43-51");
  EXPECT_EQ(h.ja3s_hash, "f4febc55ea12b31ae17cfb7e614afda8");
  EXPECT_FALSE(p.done());
  // Middlebox-compatibility ChangeCipherSpec, then encrypted records: nothing more to read.
  feed(p, Direction::ToClient, cat(record(kCcs, {1}), record(kAppData, Bytes(300, 0xee))));
  EXPECT_FALSE(p.done());
  feed(p, Direction::ToServer, record(kCcs, {1}));
  EXPECT_TRUE(p.done());
  EXPECT_TRUE(p.handshake().certificates.empty());
}

TEST(TlsParserTest, Tls12ChainInSuricataForms) {
  const MadeCert leaf = makeCert("leaf", "/C=US/O=Let's Encrypt/CN=R3", "0x8a3b01");
  const MadeCert multi = makeCert("multi", "/C=JP/O=Mamori+OU=Sensors/CN=tap.example/emailAddress=soc@example.com", "0x043a", true);
  ASSERT_FALSE(leaf.der.empty());
  ASSERT_FALSE(multi.der.empty());

  TlsParser p;
  feed(p, Direction::ToServer, record(kHs, handshake(1, builtHello())));
  const Bytes flight =
      cat(handshake(2, serverHello(0x0303, 0xc02f, {{0xff01, {0}}, empty(0), pointFormats({0}), alpn({"h2"})})),
          handshake(11, certificateMessage({leaf.der, multi.der})), handshake(14, {}));
  // 700-byte records: the ServerHello shares a record with the start of the chain, which
  // spans several more.
  EXPECT_EQ(feed(p, Direction::ToClient, records(kHs, flight, 700)), TlsParser::kServerHello | TlsParser::kCertificates);

  const TlsHandshake& h = p.handshake();
  EXPECT_EQ(h.version, 0x0303);
  EXPECT_EQ(tlsVersionName(h.version), "TLS 1.2");
  EXPECT_EQ(h.ja3s_string, "771,49199,65281-0-11-16");
  EXPECT_EQ(h.ja3s_hash, "ae53107a2e47ea20c72ac44821a728bf");
  EXPECT_TRUE(h.certificates_seen);
  ASSERT_EQ(h.certificates.size(), 2u);

  const TlsCertificate& c0 = h.certificates[0];
  EXPECT_EQ(c0.subject, "C=US, O=Let's Encrypt, CN=R3");
  EXPECT_EQ(c0.issuer, "C=US, O=Let's Encrypt, CN=R3");
  EXPECT_EQ(c0.serial, "00:8A:3B:01");  // DER keeps the sign byte; Suricata logs it
  EXPECT_EQ(c0.fingerprint, leaf.fingerprint);
  EXPECT_EQ(c0.not_before, leaf.not_before);
  EXPECT_EQ(c0.not_after, leaf.not_after);
  EXPECT_EQ(c0.der, leaf.der);

  // Further certificates of the chain keep DER and fingerprint, not decoded.
  const TlsCertificate& c1 = h.certificates[1];
  EXPECT_EQ(c1.der, multi.der);
  EXPECT_EQ(c1.fingerprint, multi.fingerprint);
  EXPECT_EQ(c1.subject, "");
  TlsCertificate decoded;
  ASSERT_TRUE(decodeTlsCertificate(multi.der.data(), multi.der.size(), decoded));
  EXPECT_EQ(decoded.subject, "C=JP, O=Mamori + OU=Sensors, CN=tap.example, Email=soc@example.com");
  EXPECT_EQ(decoded.serial, "04:3A");
  // The DER walk renders them itself, as OpenSSL does; cut short anywhere, it gives up.
  TlsCertificate walked, openssl;
  ASSERT_TRUE(walkTlsCertificate(multi.der.data(), multi.der.size(), walked));
  ASSERT_TRUE(decodeTlsCertificateWithOpenssl(multi.der.data(), multi.der.size(), openssl));
  EXPECT_EQ(walked.subject, openssl.subject);
  EXPECT_EQ(walked.issuer, openssl.issuer);
  EXPECT_EQ(walked.not_after, openssl.not_after);
  for (size_t n = 0; n < multi.der.size(); ++n) {
    TlsCertificate cut;
    EXPECT_FALSE(walkTlsCertificate(multi.der.data(), n, cut)) << n;
  }
  // The leaf's serial carries a sign byte OpenSSL would drop on re-encoding if it were
  // not needed; this one is needed, so the walk keeps it too.
  TlsCertificate leaf_walked;
  ASSERT_TRUE(walkTlsCertificate(leaf.der.data(), leaf.der.size(), leaf_walked));
  EXPECT_EQ(leaf_walked.serial, "00:8A:3B:01");

  EXPECT_EQ(p.counters().handshakes, 4u);  // ClientHello, ServerHello, Certificate, ServerHelloDone
  EXPECT_EQ(p.counters().bad_certificates, 0u);
  feed(p, Direction::ToServer, cat(record(kHs, handshake(16, Bytes(66, 4))), record(kCcs, {1})));
  feed(p, Direction::ToClient, record(kCcs, {1}));
  EXPECT_TRUE(p.done());
}

// One whole connection: the client's hello spread over three records, the server's flight
// over many, with an alert and an empty record in between.
struct Conversation {
  Bytes client, server;
};

Conversation conversation(const Bytes& cert) {
  const Bytes hello = handshake(1, builtHello());
  Conversation c;
  c.client = cat(records(kHs, hello, 90), record(kCcs, {1}));
  c.server = cat(record(kAlert, {1, 0}), record(kHs, {}),
                 records(kHs,
                         cat(handshake(2, serverHello(0x0303, 0xc02f, {{0xff01, {0}}})),
                             handshake(11, certificateMessage({cert, cert})), handshake(14, {})),
                         333),
                 record(kCcs, {1}));
  return c;
}

// Found by fuzzing (tls_certificate): a GeneralizedTime in year 24 was "0024-..." from the DER
// walk and "24-..." from OpenSSL's decoder (strftime's %Y). Both write four digits now. The
// certificate is made here, its not-after year rewritten in place (the walk checks no signature).
TEST(TlsParserTest, AYearBeforeOneThousandIsFourDigitsFromBothDecoders) {
  MadeCert cert = makeCert("year24", "/CN=year24.example", "24", false, 36500);  // not after 21xx: GeneralizedTime
  const Bytes generalized_time = {0x18, 0x0f};
  auto at = std::search(cert.der.begin(), cert.der.end(), generalized_time.begin(), generalized_time.end());
  ASSERT_NE(at, cert.der.end()) << "no GeneralizedTime in the certificate";
  at += 2;
  ASSERT_EQ(std::string(at, at + 2), "21");
  std::copy_n("0024", 4, at);
  TlsCertificate walked, openssl;
  ASSERT_TRUE(walkTlsCertificate(cert.der.data(), cert.der.size(), walked));
  ASSERT_TRUE(decodeTlsCertificateWithOpenssl(cert.der.data(), cert.der.size(), openssl));
  EXPECT_EQ(walked.not_after.substr(0, 5), "0024-");
  EXPECT_EQ(openssl.not_after, walked.not_after);
  EXPECT_EQ(openssl.not_before, walked.not_before);
}

TEST(TlsParserTest, AnySplitOfTheStreamGivesTheSameResult) {
  const Conversation conv = conversation(makeCert("split", "/CN=split.example", "7").der);
  TlsParser whole;
  feed(whole, Direction::ToServer, conv.client);
  feed(whole, Direction::ToClient, conv.server);
  ASSERT_TRUE(whole.done());
  ASSERT_EQ(whole.handshake().certificates.size(), 2u);
  ASSERT_EQ(whole.handshake().certificates[0].subject, "CN=split.example");

  TlsParser bytewise;
  uint8_t events = 0;
  // Interleaved as a capture would deliver them, one byte at a time.
  for (size_t i = 0; i < std::max(conv.client.size(), conv.server.size()); ++i) {
    if (i < conv.client.size()) events |= bytewise.onData(Direction::ToServer, &conv.client[i], 1);
    if (i < conv.server.size()) events |= bytewise.onData(Direction::ToClient, &conv.server[i], 1);
  }
  EXPECT_EQ(events, TlsParser::kClientHello | TlsParser::kServerHello | TlsParser::kCertificates);
  EXPECT_EQ(describe(bytewise.handshake()), describe(whole.handshake()));
  EXPECT_EQ(bytewise.counters().records, whole.counters().records);
  EXPECT_EQ(bytewise.counters().handshakes, whole.counters().handshakes);
  EXPECT_TRUE(bytewise.done());

  std::mt19937 rng(7);
  for (int round = 0; round < 50; ++round) {
    TlsParser chunked;
    for (const auto& [dir, data] : {std::pair{Direction::ToServer, &conv.client}, {Direction::ToClient, &conv.server}}) {
      for (size_t at = 0; at < data->size();) {
        const size_t n = std::min<size_t>(data->size() - at, 1 + rng() % 700);
        chunked.onData(dir, data->data() + at, n);
        at += n;
      }
    }
    EXPECT_EQ(describe(chunked.handshake()), describe(whole.handshake()));
  }
}

TEST(TlsParserTest, GapGivesUpThatDirectionOnly) {
  const Bytes hello = record(kHs, handshake(1, builtHello()));
  TlsParser p;
  feed(p, Direction::ToServer, Bytes(hello.begin(), hello.begin() + 50));
  p.onGap(Direction::ToServer);
  EXPECT_EQ(feed(p, Direction::ToServer, Bytes(hello.begin() + 60, hello.end())), 0);
  EXPECT_EQ(feed(p, Direction::ToServer, hello), 0);
  EXPECT_FALSE(p.handshake().client_hello);
  EXPECT_EQ(p.counters().truncated, 1u);
  EXPECT_FALSE(p.done());
  EXPECT_EQ(feed(p, Direction::ToClient, record(kHs, handshake(2, serverHello(0x0303, 0x002f, {})))),
            TlsParser::kServerHello);
  p.onGap(Direction::ToClient);
  EXPECT_TRUE(p.done());
  EXPECT_EQ(p.counters().truncated, 2u);
}

TEST(TlsParserTest, OversizedChainKeepsTheCertificatesThatFit) {
  const MadeCert cert = makeCert("big", "/O=Big/CN=big.example", "12345");
  const size_t copies = 2 * TlsParser::kMaxHandshakeBytes / cert.der.size();
  const Bytes flight = cat(handshake(2, serverHello(0x0303, 0x002f, {})),
                           handshake(11, certificateMessage(std::vector<Bytes>(copies, cert.der))), handshake(14, {}));
  TlsParser p;
  EXPECT_EQ(feed(p, Direction::ToClient, records(kHs, flight, 1 << 14)),
            TlsParser::kServerHello | TlsParser::kCertificates);
  // The buffer holds the message header, the list length and as many whole entries as fit.
  const size_t fit = (TlsParser::kMaxHandshakeBytes - 4 - 3) / (3 + cert.der.size());
  ASSERT_EQ(p.handshake().certificates.size(), fit);
  for (const TlsCertificate& c : p.handshake().certificates) EXPECT_EQ(c.fingerprint, cert.fingerprint);
  EXPECT_EQ(p.counters().oversized, 1u);
  EXPECT_EQ(p.counters().malformed, 0u);
  EXPECT_EQ(p.counters().handshakes, 3u);  // the ServerHelloDone after the skipped part was found
}

TEST(TlsParserTest, NotTlsGivesUpTheFlowQuietly) {
  const std::string get = "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n";
  TlsParser p;
  EXPECT_EQ(p.onData(Direction::ToServer, reinterpret_cast<const uint8_t*>(get.data()), get.size()), 0);
  EXPECT_TRUE(p.done());
  EXPECT_EQ(p.counters().not_tls, 1u);
  EXPECT_EQ(p.counters().malformed, 0u);
  EXPECT_EQ(p.counters().records, 0u);

  // A server that speaks first (SMTP): the same.
  const std::string banner = "220 mail.example.com ESMTP\r\n";
  TlsParser q;
  q.onData(Direction::ToClient, reinterpret_cast<const uint8_t*>(banner.data()), banner.size());
  EXPECT_TRUE(q.done());
  EXPECT_EQ(q.counters().not_tls, 1u);
}

TEST(TlsParserTest, BadRecordAfterGoodOnesIsMalformed) {
  const Bytes hello = record(kHs, handshake(1, builtHello()));
  for (const Bytes& bad : {Bytes{99, 3, 3, 0, 4, 1, 2, 3, 4},           // unknown content type
                           Bytes{kHs, 4, 0, 0, 4, 1, 2, 3, 4},           // major version 4
                           Bytes{kHs, 3, 3, 0x48, 0x01}}) {              // longer than any record may be
    TlsParser p;
    feed(p, Direction::ToServer, cat(hello, bad, hello));
    EXPECT_TRUE(p.handshake().client_hello);
    EXPECT_EQ(p.counters().malformed, 1u);
    EXPECT_EQ(p.counters().records, 1u);
    EXPECT_EQ(p.counters().not_tls, 0u);
  }
}

TEST(TlsParserTest, GarbageOpeningOneSideOfATlsFlowIsMalformed) {
  TlsParser p;
  feed(p, Direction::ToClient, cat(record(kHs, handshake(2, serverHello(0x0303, 0x002f, {}))), record(kCcs, {1})));
  feed(p, Direction::ToServer, Bytes{'G', 'E', 'T', ' ', '/', ' '});
  EXPECT_EQ(p.counters().not_tls, 0u);
  EXPECT_EQ(p.counters().malformed, 1u);
  EXPECT_TRUE(p.done());
}

TEST(TlsParserTest, HelloOverrunningItsLengthIsMalformed) {
  Bytes body = builtHello();
  body[34] = 200;  // session id length past the end of the message's ciphers
  TlsParser p;
  EXPECT_EQ(feed(p, Direction::ToServer, record(kHs, handshake(1, body))), 0);
  EXPECT_FALSE(p.handshake().client_hello);
  EXPECT_EQ(p.counters().malformed, 1u);

  Bytes exts = builtHello();
  exts.resize(exts.size() - 5);  // the last extension is cut short of its declared length
  TlsParser q;
  feed(q, Direction::ToServer, record(kHs, handshake(1, exts)));
  EXPECT_FALSE(q.handshake().client_hello);
  EXPECT_TRUE(q.handshake().sni.empty());
  EXPECT_TRUE(q.handshake().ja3_string.empty());
  EXPECT_EQ(q.counters().malformed, 1u);
}

TEST(TlsParserTest, UndecodableCertificateIsCountedAndKeptByFingerprint) {
  TlsParser p;
  feed(p, Direction::ToClient,
       record(kHs, cat(handshake(2, serverHello(0x0303, 0x002f, {})),
                       handshake(11, certificateMessage({Bytes{0x30, 0x03, 1, 2, 3}})))));
  ASSERT_EQ(p.handshake().certificates.size(), 1u);
  EXPECT_EQ(p.counters().bad_certificates, 1u);
  EXPECT_TRUE(p.handshake().certificates[0].subject.empty());
  EXPECT_EQ(p.handshake().certificates[0].fingerprint.size(), 59u);  // 20 bytes as "xx:" * 19 + "xx"
}

TEST(TlsParserTest, Sslv2HelloIsRecognisedAndTheConnectionFollowed) {
  Bytes msg{1, 3, 1};  // CLIENT-HELLO, highest version TLS 1.0
  put16(msg, 6);       // cipher specs
  put16(msg, 0);       // session id
  put16(msg, 16);      // challenge
  append(msg, Bytes{0x01, 0x00, 0x80, 0x00, 0x00, 0x2f});
  msg.insert(msg.end(), 16, 0xab);
  Bytes v2{static_cast<uint8_t>(0x80 | msg.size() >> 8), static_cast<uint8_t>(msg.size())};
  append(v2, msg);

  TlsParser p;
  EXPECT_EQ(feed(p, Direction::ToServer, cat(v2, record(kHs, handshake(16, Bytes(10, 1))), record(kCcs, {1}))),
            TlsParser::kClientHello);
  EXPECT_EQ(p.counters().sslv2_hellos, 1u);
  EXPECT_EQ(p.counters().records, 2u);
  EXPECT_EQ(p.handshake().client_version, 0x0301);
  EXPECT_TRUE(p.handshake().ja3_string.empty());
  EXPECT_EQ(feed(p, Direction::ToClient, record(kHs, handshake(2, serverHello(0x0301, 0x002f, {})), 0x0301)),
            TlsParser::kServerHello);
  EXPECT_EQ(tlsVersionName(p.handshake().version), "TLSv1");
}

TEST(TlsParserTest, VersionNames) {
  EXPECT_EQ(tlsVersionName(0x0300), "SSLv3");
  EXPECT_EQ(tlsVersionName(0x0301), "TLSv1");
  EXPECT_EQ(tlsVersionName(0x0302), "TLS 1.1");
  EXPECT_EQ(tlsVersionName(0x0303), "TLS 1.2");
  EXPECT_EQ(tlsVersionName(0x0304), "TLS 1.3");
  EXPECT_EQ(tlsVersionName(0), "UNDETERMINED");
  EXPECT_EQ(tlsVersionName(0x7f1c), "UNDETERMINED");
}

// Random damage to real handshakes must never crash, hang or read out of bounds (run
// this binary under ASan to see the last); whatever comes out stays within its inputs.
void mutate(Bytes& b, std::mt19937& rng) {
  if (b.empty()) return;
  switch (rng() % 4) {
    case 0:
      for (unsigned n = 1 + rng() % 8; n--;) b[rng() % b.size()] = static_cast<uint8_t>(rng());
      break;
    case 1:
      b.resize(rng() % b.size());
      break;
    case 2:
      b.insert(b.begin() + rng() % b.size(), 1 + rng() % 64, static_cast<uint8_t>(rng()));
      break;
    default:  // a length field somewhere set to something large
      b[rng() % b.size()] = 0xff;
      break;
  }
}

TEST(TlsParserTest, RandomMutationsOfRealHandshakesDoNotCrash) {
  const Bytes hello = fromHex(kFirefoxHelloHex);
  const Bytes server = conversation(makeCert("fuzz", "/CN=fuzz", "99").der).server;
  std::mt19937 rng(2024);
  TlsParserCounters total;
  for (int i = 0; i < 2000; ++i) {
    Bytes c = hello, s = server;
    mutate(c, rng);
    mutate(s, rng);
    if (rng() % 2) mutate(c, rng);
    TlsParser p;
    const size_t piece = 1 + rng() % 600;
    feed(p, Direction::ToServer, c, piece);
    feed(p, Direction::ToClient, s, piece);
    EXPECT_LE(p.handshake().sni.size(), c.size());
    EXPECT_LE(p.handshake().certificates.size(), s.size() / 3);
    total += p.counters();
  }
  // The mutations must have reached the parser's error paths, not only bounced off.
  EXPECT_GT(total.malformed, 0u);
  EXPECT_GT(total.handshakes, 2000u);
}

}  // namespace
}  // namespace mamori
