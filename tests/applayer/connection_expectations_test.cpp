#include "applayer/connection_expectations.h"

#include <gtest/gtest.h>

namespace mamori {
namespace {

IpAddress v4(uint8_t last) {
  const uint8_t a[4] = {10, 0, 0, last};
  return IpAddress::v4(a);
}

Flow flowOf(IpAddress client, IpAddress server, uint16_t server_port) {
  Flow f;
  f.client_ip = client;
  f.server_ip = server;
  f.client_port = 40000;
  f.server_port = server_port;
  return f;
}

TEST(ConnectionExpectations, ANewFlowBetweenTheTwoHostsToThePortTakesIt) {
  ConnectionExpectations table;
  ASSERT_TRUE(table.add(v4(1), v4(2), 24523, 7, "RETR a.zip", 0));
  EXPECT_FALSE(table.take(flowOf(v4(1), v4(3), 24523), 1)) << "another host";
  EXPECT_FALSE(table.take(flowOf(v4(1), v4(2), 24524), 1)) << "another port";
  const auto passive = table.take(flowOf(v4(1), v4(2), 24523), 1);
  ASSERT_TRUE(passive);
  EXPECT_EQ(passive->protocol, 7u);
  EXPECT_TRUE(passive->same_client);
  EXPECT_EQ(passive->context, "RETR a.zip");
  EXPECT_FALSE(table.take(flowOf(v4(1), v4(2), 24523), 1)) << "taken once";

  ASSERT_TRUE(table.add(v4(1), v4(2), 6275, 7, "STOR b", 0));
  const auto active = table.take(flowOf(v4(2), v4(1), 6275), 1);
  ASSERT_TRUE(active) << "active mode: the server connects to the client";
  EXPECT_FALSE(active->same_client);
  EXPECT_EQ(table.counters().created, 2u);
  EXPECT_EQ(table.counters().matched, 2u);
}

TEST(ConnectionExpectations, BoundedInSizeAndTime) {
  ConnectionExpectations table;
  for (size_t i = 0; i < ConnectionExpectations::kMaxEntries; ++i) {
    ASSERT_TRUE(table.add(v4(1), v4(2), static_cast<uint16_t>(1000 + i), 0, std::string(2000, 'x'), 0));
  }
  EXPECT_FALSE(table.add(v4(1), v4(2), 5, 0, "", 1)) << "full of live ones";
  EXPECT_EQ(table.counters().refused, 1u);
  EXPECT_TRUE(table.add(v4(1), v4(2), 5, 0, "", ConnectionExpectations::kLifetime)) << "expired ones make room";
  EXPECT_EQ(table.counters().expired, ConnectionExpectations::kMaxEntries);
  const auto m = table.take(flowOf(v4(1), v4(2), 5), ConnectionExpectations::kLifetime);
  ASSERT_TRUE(m);
  EXPECT_TRUE(table.empty());
}

TEST(ConnectionExpectations, AContextIsCutToItsBound) {
  ConnectionExpectations table;
  ASSERT_TRUE(table.add(v4(1), v4(2), 5, 0, std::string(5000, 'y'), 0));
  const auto m = table.take(flowOf(v4(1), v4(2), 5), 0);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->context.size(), ConnectionExpectations::kMaxContext);
}

}  // namespace
}  // namespace mamori
