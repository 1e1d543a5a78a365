// A bus with BusSecurity speaks CURVE only: subscribers on its allowlist receive, any
// other key and any plain subscriber receive nothing and are counted. An open bus binds
// loopback only, and no subscriber can make the publisher take a huge message.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <thread>

#include "alerting/bus_publisher.h"
#include "alerting/bus_subscriber.h"
#include "tests/support/test_support.h"

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

std::string json(size_t seq) { return "{\"seq\":" + std::to_string(seq) + "}"; }

TEST(BusSecurity, OnlySubscribersOnTheAllowlistReceive) {
  const CurveKeyPair bus_keys = generateCurveKeyPair("sensor");
  const CurveKeyPair siem = generateCurveKeyPair("siem");
  const CurveKeyPair rogue = generateCurveKeyPair("rogue");
  BusPublisherOptions options;
  options.security = BusSecurity{bus_keys, {{"siem", siem.public_key}}};
  // A port chosen before binding: the subscribers are already knocking when the bus
  // comes up, as they would be for a sensor that restarts.
  const std::string endpoint = "tcp://127.0.0.1:" + std::to_string(test::freeTcpPort());

  BusSubscriber allowed(CurveClientKeys{bus_keys.public_key, siem});
  BusSubscriber intruder(CurveClientKeys{bus_keys.public_key, rogue});
  BusSubscriber plain;
  for (BusSubscriber* s : {&allowed, &intruder, &plain}) {
    s->subscribe("");
    s->connect(endpoint);
  }
  BusPublisher pub(endpoint, options);
  ASSERT_TRUE(pub.waitForSubscribers(1, 10s));
  // ZeroMQ may reconnect a refused subscriber, which is refused and counted again: each
  // refusal the bus counts is one the intruder's handshake saw fail.
  ASSERT_TRUE(eventually([&] { return pub.refused().key >= 1 && pub.refused().protocol >= 1; }))
      << pub.refused().key << " " << pub.refused().protocol;
  EXPECT_EQ(pub.subscribers(), 1u) << "a refused subscriber's subscription counted";

  constexpr size_t kCount = 100;
  for (size_t i = 0; i < kCount; ++i) pub.publish(EventKind::Alert, json(i));
  for (size_t i = 0; i < kCount; ++i) {
    auto msg = allowed.receive(5s);
    ASSERT_TRUE(msg) << i;
    EXPECT_EQ(msg->second, json(i));
  }
  EXPECT_FALSE(intruder.receive(200ms));
  EXPECT_FALSE(plain.receive(200ms));

  // Each CURVE subscriber knows how its handshake went; a plain one has nothing to tell.
  EXPECT_TRUE(eventually([&] { return intruder.handshakes().failed_auth == pub.refused().key; }))
      << intruder.handshakes().failed_auth << " failed handshakes, " << pub.refused().key << " refused";
  EXPECT_EQ(intruder.handshakes().succeeded, 0u);
  EXPECT_EQ(allowed.handshakes().succeeded, 1u);
  EXPECT_EQ(allowed.handshakes().failed_auth + allowed.handshakes().failed_protocol, 0u);
  EXPECT_EQ(plain.handshakes().succeeded + plain.handshakes().failed_protocol, 0u);
}

TEST(BusSecurity, SubscriberPinnedToAnotherServerKeyGetsNothingAndKnowsItsHandshakeFailed) {
  const CurveKeyPair bus_keys = generateCurveKeyPair("sensor");
  const CurveKeyPair impostor = generateCurveKeyPair("impostor");
  const CurveKeyPair siem = generateCurveKeyPair("siem");
  BusPublisherOptions options;
  options.security = BusSecurity{bus_keys, {{"siem", siem.public_key}}};
  BusPublisher pub("tcp://127.0.0.1:*", options);
  // The subscriber expects another server: it must not talk to this one, even though
  // this one would let it in.
  BusSubscriber sub(CurveClientKeys{impostor.public_key, siem});
  sub.subscribe("");
  sub.connect(pub.endpoint());
  ASSERT_TRUE(eventually([&] { return sub.handshakes().failed_protocol >= 1; }));
  EXPECT_FALSE(pub.waitForSubscribers(1, 200ms));
  EXPECT_GE(pub.refused().protocol, 1u);
}

TEST(BusSecurity, OpenBusRefusesToListenBeyondLoopback) {
  for (const char* ep : {"tcp://0.0.0.0:*", "tcp://*:*", "tcp://[::]:*"}) {
    try {
      BusPublisher pub(ep);
      ADD_FAILURE() << "an open bus bound " << ep;
    } catch (const std::runtime_error& e) {
      std::string why = e.what();
      EXPECT_NE(why.find(ep), std::string::npos) << why;
      EXPECT_NE(why.find("must authenticate its subscribers"), std::string::npos) << why;
    }
  }
  BusPublisher loopback("tcp://127.0.0.1:*");
  EXPECT_EQ(loopback.refused().key + loopback.refused().protocol, 0u);
}

TEST(BusSecurity, BusKeyPairMustHoldItsSecret) {
  CurveKeyPair public_only = generateCurveKeyPair("sensor");
  public_only.secret_key.clear();
  BusPublisherOptions options;
  options.security = BusSecurity{public_only, {}};
  EXPECT_THROW(BusPublisher("tcp://127.0.0.1:*", options), KeyError);
  EXPECT_THROW(BusSubscriber(CurveClientKeys{"not a key", generateCurveKeyPair("x")}), KeyError);
}

TEST(BusSecurity, SubscriberCannotMakeThePublisherTakeAHugeMessage) {
  BusPublisher pub("tcp://127.0.0.1:*");
  BusSubscriber greedy;
  greedy.subscribe(std::string(64 * 1024, 'a'));  // one 64 KiB subscription message
  greedy.connect(pub.endpoint());
  EXPECT_FALSE(pub.waitForSubscribers(1, 500ms)) << "an oversized subscription was taken";

  BusSubscriber normal;
  normal.subscribe("alert");
  normal.connect(pub.endpoint());
  ASSERT_TRUE(pub.waitForSubscribers(1, 10s));
  pub.publish(EventKind::Alert, json(1));
  auto msg = normal.receive(5s);
  ASSERT_TRUE(msg);
  EXPECT_EQ(msg->second, json(1));
}

}  // namespace
}  // namespace mamori
