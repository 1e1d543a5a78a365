#include "capture/decoder.h"

#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <random>

#include "tests/capture/packet_builder.h"
#include "tests/support/test_support.h"

namespace mamori {
namespace {

using test::addr;
using test::Bytes;
using test::cat;
using test::ethernet;
using test::filled;
using test::Ip4;
using test::ipv4;
using test::ipv6;
using test::text;

// Results as text, so a failed expectation names the malformed kind.
std::string str(const DecodeResult& r) {
  switch (r.status) {
    case DecodeStatus::Ok: return "Ok";
    case DecodeStatus::FragmentHeld: return "FragmentHeld";
    case DecodeStatus::Malformed: return std::string("Malformed(") + decodeEventName(r.error) + ")";
  }
  return "?";
}
std::string malformed(DecodeEvent e) { return str({DecodeStatus::Malformed, e}); }
const std::string kOkResult = "Ok";
const std::string kHeldResult = "FragmentHeld";

class DecoderTest : public ::testing::Test {
 protected:
  // Decodes a private copy of exactly the frame's size: out_ may point into it until the
  // next decode, and AddressSanitizer sees any read past its end.
  std::string decode(const Bytes& frame, int linktype = DLT_EN10MB, TimeUs ts = 1'000'000) {
    frame_ = std::make_unique<uint8_t[]>(frame.size());
    if (!frame.empty()) std::memcpy(frame_.get(), frame.data(), frame.size());
    RawPacket raw;
    raw.data = frame_.get();
    raw.caplen = static_cast<uint32_t>(frame.size());
    raw.wirelen = raw.caplen;
    raw.ts = ts;
    raw.linktype = linktype;
    return str(decoder_.decode(raw, out_));
  }

  // A TCP SYN from 10.0.0.1:1234 to 10.0.0.2:80 carrying "hello".
  static Bytes tcp4() {
    return ipv4("10.0.0.1", "10.0.0.2", 6, test::tcp(1234, 80, tcpflag::Syn, text("hello")));
  }
  static Bytes tcp6() {
    return ipv6("2001:db8::1", "2001:db8::2", 6, test::tcp(1234, 80, tcpflag::Syn, text("hello")));
  }
  void expectTcp4() {
    EXPECT_EQ(out_.ip_version, 4);
    EXPECT_EQ(out_.src, addr("10.0.0.1"));
    EXPECT_EQ(out_.dst, addr("10.0.0.2"));
    EXPECT_EQ(out_.proto, 6);
    EXPECT_EQ(out_.sport, 1234);
    EXPECT_EQ(out_.dport, 80);
    ASSERT_EQ(out_.payload_len, 5u);
    EXPECT_EQ(std::memcmp(out_.payload, "hello", 5), 0);
  }
  void expectTcp6() {
    EXPECT_EQ(out_.ip_version, 6);
    EXPECT_EQ(out_.src, addr("2001:db8::1"));
    EXPECT_EQ(out_.dst, addr("2001:db8::2"));
    EXPECT_EQ(out_.proto, 6);
    EXPECT_EQ(out_.sport, 1234);
    EXPECT_EQ(out_.dport, 80);
    ASSERT_EQ(out_.payload_len, 5u);
    EXPECT_EQ(std::memcmp(out_.payload, "hello", 5), 0);
  }

