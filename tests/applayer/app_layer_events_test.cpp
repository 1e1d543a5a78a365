// The app-layer events each parser raises, on crafted input: libhtp's anomalies on the
// HTTP transaction they belong to, the TLS record layer's and handshake's, a DNS
// message's, SSH banners', and the protocol detection events AppParsers raises on a flow.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "applayer/app_layer_event.h"
#include "applayer/app_parsers.h"
#include "applayer/http_parser.h"
#include "applayer/tls_parser.h"
#include "tests/applayer/http_test_util.h"
#include "tests/applayer/tls_builder.h"

namespace mamori {
namespace {

using E = AppLayerEvent;

// ---- HTTP ----

HttpTransaction onlyRequest(const std::string& request) {
  HttpParser p({});
  test::RecordingSink sink;
  test::feed(p, Direction::ToServer, request, sink);
  p.onEnd(0, sink);
  EXPECT_EQ(sink.requests.size(), 1u);
  return sink.requests.empty() ? HttpTransaction{} : sink.requests.front();
}

TEST(HttpEvents, UnrecognizedAuthorizationMethod) {
  const HttpTransaction odd = onlyRequest("GET / HTTP/1.1\r\nHost: a\r\nAuthorization: Magic 1234\r\n\r\n");
  EXPECT_TRUE(raised(odd.events, E::HttpRequestAuthUnrecognized));
  EXPECT_TRUE(raised(odd.new_events, E::HttpRequestAuthUnrecognized));
  // Basic and Digest are methods libhtp knows; Bearer the libhtp Suricata is built with
  // knows too (suricata-verify's http-auth-bearer expects no event).
  for (const char* scheme : {"Basic dTpw", "Digest username=\"u\"", "Bearer abc.def", "bearer x"}) {
    const HttpTransaction known =
        onlyRequest(std::string("GET / HTTP/1.1\r\nHost: a\r\nAuthorization: ") + scheme + "\r\n\r\n");
    EXPECT_FALSE(raised(known.events, E::HttpRequestAuthUnrecognized)) << scheme;
  }
}

TEST(HttpEvents, MissingHostAndDuplicateContentLength) {
  const HttpTransaction tx = onlyRequest("GET / HTTP/1.1\r\nUser-Agent: x\r\n\r\n");
  EXPECT_TRUE(raised(tx.events, E::HttpMissingHostHeader));
  const HttpTransaction cl = onlyRequest(
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabc");
  EXPECT_TRUE(raised(cl.events, E::HttpDuplicateContentLengthFieldInRequest));
  const HttpTransaction clean = onlyRequest("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
  EXPECT_TRUE(clean.events.none());
}

TEST(HttpEvents, ResponseEventsAreNewOnTheResponseOnly) {
  HttpParser p({});
  test::RecordingSink sink;
  test::feed(p, Direction::ToServer, "GET / HTTP/1.1\r\nAuthorization: Magic 1\r\n\r\n", sink);
  test::feed(p, Direction::ToClient, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nbroken header line\r\n\r\nok", sink);
  ASSERT_EQ(sink.requests.size(), 1u);
  ASSERT_EQ(sink.responses.size(), 1u);
  const HttpTransaction& res = sink.responses.front();
  EXPECT_TRUE(raised(res.events, E::HttpRequestAuthUnrecognized));
  EXPECT_FALSE(raised(res.new_events, E::HttpRequestAuthUnrecognized));  // reported with the request
  EXPECT_TRUE(raised(res.new_events, E::HttpResponseHeaderInvalid) ||
              raised(res.new_events, E::HttpResponseFieldMissingColon));
}

// ---- TLS ----

using test::tls::Bytes;
using test::tls::cat;
using test::tls::handshake;
using test::tls::record;

AppLayerEventSet tlsEvents(const Bytes& client, const Bytes& server) {
  TlsParser p;
  p.onData(Direction::ToServer, client.data(), client.size());
  p.onData(Direction::ToClient, server.data(), server.size());
  return p.events();
}

const Bytes kClientHello = record(22, handshake(1, test::tls::clientHello(0x0303, {0x1301}, {test::tls::sni("a.example")})));
const Bytes kServerHello = handshake(2, test::tls::serverHello(0x0303, 0xc02f, {}));

TEST(TlsEvents, HandshakeMessageOfNoKnownType) {
  const Bytes bogus = {0x84, 0xff, 0xff, 0xff, 'A', 'A'};
  const AppLayerEventSet events = tlsEvents(kClientHello, record(22, cat(kServerHello, bogus)));
  EXPECT_TRUE(raised(events, E::TlsInvalidHandshakeMessage));
  EXPECT_FALSE(raised(events, E::TlsInvalidSslRecord));
  EXPECT_TRUE(tlsEvents(kClientHello, record(22, kServerHello)).none());
}

// The two certificates of suricata-verify's bug-1450 captures: a DER header cut short
// inside the certificate, and a header whose length overruns it.
TEST(TlsEvents, BrokenCertificatesAsSuricataTellsThem) {
  const Bytes header_cut = {0x30, 0x05, 0x30, 0x84, 0xff, 0xff, 0xff, 0xfa, 0x04};
  const Bytes content_overrun = {0x30, 0x06, 0x30, 0x84, 0xff, 0xff, 0xff, 0xfa, 0x04};
  const Bytes top_overrun = {0x30, 0x82, 0x10, 0x00, 0x02, 0x01};
  auto eventsOf = [&](const Bytes& der) {
    return tlsEvents(kClientHello, record(22, cat(kServerHello, handshake(11, test::tls::certificateMessage({der})))));
  };
  AppLayerEventSet e = eventsOf(header_cut);
  EXPECT_TRUE(raised(e, E::TlsCertificateInvalidLength));
  EXPECT_FALSE(raised(e, E::TlsInvalidCertificate));
  e = eventsOf(content_overrun);
  EXPECT_TRUE(raised(e, E::TlsInvalidCertificate));
  EXPECT_FALSE(raised(e, E::TlsCertificateInvalidLength));
  EXPECT_TRUE(raised(eventsOf(top_overrun), E::TlsCertificateInvalidLength));
}

TEST(TlsEvents, HeartbeatsInTheClear) {
  // Heartbleed's request: a payload length far past the record.
  const Bytes bleed = record(24, {0x01, 0x40, 0x00});
  TlsParser p;
  p.onData(Direction::ToServer, kClientHello.data(), kClientHello.size());
  p.onData(Direction::ToServer, bleed.data(), bleed.size());
  EXPECT_TRUE(raised(p.events(), E::TlsHeartbeatMessage));
  EXPECT_TRUE(raised(p.events(), E::TlsOverflowHeartbeatMessage));

  Bytes fine = {0x01, 0x00, 0x02, 'h', 'i'};
  fine.insert(fine.end(), 16, 0x00);  // the padding RFC 6520 asks for
  TlsParser q;
  const Bytes both = cat(kClientHello, record(24, fine), record(24, Bytes{0x07, 0x00, 0x00}));
  q.onData(Direction::ToServer, both.data(), both.size());
  EXPECT_TRUE(raised(q.events(), E::TlsHeartbeatMessage));
  EXPECT_FALSE(raised(q.events(), E::TlsOverflowHeartbeatMessage));
  EXPECT_TRUE(raised(q.events(), E::TlsInvalidHeartbeatMessage));  // the second: type 7
}

TEST(TlsEvents, ServerNameExtensions) {
  using test::tls::Extension;
  const Extension twice = test::tls::sni("b.example");
  Bytes hello = record(22, handshake(1, test::tls::clientHello(0x0303, {0x1301}, {test::tls::sni("a.example"), twice})));
  AppLayerEventSet e = tlsEvents(hello, {});
  EXPECT_TRUE(raised(e, E::TlsMultipleSniExtensions));

  Extension typed = test::tls::sni("a.example");
  typed.body[2] = 7;  // name type: not host_name
  e = tlsEvents(record(22, handshake(1, test::tls::clientHello(0x0303, {0x1301}, {typed}))), {});
  EXPECT_TRUE(raised(e, E::TlsInvalidSniType));

  Extension overrun = test::tls::sni("a.example");
  overrun.body[4] = 0x40;  // the name's length past the extension
  e = tlsEvents(record(22, handshake(1, test::tls::clientHello(0x0303, {0x1301}, {overrun}))), {});
  EXPECT_TRUE(raised(e, E::TlsInvalidSniLength));
}

TEST(TlsEvents, BadRecordHeadersAfterValidOnes) {
  EXPECT_TRUE(raised(tlsEvents(cat(kClientHello, Bytes{0x99, 0x03, 0x03, 0x00, 0x01, 0x00}), {}), E::TlsInvalidRecordType));
  EXPECT_TRUE(raised(tlsEvents(cat(kClientHello, Bytes{0x16, 0x07, 0x01, 0x00, 0x01, 0x00}), {}), E::TlsInvalidRecordVersion));
  EXPECT_TRUE(raised(tlsEvents(cat(kClientHello, Bytes{0x16, 0x03, 0x03, 0xff, 0xff}), {}), E::TlsInvalidRecordLength));
  // Garbage first is another protocol, not a TLS anomaly.
  EXPECT_TRUE(tlsEvents(Bytes{0x99, 0x03, 0x03, 0x00, 0x01, 0x00}, {}).none());
}

TEST(TlsEvents, NewEventsAreTakenOnce) {
  TlsParser p;
  const Bytes data = cat(kClientHello, Bytes{0x99, 0x03, 0x03, 0x00, 0x01, 0x00});
  p.onData(Direction::ToServer, data.data(), data.size());
  EXPECT_TRUE(raised(p.takeNewEvents(), E::TlsInvalidRecordType));
  EXPECT_TRUE(p.takeNewEvents().none());
  EXPECT_TRUE(raised(p.events(), E::TlsInvalidRecordType));
}

// ---- AppParsers: DNS, SSH and protocol detection, on a hand-made flow ----

struct Captured {
  AppEvent event;
  Direction dir;
  AppLayerEventSet events, new_events;
};

class AppParsersEventsTest : public ::testing::Test, public AppEventListener {
 protected:
  void onAppEvent(Flow&, const AppRecord& r) override { seen.push_back({r.event, r.dir, r.events, r.new_events}); }

  void SetUp() override { parsers.addListener(this); }

  Flow& flow(uint8_t proto, uint16_t server_port) {
    f.flow_id = 1;
    f.key.proto = proto;
    IpAddress::parse("10.0.0.1", f.client_ip);
    IpAddress::parse("192.0.2.1", f.server_ip);
    f.client_port = 40000;
    f.server_port = server_port;
    return f;
  }
  void udp(Direction dir, const std::vector<uint8_t>& payload) {
    DecodedPacket pkt;
    pkt.proto = 17;
    pkt.payload = payload.data();
    pkt.payload_len = static_cast<uint32_t>(payload.size());
    parsers.onPacket(pkt, f, dir);
  }
  void stream(Direction dir, const std::string& data) {
    parsers.onStreamData(f, dir, reinterpret_cast<const uint8_t*>(data.data()), data.size(), 0);
  }
  AppLayerEventSet fresh() const {
    AppLayerEventSet all;
    for (const Captured& c : seen) all |= c.new_events;
    return all;
  }

  AppParsers parsers{{}, nullptr};
  Flow f;
  std::vector<Captured> seen;
};

// A DNS header: id 1, `flags`, one question for "a." when `question`.
std::vector<uint8_t> dnsMessage(uint16_t flags, bool question = true) {
  static constexpr uint8_t kQuestion[] = {1, 'a', 0, 0, 1, 0, 1};
  std::vector<uint8_t> m(12 + (question ? sizeof kQuestion : 0));
  m[1] = 1;
  m[2] = static_cast<uint8_t>(flags >> 8);
  m[3] = static_cast<uint8_t>(flags);
  if (question) {
    m[5] = 1;
    std::copy(std::begin(kQuestion), std::end(kQuestion), m.begin() + 12);
  }
  return m;
}

TEST_F(AppParsersEventsTest, DnsMessagesInTheWrongDirectionAndWithReservedBits) {
  flow(17, 53);
  udp(Direction::ToServer, dnsMessage(0x8180));  // a response sent to the server
  ASSERT_FALSE(seen.empty());
  EXPECT_TRUE(raised(seen.back().new_events, E::DnsNotRequest));
  udp(Direction::ToClient, dnsMessage(0x0140));  // a query coming back, Z set
  EXPECT_TRUE(raised(seen.back().new_events, E::DnsNotResponse));
  EXPECT_TRUE(raised(seen.back().new_events, E::DnsZFlagSet));
  udp(Direction::ToServer, dnsMessage(0x1800));  // opcode 3: unassigned
  EXPECT_TRUE(raised(seen.back().new_events, E::DnsInvalidOpcode));
  udp(Direction::ToServer, dnsMessage(0x0100));
  EXPECT_TRUE(seen.back().new_events.none());
  // Cut inside the header: no message to log, but the event is raised.
  const size_t before = seen.size();
  udp(Direction::ToServer, {0, 1, 1});
  ASSERT_EQ(seen.size(), before + 1);
  EXPECT_EQ(seen.back().event, AppEvent::ParserEvents);
  EXPECT_TRUE(raised(seen.back().new_events, E::DnsMalformedData));
  EXPECT_EQ(parsers.published().events[static_cast<size_t>(E::DnsMalformedData)], 0u);  // until published
  parsers.publish();
  EXPECT_EQ(parsers.published().events[static_cast<size_t>(E::DnsMalformedData)], 1u);
}

TEST_F(AppParsersEventsTest, SshBannerTooLong) {
  flow(6, 22);
  stream(Direction::ToServer, "SSH-2.0-" + std::string(400, 'x'));
  EXPECT_TRUE(raised(fresh(), E::SshLongBanner));
  EXPECT_FALSE(raised(fresh(), E::SshInvalidBanner));
}

TEST_F(AppParsersEventsTest, TlsHeardFirstFromTheServer) {
  flow(6, 443);
  const Bytes server = record(22, kServerHello);
  stream(Direction::ToClient, std::string(server.begin(), server.end()));
  EXPECT_TRUE(raised(fresh(), E::ApplayerWrongDirectionFirstData));
}

TEST_F(AppParsersEventsTest, DirectionsSpeakingDifferentProtocols) {
  flow(6, 80);
  stream(Direction::ToServer, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
  EXPECT_FALSE(raised(fresh(), E::ApplayerMismatchProtocolBothDirections));
  stream(Direction::ToClient, "SSH-2.0-OpenSSH_9.2\r\n");
  EXPECT_TRUE(raised(fresh(), E::ApplayerMismatchProtocolBothDirections));
  EXPECT_FALSE(raised(fresh(), E::ApplayerWrongDirectionFirstData));
}

TEST_F(AppParsersEventsTest, AnOrdinaryHttpExchangeRaisesNothing) {
  flow(6, 80);
  stream(Direction::ToServer, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
  stream(Direction::ToClient, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  parsers.onFlowEnd(f);
  EXPECT_TRUE(fresh().none());
  EXPECT_FALSE(seen.empty());
}

}  // namespace
}  // namespace mamori
