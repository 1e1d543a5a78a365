// The central against real CURVE sockets, in one process: a raw sensor link speaking the
// protocol frame by frame (so the tests can resend, lie about names and send junk), and the
// sensor's own CentralUplink over its spool.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "alerting/eve_formatter.h"
#include "auth/curve_key.h"
#include "central/central_server.h"
#include "tests/support/test_support.h"
#include "uplink/central_uplink.h"
#include "uplink/link_protocol.h"

namespace mamori {
namespace {

using namespace std::chrono_literals;

size_t lines(const std::string& path) {
  std::ifstream in(path);
  size_t n = 0;
  for (std::string line; std::getline(in, line);) n += !line.empty();
  return n;
}

// An EVE stats record of `host` at packet time `ts`: valid EVE the central accepts from it.
std::string statsLine(const std::string& host, TimeUs ts, uint64_t n) {
  EveFormatter f(host);
  return f.formatStats(ts, 1, {{"test.n", n}});
}

struct Lab {
  CurveKeyPair central = generateCurveKeyPair("central");
  CurveKeyPair sensor = generateCurveKeyPair("sensor-a");
  CurveKeyPair other = generateCurveKeyPair("sensor-b");
  CurveKeyPair author = generateCurveKeyPair("alice");
  std::string dir = test::tempDir();
  CentralOptions options;
  std::unique_ptr<CentralServer> server;
  std::thread thread;

  Lab() {
    options.name = "central-1";
    options.listen = "tcp://127.0.0.1:*";
    options.bus = "";
    options.key = central;
    options.sensors = {{"sensor-a", sensor.public_key}, {"sensor-b", other.public_key}};
    options.authors = {{"alice", author.public_key}};
    options.store = dir + "/central.db";
    options.eve = dir + "/central-eve.json";
    options.stats_interval_s = 0;
    options.central_correlation_dir = std::string(MAMORI_SOURCE_DIR) + "/correlate/rules/central";
    options.sensor_correlation_dir = std::string(MAMORI_SOURCE_DIR) + "/correlate/rules";
  }
  ~Lab() { stop(); }
  void start() {
    server = std::make_unique<CentralServer>(options);
    thread = std::thread([this] { server->run(); });
  }
  void stop() {
    if (!server) return;
    server->stop();
    thread.join();
    server.reset();
  }
};

// A sensor link spoken by hand.
class RawLink {
 public:
  RawLink(const std::string& endpoint, const std::string& server_key, const CurveKeyPair& key)
      : socket_(context_, zmq::socket_type::dealer) {
    socket_.set(zmq::sockopt::curve_serverkey, server_key);
    socket_.set(zmq::sockopt::curve_publickey, key.public_key);
    socket_.set(zmq::sockopt::curve_secretkey, key.secret_key);
    socket_.set(zmq::sockopt::linger, 0);
    socket_.connect(endpoint);
  }
  void send(link::Frames frames) {
    for (size_t i = 0; i < frames.size(); ++i) {
      socket_.send(frames[i], i + 1 < frames.size() ? zmq::send_flags::sndmore : zmq::send_flags::none);
    }
  }
  void hello(const std::string& name, const std::string& stream) {
    link::Frames m;
    m.push_back(link::frame(link::cmd::kHello));
    m.push_back(link::JsonFrame().num("protocol", link::kProtocol).str("sensor", name).str("stream", stream)
                    .str("rules_version", "").num("last_seq", 1000).done());
    send(std::move(m));
  }
  void records(uint64_t first, const std::vector<std::pair<EventKind, std::string>>& records) {
    link::Frames m;
    m.push_back(link::frame(link::cmd::kRecords));
    m.push_back(link::recordsHeader(first, static_cast<uint32_t>(records.size())));
    std::vector<link::PackedRecord> packed;
    for (const auto& [kind, json] : records) packed.push_back({kind, json});
    m.push_back(link::packRecords(packed));
    send(std::move(m));
  }
  // The next message, or an empty one after `timeout`.
  link::Frames next(std::chrono::milliseconds timeout = 5000ms) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (auto m = link::receive(socket_)) return std::move(*m);
      std::this_thread::sleep_for(5ms);
    }
    return {};
  }
  // Skips PONGs and the like until `command`.
  link::Frames expect(std::string_view command, std::chrono::milliseconds timeout = 5000ms) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      link::Frames m = next(100ms);
      if (!m.empty() && link::view(m[0]) == command) return m;
    }
    return {};
  }

 private:
  zmq::context_t context_{1};
  zmq::socket_t socket_;
};

