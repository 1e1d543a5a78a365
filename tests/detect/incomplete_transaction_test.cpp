// Transactions that never complete are inspected, each buffer at the progress Suricata
// inspects it at: the worker's app-layer parsers and detection driven with a flow's
// segments, as the worker drives them (parsers, then detection, hear each packet; the
// parsers' records reach detection as the stream data is parsed).
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "applayer/app_parsers.h"
#include "detect/detect_observer.h"
#include "tests/applayer/tls_builder.h"
#include "tests/detect/rule_set_builder.h"

namespace mamori {
namespace {

using Sids = std::vector<uint32_t>;

struct Sink : AlertSink {
  Sids sids;
  void onAlert(const Alert& a) override { sids.push_back(a.sid); }
};

class IncompleteTransactionTest : public ::testing::Test {
 protected:
  void load(const std::string& rules, uint16_t server_port, IpProto proto = IpProto::Tcp) {
    slot_ = std::make_unique<RuleSetSlot>(test::buildRuleSet(rules));
    observer_ = std::make_unique<DetectObserver>(*slot_, sink_);
    parsers_ = std::make_unique<AppParsers>(AppParsers::Config{}, nullptr);
    parsers_->addListener(observer_.get());
    IpAddress::parse("10.0.0.1", flow_.client_ip);
    IpAddress::parse("10.0.0.2", flow_.server_ip);
    flow_.client_port = 40000;
    flow_.server_port = server_port;
    flow_.key.proto = static_cast<uint8_t>(proto);
    flow_.flow_id = 7;
    flow_.tcp_state = TcpState::Established;
    flow_.tcp_flags[0] = flow_.tcp_flags[1] = tcpflag::Syn | tcpflag::Ack;
  }

  // One packet of `dir` carrying `data` (on TCP, the next bytes of its stream): the
  // alerts it raised, sorted.
  Sids send(Direction dir, const std::string& data) {
    sink_.sids.clear();
    const bool to_server = dir == Direction::ToServer;
    const int d = static_cast<int>(dir);
    DecodedPacket pkt;
    pkt.ip_version = 4;
    pkt.proto = flow_.key.proto;
    pkt.src = to_server ? flow_.client_ip : flow_.server_ip;
    pkt.dst = to_server ? flow_.server_ip : flow_.client_ip;
    pkt.sport = to_server ? flow_.client_port : flow_.server_port;
    pkt.dport = to_server ? flow_.server_port : flow_.client_port;
    pkt.tcp_flags = tcpflag::Ack | tcpflag::Psh;
    pkt.payload = reinterpret_cast<const uint8_t*>(data.data());
    pkt.payload_len = static_cast<uint32_t>(data.size());
    ++flow_.pkts[d];
    flow_.bytes[d] += data.size();
    parsers_->onPacket(pkt, flow_, dir);
    observer_->onPacket(pkt, flow_, dir);
    if (pkt.proto == static_cast<uint8_t>(IpProto::Tcp)) {
      const uint64_t offset = flow_.stream[d].next_offset;
      parsers_->onStreamData(flow_, dir, pkt.payload, pkt.payload_len, offset);
      observer_->onStreamData(flow_, dir, pkt.payload, pkt.payload_len, offset);
      flow_.stream[d].next_offset = offset + data.size();
    }
    std::sort(sink_.sids.begin(), sink_.sids.end());
    return sink_.sids;
  }

  // The flow ends (timeout, or the capture's end) with its transactions open.
  Sids end() {
    sink_.sids.clear();
    parsers_->onFlowEnd(flow_);
    observer_->onFlowEnd(flow_);
    std::sort(sink_.sids.begin(), sink_.sids.end());
    return sink_.sids;
  }

