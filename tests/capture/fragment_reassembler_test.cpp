#include "capture/fragment_reassembler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "tests/capture/packet_builder.h"

namespace mamori {
namespace {

using test::Bytes;
using test::filled;
using Result = FragmentReassembler::Result;

// Builds fragments and keeps their bytes alive for the add() call.
struct Sender {
  FragmentReassembler& r;
  std::string src4 = "10.0.0.1", dst4 = "10.0.0.2";
  std::string src6 = "2001:db8::1", dst6 = "2001:db8::2";
  uint16_t vlan = 0;

  Result v4(uint32_t id, uint32_t offset, bool more, const Bytes& data, TimeUs now = 0,
            uint8_t proto = 17) {
    Bytes header = test::ipv4(src4, dst4, proto, {}, test::Ip4().setId(static_cast<uint16_t>(id)));
    FragmentReassembler::Fragment f;
    f.family = 4;
    f.src = test::addr(src4);
    f.dst = test::addr(dst4);
    f.id = id;
    f.proto = proto;
    f.vlan[0] = vlan;
    f.header = header.data();
    f.header_len = static_cast<uint32_t>(header.size());
    f.offset = offset;
    f.more = more;
    f.data = data.data();
    f.data_len = static_cast<uint32_t>(data.size());
    return r.add(f, now);
  }

