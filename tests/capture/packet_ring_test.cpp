#include "capture/packet_ring.h"

#include <gtest/gtest.h>

#include <random>
#include <thread>
#include <vector>

namespace mamori {
namespace {

TEST(PacketRing, CarriesPacketsTicksAndEndInOrderAcrossWraps) {
  PacketRing ring(1 << 16);
  std::mt19937 rng(3);
  std::vector<std::vector<uint8_t>> sent;
  for (int i = 0; i < 20000; ++i) {
    std::vector<uint8_t> p(1 + rng() % 3000);
    for (auto& b : p) b = static_cast<uint8_t>(rng());
    sent.push_back(p);
  }
  std::thread producer([&] {
    for (size_t i = 0; i < sent.size(); ++i) {
      RawPacket raw;
      raw.data = sent[i].data();
      raw.caplen = static_cast<uint32_t>(sent[i].size());
      raw.wirelen = raw.caplen + 4;
      raw.ts = TimeUs(i);
      raw.linktype = 1;
      while (!ring.tryPush(PacketRing::Kind::Packet, raw)) std::this_thread::yield();
      if (i % 1000 == 0) {
        RawPacket tick;
        tick.ts = TimeUs(i);
        while (!ring.tryPush(PacketRing::Kind::Tick, tick)) std::this_thread::yield();
      }
    }
    RawPacket end;
    while (!ring.tryPush(PacketRing::Kind::End, end)) std::this_thread::yield();
  });
  size_t got = 0, ticks = 0;
  PacketRing::Item item;
  for (;;) {
    if (!ring.peek(item)) continue;
    if (item.kind == PacketRing::Kind::End) break;
    if (item.kind == PacketRing::Kind::Tick) {
      ++ticks;
    } else {
      ASSERT_LT(got, sent.size());
      ASSERT_EQ(item.packet.caplen, sent[got].size());
      ASSERT_EQ(item.packet.wirelen, item.packet.caplen + 4);
      ASSERT_EQ(item.packet.ts, TimeUs(got));
      ASSERT_EQ(0, std::memcmp(item.packet.data, sent[got].data(), item.packet.caplen));
      ++got;
    }
    ring.pop();
  }
  producer.join();
  EXPECT_EQ(got, sent.size());
  EXPECT_EQ(ticks, 20u);
}

TEST(PacketRing, FullRingRefusesInsteadOfOverwriting) {
  PacketRing ring(1 << 16);
  std::vector<uint8_t> p(1000, 7);
  RawPacket raw;
  raw.data = p.data();
  raw.caplen = 1000;
  int pushed = 0;
  while (ring.tryPush(PacketRing::Kind::Packet, raw)) ++pushed;
  EXPECT_GT(pushed, 50);
  EXPECT_LT(pushed, 66);
  PacketRing::Item item;
  ASSERT_TRUE(ring.peek(item));
  ring.pop();
  EXPECT_TRUE(ring.tryPush(PacketRing::Kind::Packet, raw)) << "room again once the consumer moves on";
  RawPacket huge;
  std::vector<uint8_t> big(1 << 17);
  huge.data = big.data();
  huge.caplen = static_cast<uint32_t>(big.size());
  EXPECT_FALSE(ring.tryPush(PacketRing::Kind::Packet, huge)) << "a packet larger than the ring never fits";
}

}  // namespace
}  // namespace mamori