  std::unique_ptr<RuleSetSlot> slot_;
  std::unique_ptr<DetectObserver> observer_;
  std::unique_ptr<AppParsers> parsers_;
  Sink sink_;
  Flow flow_;
};

// A request whose body never ends: its line and headers are inspected as they come, as
// Suricata inspects them at HTP_REQUEST_LINE / HTP_REQUEST_HEADERS; its body with what
// came of it when the flow ends.
TEST_F(IncompleteTransactionTest, HttpRequestWhoseBodyNeverEnds) {
  load("alert tcp any any -> any any (http.uri; content:\"/upload\"; sid:1;)\n"
       "alert tcp any any -> any any (http.user_agent; content:\"evil-agent\"; sid:2;)\n"
       "alert tcp any any -> any any (http.request_body; content:\"secret\"; sid:3;)\n"
       "alert tcp any any -> any any (http.stat_code; content:\"200\"; sid:4;)\n",
       80);
  EXPECT_EQ(send(Direction::ToServer,
                 "POST /upload HTTP/1.1\r\nHost: a\r\nUser-Agent: evil-agent\r\nContent-Length: 100000\r\n\r\nthe "),
            (Sids{1, 2}));
  EXPECT_EQ(send(Direction::ToServer, "secret part"), Sids{});
  EXPECT_EQ(end(), Sids{3});
}

// A response cut mid-body: its status line and headers are inspected as they come.
TEST_F(IncompleteTransactionTest, HttpResponseCutMidBody) {
  load("alert tcp any any -> any any (http.stat_code; content:\"200\"; sid:1;)\n"
       "alert tcp any any -> any any (http.uri; content:\"/dl\"; http.stat_code; content:\"200\"; sid:2;)\n"
       "alert tcp any any -> any any (http.response_body; content:\"MZ\"; sid:3;)\n",
       80);
  EXPECT_EQ(send(Direction::ToServer, "GET /dl HTTP/1.1\r\nHost: a\r\n\r\n"), Sids{});
  EXPECT_EQ(send(Direction::ToClient, "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\nMZ"), (Sids{1, 2}));
  EXPECT_EQ(end(), Sids{3});
}

// An event on an HTTP transaction is seen from each of its sides, as Suricata inspects the
// transaction in each direction: a rule naming no direction alerts once on each.
TEST_F(IncompleteTransactionTest, HttpEventRuleWithoutDirectionAlertsOnEachSide) {
  load("alert tcp any any -> any any (app-layer-event:http.missing_host_header; sid:1;)\n"
       "alert tcp any any -> any any (flow:to_server; app-layer-event:http.missing_host_header; sid:2;)\n"
       "alert tcp any any -> any any (flow:to_client; app-layer-event:http.missing_host_header; sid:3;)\n",
       80);
  EXPECT_EQ(send(Direction::ToServer, "GET / HTTP/1.1\r\nUser-Agent: x\r\n\r\n"), (Sids{1, 1, 2, 3}));
  EXPECT_EQ(send(Direction::ToClient, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), Sids{});
  EXPECT_EQ(end(), Sids{});
}

// A mail cut mid-DATA: its envelope is inspected at DATA, its message headers when the
// flow ends.
TEST_F(IncompleteTransactionTest, SmtpMailCutMidData) {
  load("alert smtp any any -> any any (smtp.mail_from; content:\"evil@\"; sid:1;)\n"
       "alert smtp any any -> any any (email.subject; content:\"invoice\"; sid:2;)\n",
       25);
  send(Direction::ToClient, "220 mx ESMTP\r\n");
  send(Direction::ToServer, "EHLO a\r\n");
  send(Direction::ToClient, "250 mx\r\n");
  EXPECT_EQ(send(Direction::ToServer, "MAIL FROM:<evil@x.example>\r\n"), Sids{});
  send(Direction::ToClient, "250 ok\r\n");
  send(Direction::ToServer, "RCPT TO:<b@y.example>\r\n");
  send(Direction::ToClient, "250 ok\r\n");
  EXPECT_EQ(send(Direction::ToServer, "DATA\r\n"), Sids{1});
  send(Direction::ToClient, "354 go ahead\r\n");
  EXPECT_EQ(send(Direction::ToServer, "Subject: invoice 42\r\nFrom: a@x.example\r\n\r\nthe body, cut"), Sids{});
  EXPECT_EQ(end(), Sids{2});
}

// A DNS query no answer follows is inspected as it comes (no identifier here: a udp rule).
TEST_F(IncompleteTransactionTest, DnsQueryWithoutAnswer) {
  load("alert udp any any -> any any (dns.query; content:\"evil.example\"; sid:1;)\n", 53, IpProto::Udp);
  std::string query("\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00", 12);
  query += std::string("\x04" "evil\x07" "example\x00", 14);
  query += std::string("\x00\x01\x00\x01", 4);
  EXPECT_EQ(send(Direction::ToServer, query), Sids{1});
  EXPECT_EQ(end(), Sids{});
}

// A ClientHello no ServerHello answers is inspected as it comes (a tcp rule, as above).
TEST_F(IncompleteTransactionTest, TlsClientHelloWithoutServerHello) {
  load("alert tcp any any -> any any (tls.sni; content:\"evil.example\"; sid:1;)\n", 443);
  namespace tls = test::tls;
  const tls::Bytes hello =
      tls::record(22, tls::handshake(1, tls::clientHello(0x0303, {0x1301}, {tls::sni("evil.example")})));
  EXPECT_EQ(send(Direction::ToServer, std::string(hello.begin(), hello.end())), Sids{1});
  EXPECT_EQ(end(), Sids{});
}

}  // namespace
}  // namespace mamori