const std::string kStream = "0123456789abcdef0123456789abcdef";

TEST(CentralServer, StoresEachRecordOnceWhateverIsResent) {
  Lab lab;
  lab.start();
  RawLink link(lab.server->endpoint(), lab.central.public_key, lab.sensor);
  link.hello("sensor-a", kStream);
  link::Frames welcome = link.expect(link::cmd::kWelcome);
  ASSERT_FALSE(welcome.empty());
  EXPECT_EQ(link::jsonUint(*link::readJson(welcome[1]), "acked"), 0u);

  std::vector<std::pair<EventKind, std::string>> batch;
  for (uint64_t i = 1; i <= 10; ++i) batch.emplace_back(EventKind::Stats, statsLine("sensor-a", 1'700'000'000'000'000 + i, i));
  link.records(1, batch);
  link::Frames ack = link.expect(link::cmd::kAck);
  ASSERT_FALSE(ack.empty());
  EXPECT_EQ(link::readU64(ack[1]), 10u);
  // A resend overlapping what is stored: only 11..15 are new.
  std::vector<std::pair<EventKind, std::string>> again;
  for (uint64_t i = 6; i <= 15; ++i) again.emplace_back(EventKind::Stats, statsLine("sensor-a", 1'700'000'000'000'000 + i, i));
  link.records(6, again);
  ack = link.expect(link::cmd::kAck);
  ASSERT_FALSE(ack.empty());
  EXPECT_EQ(link::readU64(ack[1]), 15u);
  lab.stop();
  EXPECT_EQ(lines(lab.options.eve), 15u + 1) << "15 records and the central's final stats record";
  EXPECT_EQ(lab.options.eve.empty(), false);

  // Restarted, the central still knows where the stream is.
  lab.start();
  RawLink again_link(lab.server->endpoint(), lab.central.public_key, lab.sensor);
  again_link.hello("sensor-a", kStream);
  welcome = again_link.expect(link::cmd::kWelcome);
  ASSERT_FALSE(welcome.empty());
  EXPECT_EQ(link::jsonUint(*link::readJson(welcome[1]), "acked"), 15u);
  const CentralCounters c = lab.server->counters();
  EXPECT_EQ(c.records, 0u) << "counters are per run";
}

TEST(CentralServer, RefusesWrongNamesForeignRecordsAndLinksItDoesNotKnow) {
  Lab lab;
  lab.start();
  RawLink link(lab.server->endpoint(), lab.central.public_key, lab.sensor);
  // Records before HELLO: the central does not know the link.
  link.records(1, {{EventKind::Stats, statsLine("sensor-a", 1, 1)}});
  EXPECT_FALSE(link.expect(link::cmd::kWho).empty());
  // sensor-a's key introducing itself as sensor-b.
  link.hello("sensor-b", kStream);
  link::Frames refused = link.expect(link::cmd::kRefused);
  ASSERT_FALSE(refused.empty());
  EXPECT_NE(link::jsonString(*link::readJson(refused[1]), "reason").find("sensor-a"), std::string::npos);
  EXPECT_EQ(lab.server->counters().refused_links, 1u);

  link.hello("sensor-a", kStream);
  ASSERT_FALSE(link.expect(link::cmd::kWelcome).empty());
  // A record naming another host, one that is not EVE, one whose type is not what it claims.
  link.records(1, {{EventKind::Stats, statsLine("sensor-b", 1, 1)},
                   {EventKind::Stats, "not json"},
                   {EventKind::Alert, statsLine("sensor-a", 2, 2)},
                   {EventKind::Stats, statsLine("sensor-a", 3, 3)}});
  link::Frames ack = link.expect(link::cmd::kAck);
  ASSERT_FALSE(ack.empty());
  EXPECT_EQ(link::readU64(ack[1]), 4u) << "refused records are not asked for again";
  EXPECT_EQ(lab.server->counters().refused_records, 3u);
  EXPECT_EQ(lab.server->counters().records, 1u);
  // A header that lies about the count.
  link::Frames bad;
  bad.push_back(link::frame(link::cmd::kRecords));
  bad.push_back(link::recordsHeader(5, 3));
  const std::string one = statsLine("sensor-a", 4, 4);
  bad.push_back(link::packRecords({{EventKind::Stats, one}}));
  link.send(std::move(bad));
  EXPECT_FALSE(link.expect(link::cmd::kError).empty());
  // A message past the bounds (here too many frames) is read to its end and dropped.
  link::Frames flood;
  flood.push_back(link::frame(link::cmd::kRecords));
  flood.push_back(link::recordsHeader(5, 1));
  for (size_t i = 0; i < link::kMaxMessageFrames; ++i) flood.push_back(link::packRecords({{EventKind::Stats, one}}));
  const uint64_t before = lab.server->counters().refused_requests;
  link.send(std::move(flood));
  link::Frames ping;
  ping.push_back(link::frame(link::cmd::kPing));
  link.send(std::move(ping));
  link::Frames pong = link.expect(link::cmd::kPong);
  ASSERT_FALSE(pong.empty()) << "the link still works";
  EXPECT_EQ(link::readU64(pong[1]), 4u) << "nothing of the oversized message was stored";
  EXPECT_EQ(lab.server->counters().refused_requests, before + 1);
  // A sensor may not push.
  link::Frames push;
  push.push_back(link::frame(link::cmd::kPush));
  push.push_back(link::JsonFrame().str("comment", "x").done());
  link.send(std::move(push));
  EXPECT_FALSE(link.expect(link::cmd::kError).empty());
  lab.stop();
  EXPECT_EQ(lines(lab.options.eve), 2u) << "one record and the final stats";
}

TEST(CentralServer, AnUplinkDeliversEverythingThroughACentralRestart) {
  Lab lab;
  // A fixed port, so the uplink finds the restarted central where it was.
  lab.options.listen = "tcp://127.0.0.1:" + std::to_string(21000 + getpid() % 1000);
  lab.start();
  CentralUplinkOptions u;
  u.endpoint = lab.options.listen;
  u.server_key = lab.central.public_key;
  u.key = lab.sensor;
  u.sensor = "sensor-a";
  u.spool.dir = lab.dir + "/spool";
  u.silence = 1500ms;
  CentralUplink uplink(u, [](RuleSetPackage) {});
  uplink.start();
  auto publish = [&](uint64_t from, uint64_t to) {
    for (uint64_t i = from; i <= to; ++i) uplink.publish(EventKind::Stats, statsLine("sensor-a", 1'700'000'000'000'000 + i, i));
    uplink.flush();
  };
  publish(1, 1000);
  ASSERT_TRUE(uplink.drain(20s));
  // Records in flight when the central goes away, more while it is away, more after.
  publish(1001, 2000);
  lab.stop();
  publish(2001, 2500);
  std::this_thread::sleep_for(300ms);
  lab.start();
  publish(2501, 3000);
  uplink.publish(EventKind::Flow, "{\"not\":\"selected: never sent\"}");
  uplink.flush();
  ASSERT_TRUE(uplink.drain(20s)) << "acknowledged up to " << uplink.counters().acknowledged;
  const CentralUplinkCounters c = uplink.counters();
  EXPECT_EQ(c.acknowledged, 3000u);
  EXPECT_EQ(c.dropped, 0u);
  EXPECT_GE(c.connects, 2u);
  uplink.stop();
  lab.stop();
  // 3000 records, and a final stats record of each of the central's two runs.
  EXPECT_EQ(lines(lab.options.eve), 3002u);
}

}  // namespace
}  // namespace mamori
