#include "capture/shard_hash.h"

#include <gtest/gtest.h>
#include <pcap/dlt.h>

#include <random>
#include <set>

#include "tests/capture/packet_builder.h"

namespace mamori {
namespace {

using test::Bytes;
using test::cat;
using test::ethernet;
using test::ipv4;
using test::ipv6;

uint32_t hashOf(const Bytes& frame, int linktype = DLT_EN10MB) {
  return shardHash(frame.data(), static_cast<uint32_t>(frame.size()), linktype);
}

Bytes tcp4(const std::string& a, const std::string& b, uint16_t sp, uint16_t dp) {
  return ipv4(a, b, 6, test::tcp(sp, dp, 0, {}));
}
Bytes tcp6(const std::string& a, const std::string& b, uint16_t sp, uint16_t dp) {
  return ipv6(a, b, 6, test::tcp(sp, dp, 0, {}));
}

TEST(ShardHash, SymmetricForBothFamilies) {
  EXPECT_EQ(hashOf(ethernet(0x0800, tcp4("10.0.0.1", "10.0.0.2", 1234, 80))),
            hashOf(ethernet(0x0800, tcp4("10.0.0.2", "10.0.0.1", 80, 1234))));
  EXPECT_EQ(hashOf(ethernet(0x86dd, tcp6("2001:db8::1", "2001:db8::2", 1234, 80))),
            hashOf(ethernet(0x86dd, tcp6("2001:db8::2", "2001:db8::1", 80, 1234))));
  EXPECT_NE(hashOf(ethernet(0x0800, tcp4("10.0.0.1", "10.0.0.2", 1, 2))), 0u);
  EXPECT_NE(hashOf(ethernet(0x86dd, tcp6("2001:db8::1", "2001:db8::2", 1, 2))), 0u);
}

TEST(ShardHash, RandomPairsAreSymmetricAndSpread) {
  std::mt19937 rng(1);
  std::set<uint32_t> buckets;
  for (int i = 0; i < 2000; ++i) {
    Bytes a = tcp4("0.0.0.0", "0.0.0.0", 1, 2);
    for (int j = 12; j < 20; ++j) a[j] = static_cast<uint8_t>(rng());
    Bytes b = a;
    std::swap_ranges(b.begin() + 12, b.begin() + 16, b.begin() + 16);
    uint32_t h = hashOf(a, DLT_RAW);
    ASSERT_EQ(h, hashOf(b, DLT_RAW));
    buckets.insert(h % 16);

    Bytes c = tcp6("::", "::", 1, 2);
    for (int j = 8; j < 40; ++j) c[j] = static_cast<uint8_t>(rng());
    Bytes d = c;
    std::swap_ranges(d.begin() + 8, d.begin() + 24, d.begin() + 24);
    ASSERT_EQ(hashOf(c, DLT_RAW), hashOf(d, DLT_RAW));
  }
  EXPECT_EQ(buckets.size(), 16u);
}

TEST(ShardHash, PortsAndFragmentsDoNotMatter) {
  uint32_t flow = hashOf(ethernet(0x0800, tcp4("10.0.0.1", "10.0.0.2", 1234, 80)));
  EXPECT_EQ(flow, hashOf(ethernet(0x0800, tcp4("10.0.0.1", "10.0.0.2", 5555, 443))));
  // A later fragment (no transport header) lands with its flow.
  Bytes frag = ipv4("10.0.0.2", "10.0.0.1", 6, Bytes(64, 0), test::Ip4().setFrag(0x0010));
  EXPECT_EQ(flow, hashOf(ethernet(0x0800, frag)));
  Bytes frag6 = ipv6("2001:db8::2", "2001:db8::1", 44, test::frag6(6, 64, false, 1, Bytes(16, 0)));
  EXPECT_EQ(hashOf(ethernet(0x86dd, tcp6("2001:db8::1", "2001:db8::2", 1, 2))),
            hashOf(ethernet(0x86dd, frag6)));
}

TEST(ShardHash, SameAcrossLinkLayers) {
  Bytes ip = tcp4("192.168.1.10", "8.8.8.8", 40000, 53);
  uint32_t h = hashOf(ip, DLT_RAW);
  ASSERT_NE(h, 0u);
  EXPECT_EQ(h, hashOf(ip, 101));
  EXPECT_EQ(h, hashOf(ip, DLT_IPV4));
  EXPECT_EQ(h, hashOf(ethernet(0x0800, ip)));
  EXPECT_EQ(h, hashOf(ethernet(0x0800, ip, {10})));
  EXPECT_EQ(h, hashOf(ethernet(0x0800, ip, {10, 20}, 0x88a8)));
  Bytes mpls = {0, 0x01, 0x01, 64};  // one label, bottom of stack
  EXPECT_EQ(h, hashOf(ethernet(0x8847, cat({mpls, ip}))));
  EXPECT_EQ(h, hashOf(ethernet(0x8864, cat({{0x11, 0, 0, 1, 0, 0, 0x00, 0x21}, ip}))));
  Bytes sll = {0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, 0x08, 0x00};
  EXPECT_EQ(h, hashOf(cat({sll, ip}), DLT_LINUX_SLL));
  Bytes sll2 = {0x08, 0x00, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0};
  EXPECT_EQ(h, hashOf(cat({sll2, ip}), DLT_LINUX_SLL2));
  EXPECT_EQ(h, hashOf(cat({{2, 0, 0, 0}, ip}), DLT_NULL));
  EXPECT_EQ(h, hashOf(cat({{0, 0, 0, 2}, ip}), DLT_LOOP));
}

TEST(ShardHash, TunnelsUseOuterAddresses) {
  Bytes inner_a = tcp4("10.0.0.1", "10.0.0.2", 1, 2);
  Bytes inner_b = tcp4("10.9.9.9", "10.8.8.8", 3, 4);
  EXPECT_EQ(hashOf(ethernet(0x0800, ipv4("192.0.2.1", "192.0.2.2", 4, inner_a))),
            hashOf(ethernet(0x0800, ipv4("192.0.2.1", "192.0.2.2", 4, inner_b))));
  EXPECT_EQ(hashOf(ethernet(0x0800, ipv4("192.0.2.1", "192.0.2.2", 47, test::gre(0x0800, inner_a)))),
            hashOf(ethernet(0x0800, ipv4("192.0.2.2", "192.0.2.1", 4, inner_b))));
}

TEST(ShardHash, NonIpAndTruncatedAreZero) {
  EXPECT_EQ(hashOf(ethernet(0x0806, Bytes(28, 1))), 0u);
  EXPECT_EQ(hashOf(ethernet(0x8847, {0, 0x01, 0x01, 64, 0x90, 0, 0, 0})), 0u);
  Bytes ip = tcp4("10.0.0.1", "10.0.0.2", 1, 2);
  for (size_t n = 0; n < 14 + 20; ++n) {
    Bytes frame = ethernet(0x0800, ip);
    frame.resize(n);
    EXPECT_EQ(hashOf(frame), 0u) << n;
  }
  EXPECT_EQ(hashOf(ip, 147), 0u);
  EXPECT_EQ(shardHash(nullptr, 0, DLT_EN10MB), 0u);
}

}  // namespace
}  // namespace mamori