  // `ext` is a chain of extension headers before the fragment header, the first one's
  // next-header byte naming the fragment header (44).
  Result v6(uint32_t id, uint32_t offset, bool more, const Bytes& data, TimeUs now = 0,
            const Bytes& ext = {}) {
    Bytes header = test::ipv6(src6, dst6, ext.empty() ? 44 : 0, ext);
    FragmentReassembler::Fragment f;
    f.family = 6;
    f.src = test::addr(src6);
    f.dst = test::addr(dst6);
    f.id = id;
    f.proto = 17;
    f.vlan[0] = vlan;
    f.header = header.data();
    f.header_len = static_cast<uint32_t>(header.size());
    f.next_header_at = ext.empty() ? 6 : 40;
    f.offset = offset;
    f.more = more;
    f.data = data.data();
    f.data_len = static_cast<uint32_t>(data.size());
    return r.add(f, now);
  }
};

Bytes sequence(size_t n, uint8_t seed = 0) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(seed + i * 7);
  return b;
}
Bytes slice(const Bytes& b, size_t from, size_t n) {
  return Bytes(b.begin() + from, b.begin() + from + n);
}
Bytes datagramBody(const FragmentReassembler& r, size_t header) {
  return Bytes(r.datagram() + header, r.datagram() + r.datagramLen());
}

TEST(FragmentReassembler, Ipv4InOrderRebuildsHeader) {
  FragmentReassembler r;
  Sender s{r};
  Bytes data = sequence(3000);
  EXPECT_EQ(s.v4(5, 0, true, slice(data, 0, 1480)), Result::Held);
  EXPECT_EQ(s.v4(5, 1480, true, slice(data, 1480, 1480)), Result::Held);
  EXPECT_GT(r.stats().bytes_held, 0u);
  ASSERT_EQ(s.v4(5, 2960, false, slice(data, 2960, 40)), Result::Complete);

  const uint8_t* h = r.datagram();
  ASSERT_EQ(r.datagramLen(), 3020u);
  EXPECT_EQ(h[0], 0x45);
  EXPECT_EQ(h[2] << 8 | h[3], 3020);
  EXPECT_EQ(h[6] & 0x3f, 0);
  EXPECT_EQ(h[7], 0);
  uint32_t sum = 0;
  for (int i = 0; i < 20; i += 2) sum += h[i] << 8 | h[i + 1];
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  EXPECT_EQ(sum, 0xffffu) << "header checksum must verify";
  EXPECT_EQ(datagramBody(r, 20), data);

  EXPECT_EQ(r.stats().fragments, 3u);
  EXPECT_EQ(r.stats().reassembled, 1u);
  EXPECT_EQ(r.stats().overlaps, 0u);
  EXPECT_EQ(r.stats().bytes_held, 0u);
  EXPECT_EQ(r.trainsHeld(), 0u);
}

TEST(FragmentReassembler, Ipv4OutOfOrder) {
  FragmentReassembler r;
  Sender s{r};
  Bytes data = sequence(1000, 3);
  EXPECT_EQ(s.v4(9, 800, false, slice(data, 800, 200)), Result::Held);
  EXPECT_EQ(s.v4(9, 0, true, slice(data, 0, 400)), Result::Held);
  ASSERT_EQ(s.v4(9, 400, true, slice(data, 400, 400)), Result::Complete);
  EXPECT_EQ(datagramBody(r, 20), data);
}

TEST(FragmentReassembler, DuplicateCountsAsOverlap) {
  FragmentReassembler r;
  Sender s{r};
  Bytes data = sequence(64);
  EXPECT_EQ(s.v4(1, 0, true, slice(data, 0, 32)), Result::Held);
  EXPECT_EQ(s.v4(1, 0, true, slice(data, 0, 32)), Result::Held);
  ASSERT_EQ(s.v4(1, 32, false, slice(data, 32, 32)), Result::Complete);
  EXPECT_EQ(datagramBody(r, 20), data);
  EXPECT_EQ(r.stats().overlaps, 1u);
}

TEST(FragmentReassembler, OverlapFollowsBsdPolicy) {
  FragmentReassembler r;
  Sender s{r};
  // B first, then A which starts before it (A wins where they meet), C at A's offset
  // (A arrived first and wins), E, then F which starts before E (F wins), then the end.
  EXPECT_EQ(s.v4(2, 8, true, filled(16, 'B')), Result::Held);
  EXPECT_EQ(s.v4(2, 0, true, filled(16, 'A')), Result::Held);
  EXPECT_EQ(s.v4(2, 0, true, filled(8, 'C')), Result::Held);
  EXPECT_EQ(s.v4(2, 24, true, filled(8, 'E')), Result::Held);
  EXPECT_EQ(s.v4(2, 16, true, filled(16, 'F')), Result::Held);
  ASSERT_EQ(s.v4(2, 32, false, filled(8, 'D')), Result::Complete);
  std::string got(r.datagram() + 20, r.datagram() + r.datagramLen());
  EXPECT_EQ(got, std::string(16, 'A') + std::string(8, 'B') + std::string(8, 'F') +
                     std::string(8, 'D'));
  EXPECT_EQ(r.stats().overlaps, 3u);  // A, C and F overlapped held data
}

// Byte-exact check of the policy on random overlapping trains against a direct model:
// each byte comes from the covering fragment with the lowest offset, earliest on a tie.
TEST(FragmentReassembler, RandomOverlapsMatchModel) {
  std::mt19937 rng(99);
  FragmentReassembler r;
  Sender s{r};
  for (uint32_t id = 0; id < 300; ++id) {
    uint32_t total = 8 * (1 + rng() % 40);
    struct Sent {
      uint32_t offset;
      Bytes data;
    };
    std::vector<Sent> sent;
    Result res = Result::Held;
    bool last_sent = false;
    while (res != Result::Complete) {
      uint32_t off = 8 * (rng() % (total / 8));
      uint32_t len = std::min<uint32_t>(8 * (1 + rng() % 6), total - off);
      bool last = off + len == total && (rng() % 2 || last_sent);
      if (last) last_sent = true;
      Bytes data(len);
      for (auto& b : data) b = static_cast<uint8_t>(rng());
      sent.push_back({off, data});
      res = s.v4(id, off, !last, data);
      ASSERT_NE(res, Result::TooLarge);
      if (sent.size() > 200) break;
    }
    if (res != Result::Complete) continue;
    Bytes want(total);
    std::vector<int> owner(total, -1);
    for (size_t i = 0; i < sent.size(); ++i)
      for (uint32_t j = 0; j < sent[i].data.size(); ++j) {
        uint32_t at = sent[i].offset + j;
        int& o = owner[at];
        if (o < 0 || sent[i].offset < sent[o].offset) {
          o = static_cast<int>(i);
          want[at] = sent[i].data[j];
        }
      }
    ASSERT_EQ(datagramBody(r, 20), want) << "train " << id;
  }
  EXPECT_EQ(r.trainsHeld(), 0u);
}

TEST(FragmentReassembler, Ipv6RemovesFragmentHeader) {
  FragmentReassembler r;
  Sender s{r};
  Bytes data = sequence(200);
  Bytes hbh = {44, 0, 1, 4, 0, 0, 0, 0};
  EXPECT_EQ(s.v6(77, 104, false, slice(data, 104, 96), 0, hbh), Result::Held);
  ASSERT_EQ(s.v6(77, 0, true, slice(data, 0, 104), 0, hbh), Result::Complete);
  const uint8_t* h = r.datagram();
  ASSERT_EQ(r.datagramLen(), 48u + 200);
  EXPECT_EQ(h[0] >> 4, 6);
  EXPECT_EQ(h[4] << 8 | h[5], 208);
  EXPECT_EQ(h[6], 0);    // still hop-by-hop first
  EXPECT_EQ(h[40], 17);  // which now names UDP, not the fragment header
  EXPECT_EQ(datagramBody(r, 48), data);

  FragmentReassembler r2;
  Sender s2{r2};
  EXPECT_EQ(s2.v6(1, 0, true, slice(data, 0, 96)), Result::Held);
  ASSERT_EQ(s2.v6(1, 96, false, slice(data, 96, 104)), Result::Complete);
  EXPECT_EQ(r2.datagram()[6], 17);
  EXPECT_EQ(r2.datagram()[4] << 8 | r2.datagram()[5], 200);
}

TEST(FragmentReassembler, KeysKeepDatagramsApart) {
  FragmentReassembler r;
  Sender s{r};
  Bytes a = filled(16, 'a');
  EXPECT_EQ(s.v4(1, 0, true, a), Result::Held);
  EXPECT_EQ(s.v4(2, 16, false, a), Result::Held);              // other id
  EXPECT_EQ(s.v4(1, 16, false, a, 0, 6), Result::Held);        // other protocol
  EXPECT_EQ(s.v6(1, 16, false, a), Result::Held);              // other family
  s.vlan = 7;
  EXPECT_EQ(s.v4(1, 16, false, a), Result::Held);              // other VLAN
  s.vlan = 0;
  s.src4 = "10.0.0.9";
  EXPECT_EQ(s.v4(1, 16, false, a), Result::Held);              // other source
  s.src4 = "10.0.0.1";
  EXPECT_EQ(s.v4(1, 16, false, a), Result::Complete);
  EXPECT_EQ(r.trainsHeld(), 5u);
}

TEST(FragmentReassembler, ExpireDropsIncompleteTrains) {
  FragmentReassembler r;
  Sender s{r};
  Bytes a = filled(16, 'a');
  EXPECT_EQ(s.v4(1, 0, true, a, 0), Result::Held);
  EXPECT_EQ(s.v6(1, 0, true, a, 10'000'000), Result::Held);
  r.expire(59'999'999);
  EXPECT_EQ(r.trainsHeld(), 2u);
  r.expire(60'000'000);
  EXPECT_EQ(r.trainsHeld(), 1u);
  EXPECT_EQ(r.stats().timeouts, 1u);
  // The rest of the expired datagram starts a new train and cannot complete.
  EXPECT_EQ(s.v4(1, 16, false, a, 60'000'001), Result::Held);
  r.expire(1'000'000'000);
  EXPECT_EQ(r.trainsHeld(), 0u);
  EXPECT_EQ(r.stats().timeouts, 3u);
  EXPECT_EQ(r.stats().bytes_held, 0u);
}

TEST(FragmentReassembler, StaleTrainIsNotReusedBeforeExpire) {
  FragmentReassembler::Limits limits;
  limits.timeout_us = 1'000'000;
  FragmentReassembler r(limits);
  Sender s{r};
  Bytes a = filled(16, 'a');
  EXPECT_EQ(s.v4(1, 0, true, a, 0), Result::Held);
  EXPECT_EQ(s.v4(1, 16, false, a, 2'000'000), Result::Held);
  EXPECT_EQ(r.stats().timeouts, 1u);
  EXPECT_EQ(s.v4(1, 0, true, a, 2'500'000), Result::Complete);
}

TEST(FragmentReassembler, OversizeDatagrams) {
  FragmentReassembler r;
  Sender s{r};
  EXPECT_EQ(s.v4(1, 65504, false, filled(8, 0)), Result::Held);  // 20 + 65512: fits
  EXPECT_EQ(s.v4(2, 65512, false, filled(8, 0)), Result::TooLarge);
  EXPECT_EQ(s.v6(3, 65520, false, filled(15, 0)), Result::Held);  // payload exactly 65535
  EXPECT_EQ(s.v6(4, 65520, false, filled(15, 0), 0, {44, 0, 1, 4, 0, 0, 0, 0}),
            Result::TooLarge);
  EXPECT_EQ(r.stats().too_large, 2u);

  // Each fragment fits on its own, but the offset-0 header chosen for the datagram
  // makes it too long: refused at completion, not written past the buffer.
  Bytes hbh16 = {44, 1, 1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(s.v6(5, 65520, false, filled(15, 0)), Result::Held);
  EXPECT_EQ(s.v6(5, 8, true, filled(65512, 1)), Result::Held);
  EXPECT_EQ(s.v6(5, 0, true, filled(8, 2), 0, hbh16), Result::TooLarge);
  EXPECT_EQ(r.stats().too_large, 3u);
}

TEST(FragmentReassembler, LargestDatagramCompletes) {
  FragmentReassembler r;
  Sender s{r};
  Bytes data = sequence(65515);
  for (uint32_t off = 8; off < 65515; off += 1480) {
    uint32_t len = std::min<uint32_t>(1480, 65515 - off);
    ASSERT_EQ(s.v4(4, off, off + len < 65515, slice(data, off, len)), Result::Held);
  }
  ASSERT_EQ(s.v4(4, 0, true, slice(data, 0, 8)), Result::Complete);
  EXPECT_EQ(r.datagramLen(), 65535u);
  EXPECT_EQ(datagramBody(r, 20), data);
}

TEST(FragmentReassembler, EvictsOldestTrainWhenSlotsRunOut) {
  FragmentReassembler::Limits limits;
  limits.max_trains = 2;
  FragmentReassembler r(limits);
  Sender s{r};
  Bytes a = filled(16, 'a');
  EXPECT_EQ(s.v4(1, 0, true, a), Result::Held);
  EXPECT_EQ(s.v4(2, 0, true, a), Result::Held);
  EXPECT_EQ(s.v4(3, 0, true, a), Result::Held);
  EXPECT_EQ(r.stats().evicted_for_memory, 1u);
  EXPECT_EQ(r.trainsHeld(), 2u);
  EXPECT_EQ(s.v4(3, 16, false, a), Result::Complete);
  EXPECT_EQ(s.v4(2, 16, false, a), Result::Complete);
  EXPECT_EQ(s.v4(1, 16, false, a), Result::Held);  // its first half was evicted
}

TEST(FragmentReassembler, EvictsOldestTrainWhenMemoryRunsOut) {
  FragmentReassembler::Limits limits;
  limits.max_bytes = 4096;
  FragmentReassembler r(limits);
  Sender s{r};
  Bytes big = filled(1900, 'b');
  EXPECT_EQ(s.v4(1, 0, true, big), Result::Held);
  EXPECT_EQ(s.v4(2, 0, true, big), Result::Held);
  EXPECT_LE(r.stats().bytes_held, 4096u);
  EXPECT_EQ(s.v4(3, 0, true, big), Result::Held);
  EXPECT_EQ(r.stats().evicted_for_memory, 1u);
  EXPECT_LE(r.stats().bytes_held, 4096u);
  EXPECT_EQ(s.v4(2, 1900, false, filled(100, 'c')), Result::Complete);
  EXPECT_EQ(s.v4(1, 1900, false, filled(100, 'c')), Result::Held);

  // A fragment bigger than all memory cannot be held at all.
  EXPECT_EQ(s.v4(9, 0, true, filled(5000, 'x')), Result::Held);
  EXPECT_LE(r.stats().bytes_held, 4096u);
  EXPECT_EQ(s.v4(9, 5000, false, filled(8, 'x')), Result::Held);
}

TEST(FragmentReassembler, FragmentFloodDropsTrain) {
  FragmentReassembler::Limits limits;
  limits.max_fragments_per_train = 4;
  FragmentReassembler r(limits);
  Sender s{r};
  for (uint32_t i = 0; i < 5; ++i) EXPECT_EQ(s.v4(1, i * 8, true, filled(8, 0)), Result::Held);
  EXPECT_EQ(r.stats().too_many_fragments, 1u);
  EXPECT_EQ(r.trainsHeld(), 0u);
}

TEST(FragmentReassembler, ShuffledTrainsInterleaved) {
  std::mt19937 rng(5);
  FragmentReassembler r;
  Sender s{r};
  struct Piece {
    uint32_t id, offset;
    bool more;
    Bytes data;
  };
  std::vector<Piece> pieces;
  std::vector<Bytes> originals;
  for (uint32_t id = 0; id < 200; ++id) {
    // Over one piece, so a late duplicate cannot complete a datagram on its own.
    Bytes d = sequence(600 + rng() % 9000, static_cast<uint8_t>(id));
    for (uint32_t off = 0; off < d.size(); off += 512) {
      uint32_t len = std::min<uint32_t>(512, static_cast<uint32_t>(d.size()) - off);
      pieces.push_back({id, off, off + len < d.size(), slice(d, off, len)});
      if (rng() % 10 == 0) pieces.push_back(pieces.back());  // duplicates
    }
    originals.push_back(d);
  }
  std::shuffle(pieces.begin(), pieces.end(), rng);
  uint32_t completed = 0;
  for (const auto& p : pieces) {
    Result res = s.v4(p.id, p.offset, p.more, p.data);
    if (res == Result::Complete) {
      ++completed;
      uint32_t id = r.datagram()[4] << 8 | r.datagram()[5];
      ASSERT_EQ(datagramBody(r, 20), originals[id]);
    }
  }
  EXPECT_EQ(completed, 200u);
  r.expire(3'600'000'000);  // late duplicates started trains of their own
  EXPECT_EQ(r.stats().bytes_held, 0u);
}

}  // namespace
}  // namespace mamori