  Decoder decoder_;
  DecodedPacket out_;
  std::unique_ptr<uint8_t[]> frame_;
};

// ---- link layers -------------------------------------------------------------------

TEST_F(DecoderTest, EthernetTcpFields) {
  Bytes ip = ipv4("10.0.0.1", "10.0.0.2", 6,
                  test::tcp(1234, 80, tcpflag::Syn | tcpflag::Ack, text("hello"), {}, 0x01020304,
                            0x0a0b0c0d),
                  Ip4().setTtl(33));
  ASSERT_EQ(decode(ethernet(0x0800, ip)), kOkResult);
  expectTcp4();
  EXPECT_EQ(out_.ttl, 33);
  EXPECT_EQ(out_.tcp_seq, 0x01020304u);
  EXPECT_EQ(out_.tcp_ack, 0x0a0b0c0du);
  EXPECT_EQ(out_.tcp_flags, tcpflag::Syn | tcpflag::Ack);
  EXPECT_EQ(out_.tcp_window, 65535);
  EXPECT_EQ(out_.l3_len, ip.size());
  EXPECT_EQ(out_.vlan_count, 0);
  EXPECT_EQ(out_.tunnel_depth, 0);
  EXPECT_FALSE(out_.reassembled);
  EXPECT_EQ(out_.ts, 1'000'000);
}

TEST_F(DecoderTest, EthernetPaddingUsesIpTotalLength) {
  Bytes frame = ethernet(0x0800, ipv4("10.0.0.1", "10.0.0.2", 6, test::tcp(1, 2, 0, {})));
  frame.resize(60, 0);  // minimum Ethernet frame: 6 bytes of padding
  ASSERT_EQ(decode(frame), kOkResult);
  EXPECT_EQ(out_.l3_len, 40u);
  EXPECT_EQ(out_.payload_len, 0u);
}

TEST_F(DecoderTest, EthernetIpv6) {
  ASSERT_EQ(decode(ethernet(0x86dd, tcp6())), kOkResult);
  expectTcp6();
}

TEST_F(DecoderTest, NonIpEthertypesAreValid) {
  Bytes arp = ethernet(0x0806, filled(28, 1));
  ASSERT_EQ(decode(arp), kOkResult);
  EXPECT_EQ(out_.ip_version, 0);
  ASSERT_EQ(decode(ethernet(0x88cc, filled(30, 2))), kOkResult);  // LLDP
  EXPECT_EQ(out_.ip_version, 0);
  ASSERT_EQ(decode(ethernet(38, filled(38, 0x42))), kOkResult);   // 802.3 length: STP
  EXPECT_EQ(out_.ip_version, 0);
  ASSERT_EQ(decode(ethernet(0x8863, filled(20, 0))), kOkResult);  // PPPoE discovery
  EXPECT_EQ(out_.ip_version, 0);
}

TEST_F(DecoderTest, EthernetTooSmall) {
  EXPECT_EQ(decode(filled(13, 0)), malformed(DecodeEvent::EthernetTooSmall));
}

TEST_F(DecoderTest, LinuxSll) {
  Bytes sll = {0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, 0x08, 0x00};
  ASSERT_EQ(decode(cat({sll, tcp4()}), DLT_LINUX_SLL), kOkResult);
  expectTcp4();
  sll[14] = 0x86;
  sll[15] = 0xdd;
  ASSERT_EQ(decode(cat({sll, tcp6()}), DLT_LINUX_SLL), kOkResult);
  expectTcp6();
  EXPECT_EQ(decode(filled(15, 0), DLT_LINUX_SLL), malformed(DecodeEvent::SllTooSmall));
}

TEST_F(DecoderTest, LinuxSll2) {
  Bytes sll2 = {0x08, 0x00, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0};
  ASSERT_EQ(decode(cat({sll2, tcp4()}), DLT_LINUX_SLL2), kOkResult);
  expectTcp4();
  EXPECT_EQ(decode(filled(19, 0), DLT_LINUX_SLL2), malformed(DecodeEvent::SllTooSmall));
}

TEST_F(DecoderTest, BsdNullInEitherByteOrder) {
  ASSERT_EQ(decode(cat({{2, 0, 0, 0}, tcp4()}), DLT_NULL), kOkResult);
  expectTcp4();
  ASSERT_EQ(decode(cat({{0, 0, 0, 2}, tcp4()}), DLT_NULL), kOkResult);  // big-endian capturer
  expectTcp4();
  for (uint8_t af6 : {24, 28, 30}) {
    ASSERT_EQ(decode(cat({{af6, 0, 0, 0}, tcp6()}), DLT_NULL), kOkResult) << int(af6);
    expectTcp6();
  }
  EXPECT_EQ(decode(cat({{7, 0, 0, 0}, tcp4()}), DLT_NULL),
            malformed(DecodeEvent::NullUnsupportedType));
  EXPECT_EQ(decode({2, 0, 0}, DLT_NULL), malformed(DecodeEvent::NullTooSmall));
}

TEST_F(DecoderTest, BsdLoopIsNetworkOrder) {
  ASSERT_EQ(decode(cat({{0, 0, 0, 2}, tcp4()}), DLT_LOOP), kOkResult);
  expectTcp4();
  for (uint8_t af6 : {24, 28, 30}) {
    ASSERT_EQ(decode(cat({{0, 0, 0, af6}, tcp6()}), DLT_LOOP), kOkResult) << int(af6);
    expectTcp6();
  }
  EXPECT_EQ(decode(cat({{2, 0, 0, 0}, tcp4()}), DLT_LOOP),
            malformed(DecodeEvent::NullUnsupportedType));
}

TEST_F(DecoderTest, RawIpLinkTypes) {
  for (int lt : {DLT_RAW, 14, 101}) {
    ASSERT_EQ(decode(tcp4(), lt), kOkResult) << lt;
    expectTcp4();
    ASSERT_EQ(decode(tcp6(), lt), kOkResult) << lt;
    expectTcp6();
    Bytes bad = tcp4();
    bad[0] = 0x55;
    EXPECT_EQ(decode(bad, lt), malformed(DecodeEvent::RawWrongIpVersion));
  }
  ASSERT_EQ(decode(tcp4(), DLT_IPV4), kOkResult);
  expectTcp4();
  ASSERT_EQ(decode(tcp6(), DLT_IPV6), kOkResult);
  expectTcp6();
  EXPECT_EQ(decode(tcp6(), DLT_IPV4), malformed(DecodeEvent::Ipv4WrongVersion));
  EXPECT_EQ(decode(tcp4(), DLT_IPV6), malformed(DecodeEvent::Ipv6WrongVersion));
}

TEST_F(DecoderTest, PacketSizeLimits) {
  EXPECT_EQ(decode({}), malformed(DecodeEvent::ZeroLength));
  Bytes huge(262145, 0);
  EXPECT_EQ(decode(huge), malformed(DecodeEvent::Oversized));
  EXPECT_EQ(decode(tcp4(), 147 /* DLT_USER0 */), malformed(DecodeEvent::UnsupportedLinktype));
}

// ---- VLAN, MPLS, PPPoE --------------------------------------------------------------

TEST_F(DecoderTest, VlanAndQinQ) {
  ASSERT_EQ(decode(ethernet(0x0800, tcp4(), {100})), kOkResult);
  expectTcp4();
  EXPECT_EQ(out_.vlan_count, 1);
  EXPECT_EQ(out_.vlan[0], 100);

  for (uint16_t tpid : {0x88a8, 0x9100, 0x8100}) {
    // Priority bits in the TCI must not leak into the id.
    ASSERT_EQ(decode(ethernet(0x86dd, tcp6(), {0xe000 | 200, 300}, tpid)), kOkResult) << tpid;
    expectTcp6();
    EXPECT_EQ(out_.vlan_count, 2);
    EXPECT_EQ(out_.vlan[0], 200);
    EXPECT_EQ(out_.vlan[1], 300);
  }
}

TEST_F(DecoderTest, VlanMalformed) {
  EXPECT_EQ(decode(ethernet(0x0800, tcp4(), {1, 2, 3})),
            malformed(DecodeEvent::VlanTooManyLayers));
  Bytes frame = ethernet(0x0800, {}, {1});
  frame.resize(16);
  EXPECT_EQ(decode(frame), malformed(DecodeEvent::VlanTooSmall));
}

Bytes mplsLabel(uint32_t label, bool bottom) {
  Bytes b;
  test::put32(b, label << 12 | (bottom ? 0x100 : 0) | 64);
  return b;
}

TEST_F(DecoderTest, Mpls) {
  ASSERT_EQ(decode(ethernet(0x8847, cat({mplsLabel(16, false), mplsLabel(17, true), tcp4()}))),
            kOkResult);
  expectTcp4();
  ASSERT_EQ(decode(ethernet(0x8848, cat({mplsLabel(2, true), tcp6()}))), kOkResult);
  expectTcp6();
  // Ethernet pseudowire with a control word.
  Bytes pw = cat({mplsLabel(100, true), {0, 0, 0, 0}, ethernet(0x0800, tcp4(), {5})});
  ASSERT_EQ(decode(ethernet(0x8847, pw)), kOkResult);
  expectTcp4();
  // Unknown payload: valid, not IP.
  ASSERT_EQ(decode(ethernet(0x8847, cat({mplsLabel(100, true), {0x90, 1, 2, 3}}))), kOkResult);
  EXPECT_EQ(out_.ip_version, 0);
  EXPECT_EQ(decode(ethernet(0x8847, mplsLabel(16, false))), malformed(DecodeEvent::MplsTooSmall));
  EXPECT_EQ(decode(ethernet(0x8847, mplsLabel(16, true))), malformed(DecodeEvent::MplsTooSmall));
}

Bytes pppoe(uint16_t ppp_proto, const Bytes& payload) {
  Bytes b = {0x11, 0x00, 0x12, 0x34};
  test::put16(b, static_cast<uint16_t>(2 + payload.size()));
  test::put16(b, ppp_proto);
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

TEST_F(DecoderTest, PppoeSession) {
  ASSERT_EQ(decode(ethernet(0x8864, pppoe(0x0021, tcp4()))), kOkResult);
  expectTcp4();
  ASSERT_EQ(decode(ethernet(0x8864, pppoe(0x0057, tcp6()))), kOkResult);
  expectTcp6();
  ASSERT_EQ(decode(ethernet(0x8864, pppoe(0xc021, filled(10, 1)))), kOkResult);  // LCP
  EXPECT_EQ(out_.ip_version, 0);
  EXPECT_EQ(decode(ethernet(0x8864, {0x11, 0, 0, 1, 0})), malformed(DecodeEvent::PppoeTooSmall));
  EXPECT_EQ(decode(ethernet(0x8864, {0x11, 0, 0, 1, 0, 2})), malformed(DecodeEvent::PppTooSmall));
}

// ---- IPv4 ---------------------------------------------------------------------------

TEST_F(DecoderTest, Ipv4OptionsWalked) {
  // NOP, record route (len 7, pointer 4, one address), end of list.
  Bytes opts = {1, 7, 7, 4, 0, 0, 0, 0};
  ASSERT_EQ(decode(ethernet(0x0800, ipv4("10.0.0.1", "10.0.0.2", 6,
                                         test::tcp(1234, 80, tcpflag::Syn, text("hello")),
                                         Ip4().setOptions(opts)))),
            kOkResult);
  expectTcp4();

  Bytes runs_past = {1, 7, 12, 4, 0, 0, 0, 0};
  EXPECT_EQ(decode(ethernet(0x0800, ipv4("10.0.0.1", "10.0.0.2", 6, test::tcp(1, 2, 0, {}),
                                         Ip4().setOptions(runs_past)))),
            malformed(DecodeEvent::Ipv4OptionInvalid));
  Bytes too_short = {68, 1, 0, 0};
  EXPECT_EQ(decode(ethernet(0x0800, ipv4("10.0.0.1", "10.0.0.2", 6, test::tcp(1, 2, 0, {}),
                                         Ip4().setOptions(too_short)))),
            malformed(DecodeEvent::Ipv4OptionInvalid));
  Bytes no_length_byte = {1, 1, 1, 68};
  EXPECT_EQ(decode(ethernet(0x0800, ipv4("10.0.0.1", "10.0.0.2", 6, test::tcp(1, 2, 0, {}),
                                         Ip4().setOptions(no_length_byte)))),
            malformed(DecodeEvent::Ipv4OptionInvalid));
}

TEST_F(DecoderTest, Ipv4TotalLengthZeroUsesCapture) {
  Bytes ip = ipv4("10.0.0.1", "10.0.0.2", 6, test::tcp(1234, 80, tcpflag::Syn, text("hello")),
                  Ip4().setTotalLen(0));
  ASSERT_EQ(decode(ethernet(0x0800, ip)), kOkResult);
  expectTcp4();
  EXPECT_EQ(out_.l3_len, ip.size());
}

TEST_F(DecoderTest, Ipv4Malformed) {
  Bytes ip = tcp4();
  EXPECT_EQ(decode(Bytes(ip.begin(), ip.begin() + 19), DLT_IPV4),
            malformed(DecodeEvent::Ipv4TooSmall));
  Bytes v = ip;
  v[0] = 0x45 | 0x10;  // version 5
  EXPECT_EQ(decode(ethernet(0x0800, v)), malformed(DecodeEvent::Ipv4WrongVersion));
  Bytes h = ip;
  h[0] = 0x44;
  EXPECT_EQ(decode(ethernet(0x0800, h)), malformed(DecodeEvent::Ipv4HlenTooSmall));
  Bytes l = ip;
  test::set16(l, 2, 19);
  EXPECT_EQ(decode(ethernet(0x0800, l)), malformed(DecodeEvent::Ipv4IplenSmallerThanHlen));
  Bytes t = ip;
  t.pop_back();
  EXPECT_EQ(decode(ethernet(0x0800, t)), malformed(DecodeEvent::Ipv4Truncated));
  Bytes hl = ip;
  hl.resize(24);
  hl[0] = 0x4f;  // 60-byte header in a 24-byte capture
  EXPECT_EQ(decode(ethernet(0x0800, hl)), malformed(DecodeEvent::Ipv4Truncated));
}

// ---- IPv6 ---------------------------------------------------------------------------

TEST_F(DecoderTest, Ipv6ExtensionHeaders) {
  Bytes seg = test::tcp(1234, 80, tcpflag::Syn, text("hello"));
  // hop-by-hop -> routing -> destination options -> TCP
  Bytes chain = test::ext6(43, test::ext6(60, test::ext6(6, seg), 14));
  ASSERT_EQ(decode(ethernet(0x86dd, ipv6("2001:db8::1", "2001:db8::2", 0, chain))), kOkResult);
  expectTcp6();

  // AH: length in 4-byte words minus 2 (here 24 bytes).
  Bytes ah = {6, 4};
  ah.resize(24, 0);
  ASSERT_EQ(decode(ethernet(0x86dd, ipv6("2001:db8::1", "2001:db8::2", 51, cat({ah, seg})))),
            kOkResult);
  expectTcp6();

  // Mobility header ending in no-next-header.
  ASSERT_EQ(decode(ethernet(0x86dd, ipv6("2001:db8::1", "2001:db8::2", 135, test::ext6(59, {})))),
            kOkResult);
  EXPECT_EQ(out_.proto, 59);
  EXPECT_EQ(out_.sport, 0);

  // Atomic fragment: a fragment header that fragments nothing.
  ASSERT_EQ(decode(ethernet(0x86dd, ipv6("2001:db8::1", "2001:db8::2", 44,
                                         test::frag6(6, 0, false, 9, seg)))),
            kOkResult);
  expectTcp6();
  EXPECT_FALSE(out_.reassembled);
}

TEST_F(DecoderTest, Ipv6EspEndsDecoding) {
  Bytes esp = filled(40, 0xee);
  ASSERT_EQ(decode(ethernet(0x86dd, ipv6("2001:db8::1", "2001:db8::2", 0, test::ext6(50, esp)))),
            kOkResult);
  EXPECT_EQ(out_.proto, 50);
  EXPECT_EQ(out_.payload_len, 40u);
  EXPECT_EQ(out_.sport, 0);
  ASSERT_EQ(decode(ethernet(0x86dd, ipv6("2001:db8::1", "2001:db8::2", 59, {}))), kOkResult);
  EXPECT_EQ(out_.proto, 59);
  EXPECT_EQ(out_.payload_len, 0u);
}

TEST_F(DecoderTest, Ipv6Malformed) {
  Bytes ip = tcp6();
  EXPECT_EQ(decode(Bytes(ip.begin(), ip.begin() + 39), DLT_IPV6),
            malformed(DecodeEvent::Ipv6TooSmall));
  Bytes v = ip;
  v[0] = 0x70;
  EXPECT_EQ(decode(ethernet(0x86dd, v)), malformed(DecodeEvent::Ipv6WrongVersion));
  Bytes t = ip;
  t.pop_back();
  EXPECT_EQ(decode(ethernet(0x86dd, t)), malformed(DecodeEvent::Ipv6Truncated));
  // Extension header claiming 16 bytes with 8 present.
  Bytes ext = {6, 1, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(decode(ethernet(0x86dd, ipv6("2001:db8::1", "2001:db8::2", 60, ext))),
            malformed(DecodeEvent::Ipv6TruncExthdr));
  EXPECT_EQ(decode(ethernet(0x86dd, ipv6("2001:db8::1", "2001:db8::2", 0, {6}))),
            malformed(DecodeEvent::Ipv6TruncExthdr));
  EXPECT_EQ(decode(ethernet(0x86dd, ipv6("2001:db8::1", "2001:db8::2", 44, {6, 0, 0, 8}))),
            malformed(DecodeEvent::Ipv6TruncExthdr));
}

// The anomalies Suricata's decoder raises on IPv6 packets that still decode, each on the
// packet that has it, so decode-event rules fire where Suricata's do.
TEST_F(DecoderTest, Ipv6AnomaliesAreEventsOnPacketsThatStillDecode) {
  Bytes seg = test::tcp(1234, 80, tcpflag::Syn, text("hello"));
  auto v6 = [](uint8_t nh, const Bytes& body) { return ethernet(0x86dd, ipv6("2001:db8::1", "2001:db8::2", nh, body)); };

  ASSERT_EQ(decode(v6(44, test::frag6(6, 0, false, 9, seg))), kOkResult);
  EXPECT_TRUE(out_.events.test(DecodeEvent::Ipv6ExthdrUselessFh));
  EXPECT_FALSE(out_.events.test(DecodeEvent::Ipv6ExthdrDuplFh));
  expectTcp6();

  // A second fragment header is skipped, as Suricata does, and named.
  ASSERT_EQ(decode(v6(44, test::frag6(44, 0, false, 9, test::frag6(6, 0, false, 9, seg)))), kOkResult);
  EXPECT_TRUE(out_.events.test(DecodeEvent::Ipv6ExthdrUselessFh));
  EXPECT_TRUE(out_.events.test(DecodeEvent::Ipv6ExthdrDuplFh));
  expectTcp6();

  // Destination options: an option type no one defined, then one made of padding only.
  Bytes unknown_opt = {6, 0, 0x1e, 2, 0, 0, 1, 0};
  ASSERT_EQ(decode(v6(60, cat({unknown_opt, seg}))), kOkResult);
  EXPECT_TRUE(out_.events.test(DecodeEvent::Ipv6DstoptsUnknownOpt));
  Bytes padding = {6, 0, 1, 4, 0, 0, 0, 0};
  ASSERT_EQ(decode(v6(60, cat({padding, seg}))), kOkResult);
  EXPECT_TRUE(out_.events.test(DecodeEvent::Ipv6DstoptsOnlyPadding));
  EXPECT_FALSE(out_.events.test(DecodeEvent::Ipv6DstoptsUnknownOpt));

  // Routing type 0 (deprecated by RFC 5095), then a second routing header.
  Bytes rh0 = {43, 0, 0, 0, 0, 0, 0, 0};
  Bytes rh2 = {6, 0, 2, 0, 0, 0, 0, 0};
  ASSERT_EQ(decode(v6(43, cat({rh0, rh2, seg}))), kOkResult);
  EXPECT_TRUE(out_.events.test(DecodeEvent::Ipv6RhType0));
  EXPECT_TRUE(out_.events.test(DecodeEvent::Ipv6ExthdrDuplRh));
  expectTcp6();

  // A clean packet carries none.
  ASSERT_EQ(decode(ethernet(0x86dd, tcp6())), kOkResult);
  EXPECT_FALSE(out_.events.any());
}

TEST_F(DecoderTest, FragmentAnomaliesAreEventsOnTheirFragment) {
  auto frag = [](uint32_t offset, bool more, const Bytes& data) {
    return ethernet(0x86dd, ipv6("2001:db8::1", "2001:db8::2", 44, test::frag6(58, offset, more, 77, data)));
  };
  // More fragments follow, yet this one's data is not a multiple of 8 bytes.
  ASSERT_EQ(decode(frag(0, true, filled(13, 'a'))), kHeldResult);
  EXPECT_TRUE(out_.events.test(DecodeEvent::Frag6InvalidLength));
  // The same bytes again: an overlap, raised on the fragment that overlaps.
  ASSERT_EQ(decode(frag(0, true, filled(16, 'a'))), kHeldResult);
  EXPECT_TRUE(out_.events.test(DecodeEvent::Frag6Overlap));
  EXPECT_FALSE(out_.events.test(DecodeEvent::Frag6InvalidLength));
  ASSERT_EQ(decode(frag(16, true, filled(8, 'b'))), kHeldResult);
  EXPECT_FALSE(out_.events.any());
  // A header after an extension header needs at least its first two bytes.
  EXPECT_EQ(decode(ethernet(0x86dd, ipv6("2001:db8::1", "2001:db8::2", 44, test::frag6(6, 0, false, 3, {1})))),
            malformed(DecodeEvent::Ipv6TruncExthdr));
  EXPECT_TRUE(out_.events.test(DecodeEvent::Ipv6ExthdrUselessFh));
  EXPECT_TRUE(out_.events.test(DecodeEvent::Ipv6TruncExthdr));
}

TEST_F(DecoderTest, Ipv6PayloadLengthZeroUsesCapture) {
  Bytes ip = tcp6();
  test::set16(ip, 4, 0);
  ASSERT_EQ(decode(ethernet(0x86dd, ip)), kOkResult);
  expectTcp6();
}

// ---- transport ----------------------------------------------------------------------

TEST_F(DecoderTest, TcpOptions) {
  // MSS, SACK permitted, timestamps, NOP, window scale, padded with NOP/EOL.
  Bytes opts = {2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2, 1, 3, 3, 7};
  ASSERT_EQ(decode(ethernet(0x0800, ipv4("10.0.0.1", "10.0.0.2", 6,
                                         test::tcp(1234, 80, tcpflag::Syn, text("hello"), opts)))),
            kOkResult);
  expectTcp4();

  Bytes past = {2, 4, 5, 0xb4, 8, 10, 0, 0};
  EXPECT_EQ(decode(ethernet(0x0800, ipv4("10.0.0.1", "10.0.0.2", 6,
                                         test::tcp(1, 2, 0, text("xxxxxxxx"), past)))),
            malformed(DecodeEvent::TcpOptionInvalid));
  Bytes dangling = {1, 1, 1, 2};
  EXPECT_EQ(decode(ethernet(0x0800, ipv4("10.0.0.1", "10.0.0.2", 6,
                                         test::tcp(1, 2, 0, {}, dangling)))),
            malformed(DecodeEvent::TcpOptionInvalid));
  // A zero option length stops the walk but runs past nothing.
  Bytes zero_len = {3, 0, 0, 0};
  EXPECT_EQ(decode(ethernet(0x0800, ipv4("10.0.0.1", "10.0.0.2", 6,
                                         test::tcp(1, 2, 0, {}, zero_len)))),
            kOkResult);
}

TEST_F(DecoderTest, TcpMalformed) {
  EXPECT_EQ(decode(ethernet(0x0800, ipv4("10.0.0.1", "10.0.0.2", 6, filled(19, 0)))),
            malformed(DecodeEvent::TcpTooSmall));
  Bytes seg = test::tcp(1, 2, 0, {});
  seg[12] = 0x40;
  EXPECT_EQ(decode(ethernet(0x0800, ipv4("10.0.0.1", "10.0.0.2", 6, seg))),
            malformed(DecodeEvent::TcpHlenTooSmall));
  seg[12] = 0x60;  // 24-byte header in a 20-byte segment
  EXPECT_EQ(decode(ethernet(0x0800, ipv4("10.0.0.1", "10.0.0.2", 6, seg))),
            malformed(DecodeEvent::TcpHlenTooSmall));
}

TEST_F(DecoderTest, UdpUsesItsOwnLength) {
  Bytes dgram = test::udp(5353, 53, text("query"));
  dgram.resize(dgram.size() + 3, 0);  // trailing bytes inside the IP payload
  ASSERT_EQ(decode(ethernet(0x0800, ipv4("10.0.0.1", "10.0.0.2", 17, dgram))), kOkResult);
  EXPECT_EQ(out_.proto, 17);
  EXPECT_EQ(out_.sport, 5353);
  EXPECT_EQ(out_.dport, 53);
  ASSERT_EQ(out_.payload_len, 5u);
  EXPECT_EQ(std::memcmp(out_.payload, "query", 5), 0);
}

TEST_F(DecoderTest, UdpMalformed) {
  EXPECT_EQ(decode(ethernet(0x0800, ipv4("10.0.0.1", "10.0.0.2", 17, filled(7, 0)))),
            malformed(DecodeEvent::UdpTooSmall));
  Bytes longer = test::udp(1, 2, text("abc"));
  test::set16(longer, 4, 12);
  EXPECT_EQ(decode(ethernet(0x0800, ipv4("10.0.0.1", "10.0.0.2", 17, longer))),
            malformed(DecodeEvent::UdpHlenInvalid));
  Bytes shorter = test::udp(1, 2, text("abc"));
  test::set16(shorter, 4, 7);
  EXPECT_EQ(decode(ethernet(0x0800, ipv4("10.0.0.1", "10.0.0.2", 17, shorter))),
            malformed(DecodeEvent::UdpHlenInvalid));
}

TEST_F(DecoderTest, Icmp) {
  ASSERT_EQ(decode(ethernet(0x0800, ipv4("10.0.0.1", "10.0.0.2", 1,
                                         test::icmp(8, 0, 0x4242, 1, text("ping"))))),
            kOkResult);
  EXPECT_EQ(out_.proto, 1);
  EXPECT_EQ(out_.icmp_type, 8);
  EXPECT_EQ(out_.icmp_code, 0);
  EXPECT_EQ(out_.icmp_id, 0x4242);
  EXPECT_EQ(out_.payload_len, 4u);
  EXPECT_EQ(out_.sport, 0);

  // Destination unreachable: no id, carries the offending header.
  ASSERT_EQ(decode(ethernet(0x0800, ipv4("10.0.0.1", "10.0.0.2", 1,
                                         test::icmp(3, 3, 0x4242, 0, filled(28, 0))))),
            kOkResult);
  EXPECT_EQ(out_.icmp_type, 3);
  EXPECT_EQ(out_.icmp_code, 3);
  EXPECT_EQ(out_.icmp_id, 0);
  ASSERT_EQ(decode(ethernet(0x0800, ipv4("10.0.0.1", "10.0.0.2", 1, {3, 1, 0, 0}))), kOkResult);

  EXPECT_EQ(decode(ethernet(0x0800, ipv4("10.0.0.1", "10.0.0.2", 1, {8, 0, 0, 0, 1, 2}))),
            malformed(DecodeEvent::IcmpTooSmall));
  EXPECT_EQ(decode(ethernet(0x0800, ipv4("10.0.0.1", "10.0.0.2", 1, {3, 1, 0}))),
            malformed(DecodeEvent::IcmpTooSmall));
}

TEST_F(DecoderTest, Icmpv6) {
  ASSERT_EQ(decode(ethernet(0x86dd, ipv6("2001:db8::1", "2001:db8::2", 58,
                                         test::icmp(128, 0, 0x99, 1, text("ping"))))),
            kOkResult);
  EXPECT_EQ(out_.proto, 58);
  EXPECT_EQ(out_.icmp_type, 128);
  EXPECT_EQ(out_.icmp_id, 0x99);
  ASSERT_EQ(decode(ethernet(0x86dd, ipv6("fe80::1", "ff02::1", 58, {134, 0, 0, 0}))), kOkResult);
  EXPECT_EQ(out_.icmp_type, 134);
  EXPECT_EQ(out_.icmp_id, 0);
  EXPECT_EQ(decode(ethernet(0x86dd, ipv6("2001:db8::1", "2001:db8::2", 58, {129, 0, 0, 0, 1}))),
            malformed(DecodeEvent::Icmpv6TooSmall));
}

TEST_F(DecoderTest, OtherProtocolsKeepIpPayload) {
  ASSERT_EQ(decode(ethernet(0x0800, ipv4("10.0.0.1", "10.0.0.2", 132, filled(12, 7)))),
            kOkResult);
  EXPECT_EQ(out_.proto, 132);
  EXPECT_EQ(out_.sport, 0);
  EXPECT_EQ(out_.dport, 0);
  EXPECT_EQ(out_.payload_len, 12u);
}

// ---- tunnels ------------------------------------------------------------------------

Bytes outer4(uint8_t proto, const Bytes& payload) {
  return ethernet(0x0800, ipv4("192.0.2.1", "192.0.2.2", proto, payload), {10});
}

TEST_F(DecoderTest, GreVersion0) {
  ASSERT_EQ(decode(outer4(47, test::gre(0x0800, tcp4()))), kOkResult);
  expectTcp4();
  EXPECT_EQ(out_.tunnel_depth, 1);
  EXPECT_EQ(out_.vlan_count, 1);  // the outer tag stays with the packet
  ASSERT_EQ(decode(outer4(47, test::gre(0x86dd, tcp6(), true, true, true))), kOkResult);
  expectTcp6();
  ASSERT_EQ(decode(outer4(47, test::gre(0x6558, ethernet(0x0800, tcp4(), {77})))), kOkResult);
  expectTcp4();
  EXPECT_EQ(out_.vlan[0], 10);  // inner tags are not recorded
  EXPECT_EQ(out_.vlan_count, 1);
}

TEST_F(DecoderTest, GreUnknownPayloadIsInnermost) {
  ASSERT_EQ(decode(outer4(47, test::gre(0x88b5, filled(10, 3)))), kOkResult);
  EXPECT_EQ(out_.ip_version, 4);
  EXPECT_EQ(out_.src, addr("192.0.2.1"));
  EXPECT_EQ(out_.proto, 47);
  EXPECT_EQ(out_.tunnel_depth, 0);
  EXPECT_EQ(out_.payload_len, 10u);
}

TEST_F(DecoderTest, GreSourceRoutes) {
  Bytes g = {0x40, 0, 0x08, 0x00, 0, 0, 0, 0};            // routing present, offset 0
  Bytes routes = {0x08, 0x00, 0, 4, 1, 2, 3, 4, 0, 0, 0, 0};  // one SRE, then the terminator
  ASSERT_EQ(decode(outer4(47, cat({g, routes, tcp4()}))), kOkResult);
  expectTcp4();
  EXPECT_EQ(decode(outer4(47, cat({g, {0x08, 0x00, 0, 40}}))), malformed(DecodeEvent::GreTooSmall));
}

Bytes pptpGre(const Bytes& ppp, bool seq, bool ack) {
  Bytes b = {static_cast<uint8_t>(0x20 | (seq ? 0x10 : 0)), static_cast<uint8_t>((ack ? 0x80 : 0) | 1),
             0x88, 0x0b};
  test::put16(b, static_cast<uint16_t>(ppp.size()));
  test::put16(b, 0x0042);  // call id
  if (seq) test::put32(b, 5);
  if (ack) test::put32(b, 4);
  b.insert(b.end(), ppp.begin(), ppp.end());
  return b;
}

TEST_F(DecoderTest, GrePptp) {
  ASSERT_EQ(decode(outer4(47, pptpGre(cat({{0xff, 0x03, 0x00, 0x21}, tcp4()}), true, true))),
            kOkResult);
  expectTcp4();
  EXPECT_EQ(out_.tunnel_depth, 1);
  ASSERT_EQ(decode(outer4(47, pptpGre(cat({{0x57}, tcp6()}), true, false))), kOkResult);
  expectTcp6();
  ASSERT_EQ(decode(outer4(47, pptpGre({}, false, true))), kOkResult);  // ack only
  EXPECT_EQ(out_.proto, 47);
  ASSERT_EQ(decode(outer4(47, pptpGre({0xc0, 0x21, 1, 1}, true, false))), kOkResult);  // LCP
  EXPECT_EQ(out_.proto, 47);
  Bytes nokey = pptpGre(tcp4(), false, false);
  nokey[0] = 0;
  EXPECT_EQ(decode(outer4(47, nokey)), malformed(DecodeEvent::GreVersionInvalid));
}

TEST_F(DecoderTest, GreMalformed) {
  EXPECT_EQ(decode(outer4(47, {0, 0, 8})), malformed(DecodeEvent::GreTooSmall));
  EXPECT_EQ(decode(outer4(47, {0xb0, 0, 8, 0, 0, 0, 0, 0})), malformed(DecodeEvent::GreTooSmall));
  EXPECT_EQ(decode(outer4(47, {0, 2, 8, 0})), malformed(DecodeEvent::GreVersionInvalid));
}

TEST_F(DecoderTest, Erspan) {
  Bytes inner = ethernet(0x0800, tcp4());
  // Type I: no ERSPAN header.
  ASSERT_EQ(decode(outer4(47, test::gre(0x88be, inner))), kOkResult);
  expectTcp4();
  // Type II: 8-byte header after a GRE sequence number.
  ASSERT_EQ(decode(outer4(47, test::gre(0x88be, cat({{0x10, 0, 0, 1, 0, 0, 0, 0}, inner}),
                                        false, false, true))),
            kOkResult);
  expectTcp4();
  EXPECT_EQ(out_.tunnel_depth, 1);
  // Type III with the platform subheader.
  Bytes h3(12, 0);
  h3[0] = 0x20;
  h3[11] = 0x01;
  ASSERT_EQ(decode(outer4(47, test::gre(0x22eb, cat({h3, filled(8, 0), inner}), false, false,
                                        true))),
            kOkResult);
  expectTcp4();
  EXPECT_EQ(decode(outer4(47, test::gre(0x22eb, filled(11, 0), false, false, true))),
            malformed(DecodeEvent::ErspanTooSmall));
  EXPECT_EQ(decode(outer4(47, test::gre(0x88be, filled(4, 0), false, false, true))),
            malformed(DecodeEvent::ErspanTooSmall));
}

TEST_F(DecoderTest, Vxlan) {
  Bytes frame = outer4(17, test::udp(49152, 4789, test::vxlan(ethernet(0x0800, tcp4()))));
  ASSERT_EQ(decode(frame), kOkResult);
  expectTcp4();
  EXPECT_EQ(out_.tunnel_depth, 1);

  // Inner ARP: the outer UDP stays the innermost IP layer.
  ASSERT_EQ(decode(outer4(17, test::udp(49152, 4789, test::vxlan(ethernet(0x0806, filled(28, 0)))))),
            kOkResult);
  EXPECT_EQ(out_.proto, 17);
  EXPECT_EQ(out_.dport, 4789);
  EXPECT_EQ(out_.src, addr("192.0.2.1"));

  // No I flag: not VXLAN, plain UDP.
  Bytes v = test::vxlan(ethernet(0x0800, tcp4()));
  v[0] = 0;
  ASSERT_EQ(decode(outer4(17, test::udp(49152, 4789, v))), kOkResult);
  EXPECT_EQ(out_.proto, 17);
  EXPECT_EQ(out_.tunnel_depth, 0);

  EXPECT_EQ(decode(outer4(17, test::udp(49152, 4789, {8, 0, 0}))),
            malformed(DecodeEvent::VxlanTooSmall));
  EXPECT_EQ(decode(outer4(17, test::udp(49152, 4789, test::vxlan(filled(6, 0))))),
            malformed(DecodeEvent::EthernetTooSmall));
}

TEST_F(DecoderTest, Geneve) {
  ASSERT_EQ(decode(outer4(17, test::udp(49152, 6081, test::geneve(0x6558, ethernet(0x0800, tcp4()))))),
            kOkResult);
  expectTcp4();
  EXPECT_EQ(out_.tunnel_depth, 1);
  // Options are skipped; IP may follow directly.
  ASSERT_EQ(decode(outer4(17, test::udp(49152, 6081, test::geneve(0x86dd, tcp6(), filled(8, 1))))),
            kOkResult);
  expectTcp6();
  // Version 1, or options running past the datagram: not Geneve, plain UDP.
  Bytes v1 = test::geneve(0x0800, tcp4());
  v1[0] = 0x40;
  ASSERT_EQ(decode(outer4(17, test::udp(49152, 6081, v1))), kOkResult);
  EXPECT_EQ(out_.proto, 17);
  EXPECT_EQ(out_.tunnel_depth, 0);
  Bytes long_opts = test::geneve(0x0800, {});
  long_opts[0] = 0x3f;
  ASSERT_EQ(decode(outer4(17, test::udp(49152, 6081, long_opts))), kOkResult);
  EXPECT_EQ(out_.proto, 17);
  EXPECT_EQ(decode(outer4(17, test::udp(49152, 6081, test::geneve(0x88cc, filled(20, 0))))),
            malformed(DecodeEvent::GeneveUnknownPayloadType));
  // The port is the destination's: a reply from 6081 is not Geneve.
  ASSERT_EQ(decode(outer4(17, test::udp(6081, 49152, test::geneve(0x0800, tcp4())))), kOkResult);
  EXPECT_EQ(out_.tunnel_depth, 0);
}

TEST_F(DecoderTest, GtpUser) {
  ASSERT_EQ(decode(outer4(17, test::udp(2152, 2152, test::gtpU(tcp4())))), kOkResult);
  expectTcp4();
  EXPECT_EQ(out_.tunnel_depth, 1);
  ASSERT_EQ(decode(outer4(17, test::udp(40000, 2152, test::gtpU(tcp6(), 0xff, true)))), kOkResult);
  expectTcp6();
  // Either side's port: the downlink comes from 2152.
  ASSERT_EQ(decode(outer4(17, test::udp(2152, 40000, test::gtpU(tcp4(), 0xff, true)))), kOkResult);
  expectTcp4();
  // Padding after the message is not part of the inner packet.
  ASSERT_EQ(decode(outer4(17, test::udp(2152, 2152, cat({test::gtpU(tcp4()), filled(6, 0)})))),
            kOkResult);
  expectTcp4();
  // Echo request (type 1) and a GTP' / version 0 header: plain UDP.
  ASSERT_EQ(decode(outer4(17, test::udp(2152, 2152, test::gtpU(filled(4, 0), 1)))), kOkResult);
  EXPECT_EQ(out_.proto, 17);
  EXPECT_EQ(out_.tunnel_depth, 0);
  Bytes v0 = test::gtpU(tcp4());
  v0[0] = 0x10;
  ASSERT_EQ(decode(outer4(17, test::udp(2152, 2152, v0))), kOkResult);
  EXPECT_EQ(out_.tunnel_depth, 0);
  // A length past the datagram, a zero-length or overlong extension header.
  Bytes long_len = test::gtpU(tcp4());
  test::set16(long_len, 2, static_cast<uint16_t>(long_len.size()));
  EXPECT_EQ(decode(outer4(17, test::udp(2152, 2152, long_len))), malformed(DecodeEvent::GtpTooSmall));
  Bytes zero_ext = test::gtpU(tcp4(), 0xff, true);
  zero_ext[12] = 0;
  EXPECT_EQ(decode(outer4(17, test::udp(2152, 2152, zero_ext))), malformed(DecodeEvent::GtpTooSmall));
  Bytes big_ext = test::gtpU(tcp4(), 0xff, true);
  big_ext[12] = 200;
  EXPECT_EQ(decode(outer4(17, test::udp(2152, 2152, big_ext))), malformed(DecodeEvent::GtpTooSmall));
  EXPECT_EQ(decode(outer4(17, test::udp(2152, 2152, test::gtpU({}, 0xff, true)))), kOkResult);
  EXPECT_EQ(out_.tunnel_depth, 0);
}

TEST_F(DecoderTest, GtpPingIsAnInnerIcmpPacket) {
  Bytes ping = ipv4("10.45.0.2", "8.8.8.8", 1, test::icmp(8, 0, 0x77, 1, text("ping")));
  ASSERT_EQ(decode(outer4(17, test::udp(2152, 2152, test::gtpU(ping)))), kOkResult);
  EXPECT_EQ(out_.proto, 1);
  EXPECT_EQ(out_.icmp_type, 8);
  EXPECT_EQ(out_.src, addr("10.45.0.2"));
  EXPECT_EQ(out_.dst, addr("8.8.8.8"));
}

TEST_F(DecoderTest, Teredo) {
  ASSERT_EQ(decode(outer4(17, test::udp(49152, 3544, test::teredo(tcp6())))), kOkResult);
  expectTcp6();
  EXPECT_EQ(out_.tunnel_depth, 1);
  ASSERT_EQ(decode(outer4(17, test::udp(3544, 49152, test::teredo(tcp6(), true)))), kOkResult);
  expectTcp6();
  // Behind an authentication header (client id 2 bytes, no auth value) and an origin.
  Bytes auth = {0, 1, 2, 0, 'i', 'd', 1, 2, 3, 4, 5, 6, 7, 8, 0};
  ASSERT_EQ(decode(outer4(17, test::udp(3544, 49152, cat({auth, test::teredo(tcp6(), true)})))),
            kOkResult);
  expectTcp6();
  // A bubble: IPv6 with no next header and nothing after it.
  ASSERT_EQ(decode(outer4(17, test::udp(49152, 3544, test::teredo(ipv6("2001::1", "2001::2", 59, {}))))),
            kOkResult);
  EXPECT_EQ(out_.tunnel_depth, 1);
  EXPECT_EQ(out_.ip_version, 6);
  // Not exactly one IPv6 packet (trailing bytes, IPv4, too short): plain UDP.
  for (const Bytes& not_teredo : {cat({tcp6(), {0}}), tcp4(), filled(30, 0x60)}) {
    ASSERT_EQ(decode(outer4(17, test::udp(49152, 3544, not_teredo))), kOkResult);
    EXPECT_EQ(out_.proto, 17);
    EXPECT_EQ(out_.tunnel_depth, 0);
  }
}

TEST_F(DecoderTest, IpInIp) {
  ASSERT_EQ(decode(outer4(4, tcp4())), kOkResult);
  expectTcp4();
  EXPECT_EQ(out_.tunnel_depth, 1);
  ASSERT_EQ(decode(outer4(41, tcp6())), kOkResult);
  expectTcp6();
  ASSERT_EQ(decode(ethernet(0x86dd, ipv6("2001:db8::a", "2001:db8::b", 4, tcp4()))), kOkResult);
  expectTcp4();
  ASSERT_EQ(decode(ethernet(0x86dd, ipv6("2001:db8::a", "2001:db8::b", 41, tcp6()))), kOkResult);
  expectTcp6();
  EXPECT_EQ(out_.tunnel_depth, 1);
  EXPECT_EQ(decode(outer4(4, tcp6())), malformed(DecodeEvent::Ipv4WrongVersion));
}

TEST_F(DecoderTest, TunnelDepthLimit) {
  Bytes three = ipv4("1.1.1.1", "2.2.2.2", 4,
                     ipv4("3.3.3.3", "4.4.4.4", 47, test::gre(0x0800, ipv4("5.5.5.5", "6.6.6.6", 4, tcp4()))));
  ASSERT_EQ(decode(ethernet(0x0800, three)), kOkResult);
  expectTcp4();
  EXPECT_EQ(out_.tunnel_depth, 3);
  Bytes four = ipv4("0.0.0.1", "0.0.0.2", 4, three);
  EXPECT_EQ(decode(ethernet(0x0800, four)), malformed(DecodeEvent::TunnelTooDeep));
}

// ---- fragments through the decoder ---------------------------------------------------

Bytes frag4(uint16_t id, uint32_t offset, bool more, const Bytes& data, uint8_t proto = 6) {
  return ipv4("10.0.0.1", "10.0.0.2", proto, data,
              Ip4().setId(id).setFrag(static_cast<uint16_t>((more ? 0x2000 : 0) | offset / 8)));
}

TEST_F(DecoderTest, Ipv4FragmentsReassembled) {
  Bytes seg = test::tcp(1234, 80, tcpflag::Psh | tcpflag::Ack, filled(100, 'x'));
  Bytes a(seg.begin(), seg.begin() + 64), b(seg.begin() + 64, seg.end());
  ASSERT_EQ(decode(ethernet(0x0800, frag4(7, 64, false, b))), kHeldResult);
  ASSERT_EQ(decode(ethernet(0x0800, frag4(7, 0, true, a))), kOkResult);
  EXPECT_TRUE(out_.reassembled);
  EXPECT_EQ(out_.sport, 1234);
  EXPECT_EQ(out_.payload_len, 100u);
  EXPECT_EQ(out_.l3_len, 20u + seg.size());
  EXPECT_EQ(out_.payload[99], 'x');
  EXPECT_EQ(decoder_.fragmentStats().reassembled, 1u);
}

TEST_F(DecoderTest, Ipv6FragmentsReassembled) {
  Bytes seg = test::tcp(1234, 80, tcpflag::Ack, filled(100, 'y'));
  Bytes a(seg.begin(), seg.begin() + 64), b(seg.begin() + 64, seg.end());
  Bytes hbh = {44, 0, 1, 4, 0, 0, 0, 0};  // hop-by-hop before the fragment header
  ASSERT_EQ(decode(ethernet(0x86dd, ipv6("2001:db8::1", "2001:db8::2", 0,
                                         cat({hbh, test::frag6(6, 0, true, 99, a)})))),
            kHeldResult);
  ASSERT_EQ(decode(ethernet(0x86dd, ipv6("2001:db8::1", "2001:db8::2", 0,
                                         cat({hbh, test::frag6(6, 64, false, 99, b)})))),
            kOkResult);
  EXPECT_TRUE(out_.reassembled);
  EXPECT_EQ(out_.proto, 6);
  EXPECT_EQ(out_.dport, 80);
  EXPECT_EQ(out_.payload_len, 100u);
  EXPECT_EQ(out_.l3_len, 40u + 8 + seg.size());
}

TEST_F(DecoderTest, NestedIpv6FragmentHeaderRefused) {
  // The rebuilt datagram starts with another (non-atomic) fragment header.
  Bytes inner = test::frag6(6, 0, true, 2, test::tcp(1, 2, 0, filled(8, 0)));
  Bytes a(inner.begin(), inner.begin() + 16), b(inner.begin() + 16, inner.end());
  ASSERT_EQ(decode(ethernet(0x86dd, ipv6("2001:db8::1", "2001:db8::2", 44,
                                         test::frag6(44, 0, true, 1, a)))),
            kHeldResult);
  EXPECT_EQ(decode(ethernet(0x86dd, ipv6("2001:db8::1", "2001:db8::2", 44,
                                         test::frag6(44, 16, false, 1, b)))),
            malformed(DecodeEvent::Ipv6ExthdrDuplFh));
}

TEST_F(DecoderTest, FragmentTooLarge) {
  EXPECT_EQ(decode(ethernet(0x0800, frag4(1, 65528, false, filled(16, 0)))),
            malformed(DecodeEvent::FragTooLarge));
  EXPECT_EQ(decode(ethernet(0x86dd, ipv6("2001:db8::1", "2001:db8::2", 44,
                                         test::frag6(17, 65528, false, 5, filled(16, 0))))),
            malformed(DecodeEvent::Frag6TooLarge));
}

TEST_F(DecoderTest, TunnelledFragmentsReassembled) {
  // Inner fragments inside GRE: reassembled, then decoded from the inner header.
  Bytes seg = test::udp(1000, 2000, filled(40, 'z'));
  Bytes a(seg.begin(), seg.begin() + 24), b(seg.begin() + 24, seg.end());
  ASSERT_EQ(decode(outer4(47, test::gre(0x0800, frag4(3, 0, true, a, 17)))), kHeldResult);
  ASSERT_EQ(decode(outer4(47, test::gre(0x0800, frag4(3, 24, false, b, 17)))), kOkResult);
  EXPECT_TRUE(out_.reassembled);
  EXPECT_EQ(out_.tunnel_depth, 1);
  EXPECT_EQ(out_.dport, 2000);
  EXPECT_EQ(out_.payload_len, 40u);
}

// ---- robustness ---------------------------------------------------------------------

struct Sample {
  const char* name;
  int linktype;
  Bytes frame;
};

std::vector<Sample> samples() {
  Bytes seg = test::tcp(1234, 80, tcpflag::Syn, text("hello"), {2, 4, 5, 0xb4});
  Bytes t4 = ipv4("10.0.0.1", "10.0.0.2", 6, seg, Ip4().setOptions({1, 7, 7, 4, 0, 0, 0, 0}));
  Bytes t6 = ipv6("2001:db8::1", "2001:db8::2", 0, test::ext6(60, test::ext6(6, seg)));
  Bytes u4 = ipv4("10.0.0.1", "10.0.0.2", 17, test::udp(53, 53, text("dns")));
  Bytes i6 = ipv6("2001:db8::1", "2001:db8::2", 58, test::icmp(128, 0, 1, 1, text("ping")));
  Bytes sll = {0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, 0x08, 0x00};
  Bytes sll2 = {0x86, 0xdd, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0};
  return {
      {"eth-tcp4", DLT_EN10MB, ethernet(0x0800, t4)},
      {"eth-qinq-tcp6", DLT_EN10MB, ethernet(0x86dd, t6, {1, 2}, 0x88a8)},
      {"eth-mpls-udp4", DLT_EN10MB, ethernet(0x8847, cat({mplsLabel(1, false), mplsLabel(2, true), u4}))},
      {"eth-pppoe-icmp6", DLT_EN10MB, ethernet(0x8864, pppoe(0x0057, i6))},
      {"sll-tcp4", DLT_LINUX_SLL, cat({sll, t4})},
      {"sll2-tcp6", DLT_LINUX_SLL2, cat({sll2, t6})},
      {"null-udp4", DLT_NULL, cat({{2, 0, 0, 0}, u4})},
      {"loop-icmp6", DLT_LOOP, cat({{0, 0, 0, 30}, i6})},
      {"raw-tcp6", DLT_RAW, t6},
      {"gre-tcp4", DLT_EN10MB, outer4(47, test::gre(0x0800, t4, true, true, true))},
      {"gre-teb", DLT_EN10MB, outer4(47, test::gre(0x6558, ethernet(0x86dd, t6)))},
      {"pptp", DLT_EN10MB, outer4(47, pptpGre(cat({{0xff, 0x03, 0x00, 0x21}, u4}), true, true))},
      {"vxlan", DLT_EN10MB, outer4(17, test::udp(1, 4789, test::vxlan(ethernet(0x0800, t4, {9}))))},
      {"geneve", DLT_EN10MB, outer4(17, test::udp(1, 6081, test::geneve(0x0800, t4, filled(4, 0))))},
      {"gtp-u", DLT_EN10MB, outer4(17, test::udp(2152, 2152, test::gtpU(t6, 0xff, true)))},
      {"teredo", DLT_EN10MB, outer4(17, test::udp(3544, 1, test::teredo(t6, true)))},
      {"ipip6", DLT_IPV6, ipv6("2001:db8::a", "2001:db8::b", 4, u4)},
      {"frag4", DLT_EN10MB, ethernet(0x0800, frag4(1, 8, true, filled(16, 1)))},
      {"frag6", DLT_EN10MB, ethernet(0x86dd, ipv6("2001:db8::1", "2001:db8::2", 44,
                                                 test::frag6(6, 0, true, 4, filled(16, 0))))},
  };
}

TEST_F(DecoderTest, EverySamplePrefixDecodesOrIsMalformed) {
  for (const auto& s : samples()) {
    ASSERT_EQ(decode(s.frame, s.linktype).rfind("Malformed", 0), std::string::npos) << s.name;
    for (size_t n = 0; n < s.frame.size(); ++n) {
      // A copy of exactly n bytes, so AddressSanitizer sees any read past the end.
      auto prefix = std::make_unique<uint8_t[]>(n);
      if (n) std::memcpy(prefix.get(), s.frame.data(), n);
      RawPacket raw{prefix.get(), static_cast<uint32_t>(n), static_cast<uint32_t>(s.frame.size()),
                    1, s.linktype};
      DecodeResult r = decoder_.decode(raw, out_);
      ASSERT_TRUE(r.status != DecodeStatus::Malformed || r.error < DecodeEvent::Count);
      if (r.status == DecodeStatus::Ok && out_.payload && !out_.reassembled) {
        ASSERT_LE(out_.payload + out_.payload_len, prefix.get() + n) << s.name << " prefix " << n;
      }
    }
  }
}

TEST_F(DecoderTest, RandomBytesNeverCrash) {
  std::mt19937 rng(12345);
  const int linktypes[] = {DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_NULL, DLT_LOOP,
                           DLT_RAW, DLT_IPV4, DLT_IPV6};
  std::array<int, 3> by_status{};
  for (int i = 0; i < 5000; ++i) {
    Bytes frame(1 + rng() % 200);
    for (auto& b : frame) b = static_cast<uint8_t>(rng());
    // Give most frames a plausible start so the fuzz reaches past the first layer.
    int lt = linktypes[rng() % std::size(linktypes)];
    if (rng() % 4 != 0) {
      if (lt == DLT_EN10MB && frame.size() > 15) {
        static const uint16_t types[] = {0x0800, 0x86dd, 0x8100, 0x8847, 0x8864, 0x88a8};
        test::set16(frame, 12, types[rng() % std::size(types)]);
        frame[14] = rng() % 2 ? 0x45 : 0x60;
      } else if (lt == DLT_RAW || lt == DLT_IPV4 || lt == DLT_IPV6) {
        frame[0] = rng() % 2 ? 0x45 : 0x60;
      }
    }
    auto copy = std::make_unique<uint8_t[]>(frame.size());
    std::memcpy(copy.get(), frame.data(), frame.size());
    RawPacket raw{copy.get(), static_cast<uint32_t>(frame.size()),
                  static_cast<uint32_t>(frame.size()), i, lt};
    DecodeResult r = decoder_.decode(raw, out_);
    ++by_status[static_cast<int>(r.status)];
    ASSERT_TRUE(r.status != DecodeStatus::Malformed || r.error < DecodeEvent::Count);
  }
  EXPECT_GT(by_status[static_cast<int>(DecodeStatus::Malformed)], 0);
}

TEST_F(DecoderTest, MutatedSamplesNeverCrash) {
  std::mt19937 rng(777);
  auto all = samples();
  for (int i = 0; i < 20000; ++i) {
    const auto& s = all[rng() % all.size()];
    Bytes frame = s.frame;
    for (int flips = 1 + rng() % 4; flips > 0; --flips) frame[rng() % frame.size()] = static_cast<uint8_t>(rng());
    auto copy = std::make_unique<uint8_t[]>(frame.size());
    std::memcpy(copy.get(), frame.data(), frame.size());
    RawPacket raw{copy.get(), static_cast<uint32_t>(frame.size()),
                  static_cast<uint32_t>(frame.size()), i, s.linktype};
    DecodeResult r = decoder_.decode(raw, out_);
    ASSERT_TRUE(r.status != DecodeStatus::Malformed || r.error < DecodeEvent::Count);
    if (r.status == DecodeStatus::Ok && out_.payload && !out_.reassembled) {
      ASSERT_LE(out_.payload + out_.payload_len, copy.get() + frame.size()) << s.name;
    }
  }
}

// ---- real captures ------------------------------------------------------------------

// A suricata-verify case whose rules match on decode-event: was built to be malformed
// (e.g. ipv6-evasion/ipv6-malformed-fragments-*), so Malformed is the right answer there.
bool expectsDecoderEvents(const std::string& pcap) {
  std::string dir = pcap.substr(0, pcap.rfind('/'));
  return test::readFile(dir + "/test.rules").find("decode-event:") != std::string::npos;
}

// Malformed frames checked by hand, in cases that do not test decoder events.
// ipv6-malformed-fragments-35/-36: a fragment header inside a reassembled datagram
// (a fragment of a fragment); the target host answers it with ICMPv6 Parameter
// Problem, so it is invalid to the endpoint too.
bool knownMalformed(const std::string& pcap, DecodeEvent e) {
  auto in = [&](const char* c) { return pcap.find(c) != std::string::npos; };
  return e == DecodeEvent::Ipv6ExthdrDuplFh &&
         (in("/ipv6-malformed-fragments-35/") || in("/ipv6-malformed-fragments-36/"));
}

TEST(DecoderCorpus, RealCapturesDecode) {
  MAMORI_REQUIRE_SHARED();
  std::vector<std::string> files = test::corpusPcaps("ndpi");
  for (const auto& f : test::corpusPcaps("suricata-verify")) files.push_back(f);
  ASSERT_FALSE(files.empty());

  std::map<std::string, uint64_t> kinds;  // malformed kind -> frames
  std::map<std::string, uint64_t> files_with;
  uint64_t frames = 0, ok = 0, held = 0, snap_cut = 0, deliberate = 0, unexplained = 0;
  for (const auto& path : files) {
    bool malformed_by_design = expectsDecoderEvents(path);
    char err[PCAP_ERRBUF_SIZE];
    pcap_t* p = pcap_open_offline(path.c_str(), err);
    if (!p) {
      ADD_FAILURE() << path << ": " << err;
      continue;
    }
    Decoder dec;
    int lt = pcap_datalink(p);
    pcap_pkthdr* h;
    const u_char* data;
    uint64_t index = 0;
    while (pcap_next_ex(p, &h, &data) == 1) {
      ++index;
      ++frames;
      RawPacket raw{data, h->caplen, h->len,
                    TimeUs{h->ts.tv_sec} * 1'000'000 + h->ts.tv_usec, lt};
      DecodedPacket out;
      DecodeResult r = dec.decode(raw, out);
      if (r.status == DecodeStatus::Ok) ++ok;
      if (r.status == DecodeStatus::FragmentHeld) ++held;
      if (r.status != DecodeStatus::Malformed) continue;
      std::string kind = decodeEventName(r.error);
      ++kinds[kind];
      // A frame cut by the snap length is not the decoder's fault.
      if (h->caplen < h->len) {
        ++snap_cut;
        continue;
      }
      if (malformed_by_design || knownMalformed(path, r.error))
        ++deliberate;
      else
        ++unexplained;
      if (files_with[path + " " + kind]++ < 3)
        std::printf("  malformed %s: %s frame %llu%s\n", kind.c_str(), path.c_str(),
                    static_cast<unsigned long long>(index),
                    malformed_by_design || knownMalformed(path, r.error) ? " (expected)" : "");
    }
    pcap_close(p);
  }
  std::printf(
      "corpus: %zu files, %llu frames, %llu ok, %llu fragments held, malformed: %llu snap-cut, "
      "%llu expected, %llu unexplained\n",
      files.size(), static_cast<unsigned long long>(frames), static_cast<unsigned long long>(ok),
      static_cast<unsigned long long>(held), static_cast<unsigned long long>(snap_cut),
      static_cast<unsigned long long>(deliberate), static_cast<unsigned long long>(unexplained));
  for (const auto& [kind, n] : kinds)
    std::printf("  %-32s %llu\n", kind.c_str(), static_cast<unsigned long long>(n));
  EXPECT_EQ(unexplained, 0u);
}

}  // namespace
}  // namespace mamori
