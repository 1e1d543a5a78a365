#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "alerting/bus_publisher.h"
#include "alerting/bus_subscriber.h"
#include "tests/support/test_support.h"

namespace mamori {
namespace {

using namespace std::chrono_literals;
using test::freeTcpPort;

constexpr EventKind kKinds[] = {EventKind::Alert, EventKind::Flow, EventKind::Incident,
                                EventKind::Stats};

std::string json(size_t seq) { return "{\"seq\":" + std::to_string(seq) + "}"; }

// The same tests over TCP and IPC.
class BusTransport : public testing::TestWithParam<std::string> {
 protected:
  std::string endpoint() {
    if (GetParam() == "tcp") return "tcp://127.0.0.1:" + std::to_string(freeTcpPort());
    // Its own short directory: a socket path must fit the 108 bytes of sun_path, which
    // test::tempDir()'s test-named folders do not.
    char dir[] = "/tmp/mamori-bus-XXXXXX";
    EXPECT_NE(::mkdtemp(dir), nullptr);
    ipc_dir_ = dir;
    return "ipc://" + ipc_dir_ + "/bus.ipc";
  }
  void TearDown() override {
    if (!ipc_dir_.empty()) std::filesystem::remove_all(ipc_dir_);
  }

 private:
  std::string ipc_dir_;
};

TEST_P(BusTransport, SubscriberConnectedFirstReceivesEveryMessageInOrder) {
  constexpr size_t kCount = 10000;
  std::string ep = endpoint();
  BusSubscriber sub;
  sub.subscribe("");
  sub.connect(ep);

  BusPublisher pub(ep);
  ASSERT_TRUE(pub.waitForSubscribers(1, 10s));
  EXPECT_EQ(pub.subscribers(), 1u);

  std::vector<std::pair<std::string, std::string>> got;
  std::thread reader([&] {
    while (got.size() < kCount) {
      auto msg = sub.receive(10s);
      if (!msg) break;
      got.push_back(std::move(*msg));
    }
  });
  for (size_t i = 0; i < kCount; ++i) pub.publish(kKinds[i % 4], json(i));
  reader.join();

  EXPECT_EQ(pub.sent(), kCount);
  EXPECT_TRUE(sub.checkingGaps());  // the first marker came before the first record
  EXPECT_EQ(sub.missed(), 0u);
  ASSERT_EQ(got.size(), kCount);
  for (size_t i = 0; i < kCount; ++i) {
    ASSERT_EQ(got[i].first, eventKindName(kKinds[i % 4])) << i;
    ASSERT_EQ(got[i].second, json(i)) << i;
  }
}

TEST_P(BusTransport, FinalMessagesAreDeliveredBeforeThePublisherIsGone) {
  // 20 MB: more than the kernel's socket buffers hold, so without the linger about half
  // of it is still queued in the publisher when it closes (and lost).
  constexpr size_t kCount = 2000;
  const std::string pad(10000, 'x');
  auto body = [&](size_t i) { return json(i) + pad; };
  std::string ep = endpoint();
  BusSubscriber sub;
  sub.subscribe("");
  sub.connect(ep);
  {
    BusPublisher pub(ep);
    ASSERT_TRUE(pub.waitForSubscribers(1, 10s));
    for (size_t i = 0; i < kCount; ++i) pub.publish(EventKind::Flow, body(i));
  }
  for (size_t i = 0; i < kCount; ++i) {
    auto msg = sub.receive(5s);
    ASSERT_TRUE(msg) << "message " << i << " lost at shutdown";
    ASSERT_EQ(msg->second, body(i));
  }
}

INSTANTIATE_TEST_SUITE_P(Transports, BusTransport, testing::Values("tcp", "ipc"),
                         [](const auto& info) { return info.param; });

TEST(Bus, TopicPrefixesFilterMessages) {
  BusPublisher pub("tcp://127.0.0.1:*");
  BusSubscriber sub;
  sub.connect(pub.endpoint());
  sub.subscribe("alert");
  sub.subscribe("inc");
  ASSERT_TRUE(pub.waitForSubscribers(2, 10s));

  for (size_t i = 0; i < 400; ++i) pub.publish(kKinds[i % 4], json(i));
  for (size_t i = 0; i < 400; ++i) {
    EventKind kind = kKinds[i % 4];
    if (kind != EventKind::Alert && kind != EventKind::Incident) continue;
    auto msg = sub.receive(5s);
    ASSERT_TRUE(msg);
    EXPECT_EQ(msg->first, eventKindName(kind));
    EXPECT_EQ(msg->second, json(i));
  }
  EXPECT_FALSE(sub.receive(200ms)) << "flow or stats leaked through the filter";
}

TEST(Bus, EndpointReportsThePortChosenForStar) {
  BusPublisher pub("tcp://127.0.0.1:*");
  EXPECT_EQ(pub.endpoint().rfind("tcp://127.0.0.1:", 0), 0u) << pub.endpoint();
  EXPECT_NE(pub.endpoint().back(), '*');
}

TEST(Bus, SubscriptionCountFollowsConnectsAndDisconnects) {
  BusPublisher pub("tcp://127.0.0.1:*");
  EXPECT_EQ(pub.subscribers(), 0u);
  EXPECT_FALSE(pub.waitForSubscribers(1, 100ms));
  {
    BusSubscriber a, b;
    a.subscribe("");
    b.subscribe("");
    a.connect(pub.endpoint());
    b.connect(pub.endpoint());
    ASSERT_TRUE(pub.waitForSubscribers(2, 10s));
    EXPECT_EQ(pub.subscribers(), 2u);
  }
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (pub.subscribers() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(pub.subscribers(), 0u);
}

TEST(Bus, NeverReadingSubscriberDoesNotBlockThePublisher) {
  constexpr size_t kCount = 200000;
  const std::string payload = "{\"pad\":\"" + std::string(200, 'x') + "\"}";
  BusSubscriber stuck;
  stuck.subscribe("");
  auto pub = std::make_unique<BusPublisher>("tcp://127.0.0.1:*");
  stuck.connect(pub->endpoint());
  ASSERT_TRUE(pub->waitForSubscribers(1, 10s));

  // Run on another thread so that a publisher that blocks fails the test, not hangs it.
  auto done = std::async(std::launch::async, [&] {
    for (size_t i = 0; i < kCount; ++i) pub->publish(kKinds[i % 4], payload);
  });
  ASSERT_EQ(done.wait_for(60s), std::future_status::ready) << "publisher blocked";
  EXPECT_EQ(pub->sent(), kCount);

  // Shutdown waits out the linger for the stuck subscriber, and no longer.
  auto before = std::chrono::steady_clock::now();
  auto destroyed = std::async(std::launch::async, [&] { pub.reset(); });
  ASSERT_EQ(destroyed.wait_for(30s), std::future_status::ready) << "shutdown hung";
  EXPECT_LT(std::chrono::steady_clock::now() - before, 20s);
}

TEST(Bus, BindFailureNamesTheEndpoint) {
  for (std::string bad : {"bogus://nowhere", "tcp://256.0.0.1:5555", "tcp://127.0.0.1:notaport"}) {
    try {
      BusPublisher pub(bad);
      ADD_FAILURE() << "expected an exception for " << bad;
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
    }
  }
  BusPublisher first("tcp://127.0.0.1:*");
  EXPECT_THROW(BusPublisher second(first.endpoint()), std::runtime_error);
}

TEST(Bus, ConnectFailureNamesTheEndpoint) {
  BusSubscriber sub;
  try {
    sub.connect("bogus://nowhere");
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("bogus://nowhere"), std::string::npos) << e.what();
  }
}

TEST(Bus, ReceiveTimesOutWhenNothingArrives) {
  BusPublisher pub("tcp://127.0.0.1:*");
  BusSubscriber sub;
  sub.subscribe("");
  sub.connect(pub.endpoint());
  EXPECT_FALSE(sub.receive(50ms));
  EXPECT_FALSE(sub.receive(0ms));
}

}  // namespace
}  // namespace mamori
