// CURVE servers with the ZAP handler and the handshake monitor, over real TCP sockets on
// loopback: an allowed key gets in and its messages say who sent them; any other key, and
// any peer that does not speak CURVE, gets nothing through and is counted.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <optional>
#include <thread>

#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "auth/curve_key.h"
#include "auth/curve_socket.h"
#include "auth/handshake_monitor.h"
#include "auth/zap_authenticator.h"

namespace mamori {
namespace {

using namespace std::chrono_literals;

bool eventually(const std::function<bool()>& done, std::chrono::milliseconds timeout = 10s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

// A ROUTER that answers only CURVE, on a port the system picks.
struct CurveServer {
  CurveServer(zmq::context_t& context, const CurveKeyPair& keys, const std::string& domain)
      : socket(context, zmq::socket_type::router) {
    socket.set(zmq::sockopt::linger, 0);
    makeCurveServer(socket, keys, domain);
    socket.bind("tcp://127.0.0.1:*");
    endpoint = socket.get(zmq::sockopt::last_endpoint);
  }

  // The next message's payload (the frame after the routing id), with its routing id.
  std::optional<std::pair<zmq::message_t, zmq::message_t>> receive(std::chrono::milliseconds timeout) {
    zmq::pollitem_t item{socket.handle(), 0, ZMQ_POLLIN, 0};
    if (zmq::poll(&item, 1, timeout) == 0) return std::nullopt;
    std::vector<zmq::message_t> parts;
    if (!zmq::recv_multipart(socket, std::back_inserter(parts)) || parts.size() != 2) return std::nullopt;
    return std::make_pair(std::move(parts[0]), std::move(parts[1]));
  }

  zmq::socket_t socket;
  std::string endpoint;
};

// A DEALER in a context of its own, as a peer process would have.
struct Client {
  explicit Client(const std::string& endpoint, const std::optional<CurveClientKeys>& keys = std::nullopt)
      : socket(context, zmq::socket_type::dealer) {
    socket.set(zmq::sockopt::linger, 0);
    if (keys) makeCurveClient(socket, *keys);
    socket.connect(endpoint);
  }
  void send(const std::string& text) { socket.send(zmq::buffer(text), zmq::send_flags::dontwait); }
  std::optional<std::string> receive(std::chrono::milliseconds timeout) {
    zmq::pollitem_t item{socket.handle(), 0, ZMQ_POLLIN, 0};
    if (zmq::poll(&item, 1, timeout) == 0) return std::nullopt;
    zmq::message_t msg;
    if (!socket.recv(msg)) return std::nullopt;
    return msg.to_string();
  }

  zmq::context_t context{1};
  zmq::socket_t socket;
};

class ZapAuthenticatorTest : public testing::Test {
 protected:
  CurveClientKeys clientKeys(const CurveKeyPair& own) const { return CurveClientKeys{server_keys.public_key, own}; }

  zmq::context_t context{1};
  ZapAuthenticator zap{context};
  CurveKeyPair server_keys = generateCurveKeyPair("central");
  CurveKeyPair tokyo = generateCurveKeyPair("tokyo-1");
  CurveKeyPair rogue = generateCurveKeyPair("rogue");
};

TEST_F(ZapAuthenticatorTest, AllowedKeyExchangesMessagesAndItsMessagesCarryItsUserId) {
  zap.allow("ingest", {{"sensor:tokyo-1", tokyo.public_key}});
  CurveServer server(context, server_keys, "ingest");
  HandshakeMonitor monitor(context, server.socket, "ingest");
  Client client(server.endpoint, clientKeys(tokyo));

  client.send("hello");
  auto got = server.receive(10s);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->second.to_string(), "hello");
  EXPECT_STREQ(got->second.gets("User-Id"), "sensor:tokyo-1");
  server.socket.send(got->first, zmq::send_flags::sndmore);
  server.socket.send(zmq::str_buffer("welcome"));
  EXPECT_EQ(client.receive(10s), "welcome");

  EXPECT_EQ(zap.counters("ingest").accepted, 1u);
  EXPECT_EQ(zap.counters("ingest").refused, 0u);
  EXPECT_TRUE(eventually([&] { return monitor.counters().succeeded == 1; }));
  EXPECT_EQ(monitor.counters().failed_auth, 0u);
  EXPECT_EQ(monitor.counters().failed_protocol, 0u);
}

TEST_F(ZapAuthenticatorTest, KeyNotOnTheListGetsNothingThroughAndIsCountedAndLoggedByFingerprint) {
  zap.allow("ingest", {{"sensor:tokyo-1", tokyo.public_key}});
  CurveServer server(context, server_keys, "ingest");
  HandshakeMonitor monitor(context, server.socket, "ingest");

  testing::internal::CaptureStderr();
  Client intruder(server.endpoint, clientKeys(rogue));
  intruder.send("let me in");
  bool refused = eventually([&] { return zap.counters("ingest").refused == 1; });
  std::string log = testing::internal::GetCapturedStderr();
  ASSERT_TRUE(refused);
  EXPECT_FALSE(server.receive(300ms)) << "a refused peer's message came through";
  EXPECT_FALSE(intruder.receive(0ms));
  EXPECT_EQ(zap.counters("ingest").accepted, 0u);
  EXPECT_TRUE(eventually([&] { return monitor.counters().failed_auth == 1; }));
  EXPECT_EQ(monitor.counters().succeeded, 0u);

  EXPECT_NE(log.find("mamori: refused ingest connection from 127.0.0.1: key " + keyFingerprint(rogue.public_key) +
                     " is not on the allowlist\n"),
            std::string::npos)
      << log;
  EXPECT_EQ(log.find(rogue.public_key), std::string::npos) << "a key was logged";
  EXPECT_EQ(log.find(rogue.secret_key), std::string::npos) << "a key was logged";
}

TEST_F(ZapAuthenticatorTest, PlainClientGetsNothingThroughAndCountsAsAProtocolFailure) {
  zap.allow("ingest", {{"sensor:tokyo-1", tokyo.public_key}});
  CurveServer server(context, server_keys, "ingest");
  HandshakeMonitor monitor(context, server.socket, "central ingest");

  testing::internal::CaptureStderr();
  Client plain(server.endpoint);
  plain.send("hello");
  bool counted = eventually([&] { return monitor.counters().failed_protocol >= 1; });
  std::string log = testing::internal::GetCapturedStderr();
  ASSERT_TRUE(counted);
  EXPECT_FALSE(server.receive(300ms));
  EXPECT_NE(log.find("mamori: central ingest: refused a connection that does not speak CURVE ("), std::string::npos)
      << log;
  // ZAP never hears of it: the handshake failed before any key was shown.
  EXPECT_EQ(zap.counters("ingest").refused, 0u);
  EXPECT_EQ(monitor.counters().failed_auth, 0u);
}

TEST_F(ZapAuthenticatorTest, ClientWithAnotherServerKeyIsRefused) {
  zap.allow("ingest", {{"sensor:tokyo-1", tokyo.public_key}});
  CurveServer server(context, server_keys, "ingest");
  HandshakeMonitor monitor(context, server.socket, "ingest");
  // An allowed key, but pinned to another server: the handshake cannot decrypt.
  Client confused(server.endpoint, CurveClientKeys{rogue.public_key, tokyo});
  confused.send("hello");
  EXPECT_TRUE(eventually([&] { return monitor.counters().failed_protocol >= 1; }));
  EXPECT_FALSE(server.receive(300ms));
  EXPECT_EQ(zap.counters("ingest").accepted, 0u);
}

TEST_F(ZapAuthenticatorTest, AllowlistsArePerDomain) {
  CurveKeyPair author = generateCurveKeyPair("author");
  zap.allow("sensors", {{"sensor:tokyo-1", tokyo.public_key}});
  zap.allow("authors", {{"author:kei", author.public_key}});
  CurveServer sensors(context, server_keys, "sensors");
  CurveServer authors(context, server_keys, "authors");

  Client tokyo_to_sensors(sensors.endpoint, clientKeys(tokyo));
  Client author_to_authors(authors.endpoint, clientKeys(author));
  Client tokyo_to_authors(authors.endpoint, clientKeys(tokyo));
  Client author_to_sensors(sensors.endpoint, clientKeys(author));
  for (Client* c : {&tokyo_to_sensors, &author_to_authors, &tokyo_to_authors, &author_to_sensors}) c->send("m");

  auto s = sensors.receive(10s);
  ASSERT_TRUE(s);
  EXPECT_STREQ(s->second.gets("User-Id"), "sensor:tokyo-1");
  auto a = authors.receive(10s);
  ASSERT_TRUE(a);
  EXPECT_STREQ(a->second.gets("User-Id"), "author:kei");
  ASSERT_TRUE(eventually([&] { return zap.counters("sensors").refused == 1 && zap.counters("authors").refused == 1; }));
  EXPECT_FALSE(sensors.receive(200ms));
  EXPECT_FALSE(authors.receive(200ms));
  EXPECT_EQ(zap.counters("sensors").accepted, 1u);
  EXPECT_EQ(zap.counters("authors").accepted, 1u);
}

TEST_F(ZapAuthenticatorTest, ReplacingAListTakesEffectForTheNextHandshake) {
  CurveKeyPair osaka = generateCurveKeyPair("osaka");
  zap.allow("ingest", {{"sensor:tokyo-1", tokyo.public_key}});
  CurveServer server(context, server_keys, "ingest");
  {
    Client c(server.endpoint, clientKeys(tokyo));
    c.send("before");
    ASSERT_TRUE(server.receive(10s));
  }
  zap.allow("ingest", {{"sensor:osaka", osaka.public_key}});
  Client old_key(server.endpoint, clientKeys(tokyo));
  old_key.send("after");
  ASSERT_TRUE(eventually([&] { return zap.counters("ingest").refused == 1; }));
  EXPECT_FALSE(server.receive(200ms));
  Client new_key(server.endpoint, clientKeys(osaka));
  new_key.send("after");
  auto got = server.receive(10s);
  ASSERT_TRUE(got);
  EXPECT_STREQ(got->second.gets("User-Id"), "sensor:osaka");

  // An empty list refuses everyone.
  zap.allow("ingest", {});
  Client nobody(server.endpoint, clientKeys(osaka));
  nobody.send("m");
  ASSERT_TRUE(eventually([&] { return zap.counters("ingest").refused == 2; }));
  EXPECT_FALSE(server.receive(200ms));
}

TEST_F(ZapAuthenticatorTest, DomainWithoutAListRefusesEveryone) {
  zap.allow("ingest", {{"sensor:tokyo-1", tokyo.public_key}});
  CurveServer server(context, server_keys, "unlisted");
  Client c(server.endpoint, clientKeys(tokyo));
  c.send("m");
  ASSERT_TRUE(eventually([&] { return zap.counters("unlisted").refused == 1; }));
  EXPECT_FALSE(server.receive(200ms));
}

TEST_F(ZapAuthenticatorTest, AllowRefusesNonKeysAndAKeyUnderTwoNames) {
  zap.allow("ingest", {{"sensor:tokyo-1", tokyo.public_key}});
  EXPECT_THROW(zap.allow("ingest", {{"x", "not a key"}}), KeyError);
  try {
    zap.allow("ingest", {{"sensor:tokyo-1", tokyo.public_key}, {"sensor:osaka", tokyo.public_key}});
    FAIL() << "a key under two names was taken";
  } catch (const KeyError& e) {
    std::string why = e.what();
    EXPECT_NE(why.find(keyFingerprint(tokyo.public_key)), std::string::npos) << why;
    EXPECT_EQ(why.find(tokyo.public_key), std::string::npos) << why;
  }
  // The same key twice under one name is harmless; the list in force did not change.
  zap.allow("ingest", {{"sensor:tokyo-1", tokyo.public_key}, {"sensor:tokyo-1", tokyo.public_key}});
  CurveServer server(context, server_keys, "ingest");
  Client c(server.endpoint, clientKeys(tokyo));
  c.send("m");
  EXPECT_TRUE(server.receive(10s));
}

TEST_F(ZapAuthenticatorTest, OneHandlerPerContext) {
  EXPECT_THROW(ZapAuthenticator second(context), std::runtime_error);
}

TEST(ZapAuthenticator, StartsAndStopsPromptly) {
  auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) {
    zmq::context_t context(1);
    ZapAuthenticator zap(context);
    zmq::socket_t server(context, zmq::socket_type::router);
    HandshakeMonitor monitor(context, server, "x");
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

// A TCP connection that sends `junk` and closes: a port scanner, a browser, a stray client.
void sendJunk(const std::string& endpoint, const std::string& junk) {
  int port = std::stoi(endpoint.substr(endpoint.rfind(':') + 1));
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::write(fd, junk.data(), junk.size()), static_cast<ssize_t>(junk.size()));
  // Wait for the server to hang up, so the next connection is a new failure.
  char buf[256];
  while (::read(fd, buf, sizeof buf) > 0) {
  }
  ::close(fd);
}

TEST_F(ZapAuthenticatorTest, AFloodOfJunkIsCountedWholeButLoggedAtMostOnceASecond) {
  CurveServer server(context, server_keys, "ingest");
  HandshakeMonitor monitor(context, server.socket, "ingest");
  // A ZMTP greeting (signature, version 3.0) offering NULL: a protocol failure each time.
  std::string greeting("\xff\0\0\0\0\0\0\0\x01\x7f\x03\x00NULL", 16);
  greeting.resize(64, '\0');
  constexpr int kFlood = 40;

  testing::internal::CaptureStderr();
  auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < kFlood; ++i) sendJunk(server.endpoint, greeting);
  bool counted = eventually([&] { return monitor.counters().failed_protocol >= uint64_t(kFlood); });
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started).count();
  // After a quiet second the next one is logged, saying how many were not.
  std::this_thread::sleep_for(1100ms);
  sendJunk(server.endpoint, greeting);
  bool last_counted = eventually([&] { return monitor.counters().failed_protocol >= uint64_t(kFlood + 1); });
  std::string log = testing::internal::GetCapturedStderr();
  ASSERT_TRUE(counted && last_counted) << monitor.counters().failed_protocol;
  EXPECT_EQ(monitor.counters().failed_protocol, uint64_t(kFlood + 1));

  size_t lines = std::count(log.begin(), log.end(), '\n');
  // One a second per kind of failure (two kinds), over the flood and the last one.
  EXPECT_LE(lines, size_t(2 * (seconds + 2))) << log;
  EXPECT_GE(lines, 2u) << log;
  EXPECT_NE(log.find("more like it not shown)"), std::string::npos) << log;
}

}  // namespace
}  // namespace mamori
