#include "capture/tcp_reassembler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <numeric>
#include <random>
#include <string>
#include <vector>

namespace mamori {
namespace {

using tcpflag::Ack;
using tcpflag::Fin;
using tcpflag::Rst;
using tcpflag::Syn;

constexpr uint64_t kFlow = 42;

// Keeps the whole stream it is given, with gaps written as '#', and checks that data and
// gaps arrive back to back.
struct Recorder : StreamConsumer {
  struct Data {
    uint64_t offset;
    std::string bytes;
    const uint8_t* ptr;
  };
  struct Gap {
    uint64_t offset, len;
  };
  std::vector<Data> data;
  std::vector<Gap> gaps;
  std::string stream;
  uint64_t next = 0;

  void onStreamData(uint64_t flow_id, Direction dir, const uint8_t* p, size_t len, uint64_t offset) override {
    EXPECT_EQ(flow_id, kFlow);
    EXPECT_EQ(dir, Direction::ToServer);
    EXPECT_EQ(offset, next);
    EXPECT_GT(len, 0u);
    data.push_back({offset, std::string(reinterpret_cast<const char*>(p), len), p});
    stream.append(reinterpret_cast<const char*>(p), len);
    next = offset + len;
  }
  void onStreamGap(uint64_t flow_id, Direction dir, uint64_t offset, uint64_t len) override {
    EXPECT_EQ(flow_id, kFlow);
    EXPECT_EQ(dir, Direction::ToServer);
    EXPECT_EQ(offset, next);
    EXPECT_GT(len, 0u);
    gaps.push_back({offset, len});
    stream.append(len, '#');
    next = offset + len;
  }
};

class TcpReassemblerTest : public ::testing::Test {
 protected:
  TcpReassemblerTest(TcpReassembler::Limits limits = {.pool_bytes = 4 << 20}) : r(limits) {}

  // Payloads must outlive the packets that point at them; a deque never moves its elements.
  const DecodedPacket& send(TcpStream& stream, uint32_t seq, const std::string& payload,
                            uint8_t flags = Ack) {
    payloads.push_back(payload);
    DecodedPacket& p = packets.emplace_back();
    p.proto = static_cast<uint8_t>(IpProto::Tcp);
    p.tcp_seq = seq;
    p.tcp_flags = flags;
    p.payload = reinterpret_cast<const uint8_t*>(payloads.back().data());
    p.payload_len = static_cast<uint32_t>(payloads.back().size());
    r.onSegment(kFlow, Direction::ToServer, stream, p, rec);
    return p;
  }
  const DecodedPacket& send(uint32_t seq, const std::string& payload, uint8_t flags = Ack) {
    return send(s, seq, payload, flags);
  }

  void expectPoolEmpty() {
    EXPECT_EQ(r.freeChunks(), r.poolChunks());
    EXPECT_EQ(r.stats().bytes_buffered_now, 0u);
    EXPECT_EQ(r.stats().chunks_in_use, 0u);
  }

  TcpReassembler r;
  TcpStream s;
  Recorder rec;
  std::deque<std::string> payloads;
  std::deque<DecodedPacket> packets;
};

std::string pattern(size_t n, uint32_t seed = 1) {
  std::string out(n, '\0');
  std::mt19937 rng(seed);
  for (char& c : out) c = static_cast<char>('a' + rng() % 26);
  return out;
}

TEST_F(TcpReassemblerTest, InOrderIsDeliveredAtOnceWithSynTakingOneSequenceNumber) {
  send(1000, "", Syn);
  send(1001, "hello");
  ASSERT_EQ(rec.data.size(), 1u);
  send(1006, " world");
  ASSERT_EQ(rec.data.size(), 2u);
  EXPECT_EQ(rec.data[0].offset, 0u);
  EXPECT_EQ(rec.data[1].offset, 5u);
  EXPECT_EQ(rec.stream, "hello world");
  EXPECT_EQ(s.next_offset, 11u);
  EXPECT_FALSE(s.midstream());
  EXPECT_EQ(r.stats().bytes_delivered, 11u);
  EXPECT_EQ(r.stats().segments, 3u);
  EXPECT_EQ(r.stats().out_of_order, 0u);
  expectPoolEmpty();
}

TEST_F(TcpReassemblerTest, InOrderDataIsNotCopied) {
  send(7, "", Syn);
  const DecodedPacket& a = send(8, "abc");
  const DecodedPacket& b = send(11, pattern(3000));
  ASSERT_EQ(rec.data.size(), 2u);
  EXPECT_EQ(rec.data[0].ptr, a.payload);
  EXPECT_EQ(rec.data[1].ptr, b.payload);
  EXPECT_EQ(r.stats().chunks_in_use, 0u);
}

TEST_F(TcpReassemblerTest, SynWithDataStartsAtOffsetZero) {
  send(500, "fast", Syn);
  send(505, "open");
  EXPECT_EQ(rec.stream, "fastopen");
  send(500, "fast", Syn);
  EXPECT_EQ(rec.stream, "fastopen");
  EXPECT_EQ(r.stats().retransmissions, 1u);
}

TEST_F(TcpReassemblerTest, OutOfOrderIsHeldUntilTheHoleFills) {
  send(0, "", Syn);
  send(6, "world");
  send(11, "!");
  EXPECT_TRUE(rec.data.empty());
  EXPECT_EQ(r.stats().bytes_buffered_now, 6u);
  EXPECT_EQ(r.stats().out_of_order, 2u);
  const DecodedPacket& hole = send(1, "hello");
  EXPECT_EQ(rec.stream, "helloworld!");
  EXPECT_EQ(rec.data[0].ptr, hole.payload);
  EXPECT_EQ(s.next_offset, 11u);
  expectPoolEmpty();
}

TEST_F(TcpReassemblerTest, EveryPermutationOfFiveSegmentsGivesTheSameStream) {
  const std::string text = pattern(5 * 700);
  std::vector<int> order(5);
  std::iota(order.begin(), order.end(), 0);
  int permutations = 0;
  do {
    TcpStream st;
    Recorder out;
    DecodedPacket syn;
    syn.tcp_seq = 99;
    syn.tcp_flags = Syn;
    r.onSegment(kFlow, Direction::ToServer, st, syn, out);
    for (int i : order) {
      DecodedPacket p;
      p.tcp_seq = 100 + i * 700;
      p.tcp_flags = Ack;
      p.payload = reinterpret_cast<const uint8_t*>(text.data()) + i * 700;
      p.payload_len = 700;
      r.onSegment(kFlow, Direction::ToServer, st, p, out);
    }
    ASSERT_EQ(out.stream, text) << "permutation " << permutations;
    EXPECT_TRUE(out.gaps.empty());
    expectPoolEmpty();
    ++permutations;
  } while (std::next_permutation(order.begin(), order.end()));
  EXPECT_EQ(permutations, 120);
  EXPECT_EQ(r.stats().overlaps, 0u);
  EXPECT_EQ(r.stats().retransmissions, 0u);
}

TEST_F(TcpReassemblerTest, ShuffledHundredSegmentsWithDuplicatesRebuildTheStream) {
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    std::mt19937 rng(seed);
    struct Piece {
      uint32_t begin, len;
    };
    std::vector<Piece> pieces;
    uint32_t total = 0;
    for (int i = 0; i < 100; ++i) {
      const uint32_t len = 1 + rng() % 1500;
      pieces.push_back({total, len});
      total += len;
    }
    const std::string text = pattern(total, seed);
    for (int i = 0; i < 30; ++i) pieces.push_back(pieces[rng() % 100]);
    // Retransmissions re-segmented differently from the original, straddling boundaries.
    for (int i = 0; i < 20; ++i) {
      const uint32_t begin = rng() % total;
      pieces.push_back({begin, std::min<uint32_t>(1 + rng() % 3000, total - begin)});
    }
    std::shuffle(pieces.begin(), pieces.end(), rng);

    TcpStream st;
    Recorder out;
    const uint32_t isn = static_cast<uint32_t>(rng());
    DecodedPacket syn;
    syn.tcp_seq = isn;
    syn.tcp_flags = Syn;
    r.onSegment(kFlow, Direction::ToServer, st, syn, out);
    for (const Piece& pc : pieces) {
      DecodedPacket p;
      p.tcp_seq = isn + 1 + pc.begin;
      p.tcp_flags = Ack;
      p.payload = reinterpret_cast<const uint8_t*>(text.data()) + pc.begin;
      p.payload_len = pc.len;
      r.onSegment(kFlow, Direction::ToServer, st, p, out);
    }
    ASSERT_EQ(out.stream.size(), text.size()) << "seed " << seed;
    ASSERT_TRUE(out.stream == text) << "seed " << seed;
    EXPECT_TRUE(out.gaps.empty());
    expectPoolEmpty();
  }
  EXPECT_EQ(r.stats().overlaps, 0u);
  EXPECT_GT(r.stats().retransmissions, 0u);
  EXPECT_GT(r.stats().out_of_order, 0u);
}

TEST_F(TcpReassemblerTest, RetransmissionIsDeliveredOnceAndCounted) {
  send(0, "", Syn);
  send(1, "abcdef");
  send(1, "abcdef");
  send(4, "def");
  EXPECT_EQ(rec.stream, "abcdef");
  EXPECT_EQ(rec.data.size(), 1u);
  EXPECT_EQ(r.stats().retransmissions, 2u);
}

TEST_F(TcpReassemblerTest, PartialOverlapWithDeliveredDataDeliversOnlyTheNewPart) {
  send(0, "", Syn);
  send(1, "0123456789");
  const DecodedPacket& p = send(6, "56789ABCDE");
  ASSERT_EQ(rec.data.size(), 2u);
  EXPECT_EQ(rec.data[1].offset, 10u);
  EXPECT_EQ(rec.data[1].bytes, "ABCDE");
  EXPECT_EQ(rec.data[1].ptr, p.payload + 5);
  EXPECT_EQ(rec.stream, "0123456789ABCDE");
  EXPECT_EQ(r.stats().retransmissions, 1u);
}

TEST_F(TcpReassemblerTest, BufferedBytesWinOverLaterDifferingOutOfOrderBytes) {
  send(0, "", Syn);
  send(11, "BBBB");      // offsets 10..13
  send(9, "xxXXXXxx");   // offsets 8..15: only 8..9 and 14..15 are new
  EXPECT_EQ(r.stats().overlaps, 1u);
  EXPECT_EQ(r.stats().retransmissions, 1u);
  EXPECT_EQ(r.stats().bytes_buffered_now, 8u);
  send(1, "01234567");
  EXPECT_EQ(rec.stream, "01234567xxBBBBxx");
  expectPoolEmpty();
}

TEST_F(TcpReassemblerTest, BufferedBytesWinOverADifferingPacketThatFillsTheHole) {
  send(0, "", Syn);
  send(5, "KEEP");  // offsets 4..7
  send(1, "0123drop89");
  EXPECT_EQ(rec.stream, "0123KEEP89");
  EXPECT_EQ(r.stats().overlaps, 1u);
  ASSERT_EQ(rec.data.size(), 3u);
  EXPECT_EQ(rec.data[2].ptr, packets.back().payload + 8);
  expectPoolEmpty();
}

TEST_F(TcpReassemblerTest, IdenticalOverlapIsARetransmissionNotAnOverlap) {
  send(0, "", Syn);
  send(5, "4567");
  send(3, "234567");
  EXPECT_EQ(r.stats().overlaps, 0u);
  EXPECT_EQ(r.stats().retransmissions, 1u);
  send(1, "01");
  EXPECT_EQ(rec.stream, "01234567");
}

TEST_F(TcpReassemblerTest, SequenceNumbersWrapAround) {
  const uint32_t isn = 0xFFFFFFF0u;
  send(isn, "", Syn);
  send(isn + 1, "0123456789");         // up to 0xFFFFFFFB
  send(isn + 21, "klmnopqrst");        // wrapped: 0x00000005
  send(isn + 11, "abcdefghij");        // crosses 2^32
  send(isn + 1, "0123456789");
  EXPECT_EQ(rec.stream, "0123456789abcdefghijklmnopqrst");
  EXPECT_EQ(rec.data[2].offset, 20u);
  EXPECT_EQ(r.stats().retransmissions, 1u);
  send(isn + 31, "z", Fin);
  EXPECT_TRUE(s.closed());
  EXPECT_EQ(rec.stream.back(), 'z');
}

// Counts rather than keeps, so that more than 4 GiB can go through.
struct Counter : StreamConsumer {
  uint64_t next = 0, bytes = 0, gaps = 0;
  void onStreamData(uint64_t, Direction, const uint8_t*, size_t len, uint64_t offset) override {
    EXPECT_EQ(offset, next);
    next = offset + len;
    bytes += len;
  }
  void onStreamGap(uint64_t, Direction, uint64_t, uint64_t) override { ++gaps; }
};

TEST_F(TcpReassemblerTest, StreamsLongerThanFourGibibytesKeepTheirOffsets) {
  const std::string block = pattern(65000);
  Counter out;
  TcpStream st;
  DecodedPacket p;
  p.tcp_seq = 123456789;
  p.tcp_flags = Syn;
  r.onSegment(kFlow, Direction::ToServer, st, p, out);
  uint32_t seq = p.tcp_seq + 1;
  p.tcp_flags = Ack;
  p.payload = reinterpret_cast<const uint8_t*>(block.data());
  p.payload_len = static_cast<uint32_t>(block.size());
  const uint64_t blocks = ((uint64_t{1} << 32) / block.size()) + 2000;
  for (uint64_t i = 0; i < blocks; ++i) {
    // Every thousandth pair arrives swapped, so the buffer is exercised after the wrap too.
    if (i % 1000 == 0 && i + 1 < blocks) {
      p.tcp_seq = seq + static_cast<uint32_t>(block.size());
      r.onSegment(kFlow, Direction::ToServer, st, p, out);
      p.tcp_seq = seq;
      r.onSegment(kFlow, Direction::ToServer, st, p, out);
      seq += 2 * static_cast<uint32_t>(block.size());
      ++i;
      continue;
    }
    p.tcp_seq = seq;
    r.onSegment(kFlow, Direction::ToServer, st, p, out);
    seq += static_cast<uint32_t>(block.size());
  }
  EXPECT_EQ(out.bytes, blocks * block.size());
  EXPECT_GT(out.next, uint64_t{1} << 32);
  EXPECT_EQ(st.next_offset, out.next);
  EXPECT_EQ(out.gaps, 0u);
  expectPoolEmpty();
}

TEST_F(TcpReassemblerTest, MidstreamPicksUpAtTheFirstDataSegment) {
  send(70000, "");  // a bare ACK gives no position
  EXPECT_FALSE(s.started());
  send(80000, "middle");
  EXPECT_TRUE(s.midstream());
  EXPECT_EQ(r.stats().midstream, 1u);
  ASSERT_EQ(rec.data.size(), 1u);
  EXPECT_EQ(rec.data[0].offset, 0u);
  send(79990, "0123456789");  // before the pick-up point: nothing to deliver it into
  send(80006, " on");
  EXPECT_EQ(rec.stream, "middle on");
  EXPECT_EQ(r.stats().retransmissions, 1u);
}

class TcpReassemblerDepthTest : public TcpReassemblerTest {
 protected:
  TcpReassemblerDepthTest() : TcpReassemblerTest({.pool_bytes = 1 << 20, .depth = 1000}) {}
};

TEST_F(TcpReassemblerDepthTest, NothingPastTheDepthIsBufferedOrDelivered) {
  send(0, "", Syn);
  const std::string text = pattern(1600);
  // Out of order past the depth: dropped, not held.
  send(1 + 1200, text.substr(1200, 400));
  EXPECT_EQ(s.chunks, 0u);
  send(1, text.substr(0, 600));
  // Straddling the depth: delivered up to it.
  send(601, text.substr(600, 600));
  send(1201, text.substr(1200, 400));
  EXPECT_EQ(rec.stream, text.substr(0, 1000));
  EXPECT_EQ(r.stats().bytes_delivered, 1000u);
  EXPECT_EQ(r.stats().past_depth, 3u);
  EXPECT_TRUE(rec.gaps.empty());
  r.flush(kFlow, Direction::ToServer, s, rec);
  EXPECT_TRUE(rec.gaps.empty());
  expectPoolEmpty();
}

class TcpReassemblerCapTest : public TcpReassemblerTest {
 protected:
  TcpReassemblerCapTest()
      : TcpReassemblerTest({.pool_bytes = 1 << 20, .max_buffered_per_stream = 4 * TcpReassembler::kChunkBytes}) {}
};

TEST_F(TcpReassemblerCapTest, FullStreamGivesUpItsHoleAndCarriesOn) {
  send(0, "", Syn);
  const std::string text = pattern(100 + 6 * 512);
  // Offsets 0..99 never arrive.
  for (int i = 0; i < 4; ++i) send(101 + i * 512, text.substr(100 + i * 512, 512));
  EXPECT_TRUE(rec.data.empty());
  EXPECT_EQ(s.chunks, 4u);
  const DecodedPacket& fifth = send(101 + 4 * 512, text.substr(100 + 4 * 512, 512));
  EXPECT_EQ(r.stats().stream_cap_hits, 1u);
  ASSERT_EQ(rec.gaps.size(), 1u);
  EXPECT_EQ(rec.gaps[0].offset, 0u);
  EXPECT_EQ(rec.gaps[0].len, 100u);
  EXPECT_EQ(rec.data.back().ptr, fifth.payload);
  send(101 + 5 * 512, text.substr(100 + 5 * 512, 512));
  EXPECT_EQ(rec.stream, std::string(100, '#') + text.substr(100));
  EXPECT_EQ(r.stats().gaps, 1u);
  EXPECT_EQ(r.stats().gap_bytes, 100u);
  // The late hole filler is now old data.
  send(1, text.substr(0, 100));
  EXPECT_EQ(rec.stream.size(), text.size());
  expectPoolEmpty();
}

TEST_F(TcpReassemblerCapTest, OnlyTheOldestHoleIsGivenUpWhenThatMakesRoom) {
  send(0, "", Syn);
  // Holes at 0..9 and 522..531; buffered 10..521 (1 chunk), 532..1043, 1044..1555, 1556..2067.
  const std::string text = pattern(2600);
  send(11, text.substr(10, 512));
  for (int i = 0; i < 3; ++i) send(533 + i * 512, text.substr(532 + i * 512, 512));
  send(2069, text.substr(2068, 512));
  ASSERT_EQ(rec.gaps.size(), 1u);
  EXPECT_EQ(rec.gaps[0].len, 10u);
  EXPECT_EQ(rec.stream, std::string(10, '#') + text.substr(10, 512));
  EXPECT_EQ(s.chunks, 4u);
  send(523, text.substr(522, 10));  // the second hole is still fillable
  EXPECT_EQ(rec.stream, std::string(10, '#') + text.substr(10, 2570));
  EXPECT_EQ(rec.gaps.size(), 1u);
  expectPoolEmpty();
}

TEST_F(TcpReassemblerCapTest, SegmentBiggerThanTheCapIsDeliveredStraightFromThePacket) {
  send(0, "", Syn);
  const std::string big = pattern(5000);
  const DecodedPacket& p = send(51, big);
  ASSERT_EQ(rec.gaps.size(), 1u);
  EXPECT_EQ(rec.gaps[0].len, 50u);
  ASSERT_EQ(rec.data.size(), 1u);
  EXPECT_EQ(rec.data[0].ptr, p.payload);
  EXPECT_EQ(rec.data[0].offset, 50u);
  expectPoolEmpty();
}

TEST(TcpReassemblerPool, ExhaustionWithManyStreamsNeverStallsOrLeaks) {
  TcpReassembler r({.pool_bytes = 16 * 600, .max_buffered_per_stream = 1 << 20});
  const size_t chunks = r.poolChunks();
  ASSERT_GE(chunks, 8u);
  ASSERT_LT(chunks, 20u);
  const std::string text = pattern(10 + 512);
  std::vector<TcpStream> streams(20);
  std::vector<Recorder> recs(20);
  DecodedPacket p;
  for (size_t i = 0; i < streams.size(); ++i) {
    p.tcp_seq = 1000;
    p.tcp_flags = Syn;
    p.payload_len = 0;
    r.onSegment(kFlow, Direction::ToServer, streams[i], p, recs[i]);
    p.tcp_seq = 1011;
    p.tcp_flags = Ack;
    p.payload = reinterpret_cast<const uint8_t*>(text.data()) + 10;
    p.payload_len = 512;
    r.onSegment(kFlow, Direction::ToServer, streams[i], p, recs[i]);
  }
  EXPECT_EQ(r.freeChunks(), 0u);
  EXPECT_EQ(r.stats().pool_exhausted, streams.size() - chunks);
  for (size_t i = 0; i < streams.size(); ++i) {
    p.tcp_seq = 1001;
    p.payload = reinterpret_cast<const uint8_t*>(text.data());
    p.payload_len = 10;
    r.onSegment(kFlow, Direction::ToServer, streams[i], p, recs[i]);
    if (i < chunks) {
      EXPECT_EQ(recs[i].stream, text) << i;
      EXPECT_TRUE(recs[i].gaps.empty());
    } else {
      EXPECT_EQ(recs[i].stream, std::string(10, '#') + text.substr(10)) << i;
    }
    EXPECT_EQ(streams[i].chunks, 0u);
  }
  EXPECT_EQ(r.freeChunks(), chunks);
  EXPECT_EQ(r.stats().bytes_buffered_now, 0u);
}

TEST(TcpReassemblerPool, ExhaustedStreamGivesBackItsOwnChunksFirst) {
  TcpReassembler r({.pool_bytes = 4 * 600, .max_buffered_per_stream = 1 << 20});
  ASSERT_EQ(r.poolChunks(), 4u);
  const std::string text = pattern(5000);
  TcpStream a, b;
  Recorder ra, rb;
  auto seg = [&](TcpStream& st, Recorder& rc, uint32_t off, uint32_t len) {
    DecodedPacket p;
    p.tcp_seq = 1 + off;
    p.tcp_flags = Ack;
    p.payload = reinterpret_cast<const uint8_t*>(text.data()) + off;
    p.payload_len = len;
    r.onSegment(kFlow, Direction::ToServer, st, p, rc);
  };
  DecodedPacket syn;
  syn.tcp_flags = Syn;
  r.onSegment(kFlow, Direction::ToServer, a, syn, ra);
  r.onSegment(kFlow, Direction::ToServer, b, syn, rb);
  seg(b, rb, 100, 1000);  // b holds 2 chunks, behind a hole
  seg(a, ra, 100, 512);
  seg(a, ra, 700, 512);   // a holds 2: pool full
  seg(a, ra, 1300, 512);
  EXPECT_EQ(r.stats().pool_exhausted, 1u);
  // a's first hole went, its data came out, and the new segment took the space it freed.
  ASSERT_EQ(ra.gaps.size(), 1u);
  EXPECT_EQ(ra.gaps[0].len, 100u);
  EXPECT_EQ(ra.stream, std::string(100, '#') + text.substr(100, 512));
  EXPECT_TRUE(rb.stream.empty());
  seg(b, rb, 0, 100);
  EXPECT_EQ(rb.stream, text.substr(0, 1100));
  TcpReassembler::Stats st = r.stats();
  EXPECT_EQ(st.chunks_in_use, 2u);
  r.flush(kFlow, Direction::ToServer, a, ra);
  EXPECT_EQ(ra.stream, std::string(100, '#') + text.substr(100, 512) + std::string(88, '#') +
                           text.substr(700, 512) + std::string(88, '#') + text.substr(1300, 512));
  EXPECT_EQ(r.freeChunks(), 4u);
}

TEST_F(TcpReassemblerTest, FinClosesTheStreamAndLaterDataIsDropped) {
  send(0, "", Syn);
  send(1, "bye", Fin | Ack);
  EXPECT_TRUE(s.closed());
  send(5, "after");
  send(1, "bye");
  EXPECT_EQ(rec.stream, "bye");
  EXPECT_EQ(r.stats().after_close, 1u);
  EXPECT_EQ(r.stats().retransmissions, 1u);
}

TEST_F(TcpReassemblerTest, EarlyFinWaitsForTheHoleAndCutsDataBeyondIt) {
  send(0, "", Syn);
  send(6, "world", Fin | Ack);  // FIN at offset 10
  send(11, "extra");            // past the FIN
  EXPECT_FALSE(s.closed());
  EXPECT_EQ(r.stats().after_close, 1u);
  send(1, "hello");
  EXPECT_EQ(rec.stream, "helloworld");
  EXPECT_TRUE(s.closed());
  expectPoolEmpty();
}

TEST_F(TcpReassemblerTest, DataBufferedBeyondALaterFinIsNeverDelivered) {
  send(0, "", Syn);
  send(9, "abcdefgh");         // offsets 8..15, before the FIN is known
  send(5, "x", Fin | Ack);     // FIN at offset 5
  send(1, "0123");
  EXPECT_EQ(rec.stream, "0123x");
  EXPECT_TRUE(s.closed());
  expectPoolEmpty();
}

TEST_F(TcpReassemblerTest, FinAfterAHoleIsReportedAsGapOnFlush) {
  send(0, "", Syn);
  send(11, "tail", Fin | Ack);  // data 10..13, FIN at 14
  send(21, "junk");             // beyond the FIN
  r.flush(kFlow, Direction::ToServer, s, rec);
  EXPECT_EQ(rec.stream, std::string(10, '#') + "tail");
  EXPECT_TRUE(s.closed());
  expectPoolEmpty();
}

TEST_F(TcpReassemblerTest, RstFlushesBufferedDataAndEndsTheDirection) {
  send(0, "", Syn);
  send(1, "ab");
  send(6, "fg");
  send(9, "ij");
  send(11, "", Rst);
  EXPECT_TRUE(s.closed());
  EXPECT_EQ(rec.stream, "ab###fg#ij");
  ASSERT_EQ(rec.gaps.size(), 2u);
  EXPECT_EQ(rec.gaps[0].offset, 2u);
  EXPECT_EQ(rec.gaps[1].offset, 7u);
  send(11, "late");
  EXPECT_EQ(rec.stream, "ab###fg#ij");
  EXPECT_EQ(r.stats().after_close, 1u);
  expectPoolEmpty();
}

TEST_F(TcpReassemblerTest, RstCarriesNoDataAndRstOutsideTheWindowIsIgnored) {
  send(0, "", Syn);
  send(1, "abc");
  send(1, "old", Rst);                  // before what we delivered
  send(4 + (1u << 30), "", Rst);         // far beyond anything sent
  EXPECT_FALSE(s.closed());
  EXPECT_EQ(r.stats().rst_ignored, 2u);
  send(4, "def");
  send(7, "payload", Rst | Ack);
  EXPECT_TRUE(s.closed());
  EXPECT_EQ(rec.stream, "abcdef");
}

TEST_F(TcpReassemblerTest, RstBeforeAnythingClosesTheStream) {
  send(55, "", Rst | Ack);
  EXPECT_TRUE(s.closed());
  send(56, "x");
  EXPECT_TRUE(rec.stream.empty());
}

TEST_F(TcpReassemblerTest, FlushReportsEveryHoleAndDeliversWhatFollows) {
  send(0, "", Syn);
  send(1, "aa");
  send(5, "dd");
  send(10, std::string(1200, 'i'));  // multi-chunk
  send(2000, "zz");
  EXPECT_GT(r.stats().chunks_in_use, 3u);
  r.flush(kFlow, Direction::ToServer, s, rec);
  EXPECT_EQ(rec.stream, "aa##dd###" + std::string(1200, 'i') + std::string(2000 - 1209 - 1, '#') + "zz");
  EXPECT_EQ(r.stats().gaps, 3u);
  EXPECT_EQ(r.stats().gap_bytes, 2u + 3u + (2000u - 1210u));
  EXPECT_TRUE(s.closed());
  expectPoolEmpty();
  send(2002, "more");
  EXPECT_EQ(rec.stream.substr(rec.stream.size() - 2), "zz");
}

// A tap that lost a segment the receiver got: once the receiver acknowledges past the
// hole, the hole is a gap at the stream's next segment and the data behind it flows again,
// instead of waiting for the flow to end.
TEST_F(TcpReassemblerTest, HoleTheReceiverAcknowledgedIsGivenUpAtTheNextSegment) {
  send(0, "", Syn);
  send(1, "aa");
  send(5, "dd");  // bytes 3..4 lost by the capture
  EXPECT_EQ(rec.stream, "aa");
  TcpReassembler::onAck(s, 5);  // the receiver has everything before the buffered "dd"
  EXPECT_EQ(rec.stream, "aa") << "nothing is delivered outside the stream's own segments";
  send(7, "ee");
  EXPECT_EQ(rec.stream, "aa##ddee");
  EXPECT_EQ(r.stats().acked_holes, 1u);
  EXPECT_EQ(r.stats().gaps, 1u);
  expectPoolEmpty();
}

TEST_F(TcpReassemblerTest, HoleAcknowledgedOnlyInPartWaitsForItsBytes) {
  send(0, "", Syn);
  send(1, "aa");
  send(9, "ii");  // bytes 3..8 missing
  TcpReassembler::onAck(s, 6);  // the receiver has 3..5 only: 6..8 may still come
  send(11, "jj");
  EXPECT_EQ(rec.stream, "aa");
  send(3, "bbcdef");  // the retransmission fills the hole
  EXPECT_EQ(rec.stream, "aabbcdefiijj");
  EXPECT_EQ(r.stats().acked_holes, 0u);
  EXPECT_EQ(r.stats().gaps, 0u);
}

TEST_F(TcpReassemblerTest, OlderAcknowledgementsAndOnesBeforeTheStreamStartsAreIgnored) {
  TcpReassembler::onAck(s, 1000);  // before the stream is anchored: no offset to stand for
  send(0, "", Syn);
  send(1, "aa");
  send(5, "dd");
  send(9, "ff");
  TcpReassembler::onAck(s, 9);
  TcpReassembler::onAck(s, 2);  // late, older: does not pull the acknowledgement back
  send(11, "gg");
  EXPECT_EQ(rec.stream, "aa##dd##ffgg");
  EXPECT_EQ(r.stats().acked_holes, 2u);
  expectPoolEmpty();
}

TEST_F(TcpReassemblerTest, FlushOfAnUntouchedStreamDoesNothing) {
  r.flush(kFlow, Direction::ToServer, s, rec);
  EXPECT_TRUE(rec.stream.empty());
  EXPECT_TRUE(s.closed());
}

TEST_F(TcpReassemblerTest, BufferedMultiChunkSegmentComesOutInOneBlock) {
  send(0, "", Syn);
  const std::string big = pattern(1400);
  send(2, big);
  EXPECT_EQ(s.chunks, 3u);
  send(1, "x");
  ASSERT_EQ(rec.data.size(), 2u);
  EXPECT_EQ(rec.data[1].bytes, big);
  expectPoolEmpty();
}

TEST_F(TcpReassemblerTest, KeepAlivesDisturbNothing) {
  send(0, "", Syn);
  send(0, "");  // keep-alive before any data: seq = ISN
  send(1, "abc");
  send(3, "");
  send(3, std::string(1, '\0'));
  EXPECT_EQ(r.stats().keepalives, 3u);
  EXPECT_EQ(r.stats().retransmissions, 0u);
  // With a hole, the sender's keep-alive sits on the last byte it sent, which we buffered.
  send(8, "hij");
  send(10, std::string(1, '\0'));
  EXPECT_EQ(r.stats().keepalives, 4u);
  EXPECT_EQ(r.stats().overlaps, 0u);
  send(4, "defg");
  EXPECT_EQ(rec.stream, "abcdefghij");
  expectPoolEmpty();
}

TEST_F(TcpReassemblerTest, ZeroLengthSegmentsAndWindowProbesDisturbNothing) {
  send(0, "", Syn);
  send(1, "abc");
  send(4, "");
  send(900, "");
  send(1, "");
  EXPECT_EQ(rec.stream, "abc");
  EXPECT_EQ(r.stats().retransmissions, 0u);
  EXPECT_EQ(r.stats().out_of_order, 0u);
  // Zero-window probe: one byte of new data, sent again and again until the window opens.
  send(4, "d");
  send(4, "d");
  send(4, "defgh");
  EXPECT_EQ(rec.stream, "abcdefgh");
  EXPECT_EQ(r.stats().gaps, 0u);
}

TEST_F(TcpReassemblerTest, DataImplausiblyFarAheadIsIgnored) {
  send(0, "", Syn);
  send(1 + (1u << 31) - 10, "far");
  EXPECT_EQ(r.stats().chunks_in_use, 0u);
  send(1, "near");
  EXPECT_EQ(rec.stream, "near");
  EXPECT_EQ(r.stats().out_of_window, 1u);
}

// Random, overlapping, differing segments on three streams sharing a pool far too small
// for them: whatever comes out must be, byte for byte, what first arrived at that offset.
TEST(TcpReassemblerStress, FirstArrivalWinsUnderPressure) {
  TcpReassembler r({.pool_bytes = 30 * 600, .max_buffered_per_stream = 16 * TcpReassembler::kChunkBytes});
  constexpr uint32_t kLen = 20000;
  std::mt19937 rng(7);
  std::vector<TcpStream> streams(3);
  std::vector<Recorder> recs(3);
  std::vector<std::string> first(3, std::string(kLen, '\0'));
  std::vector<uint32_t> isn(3);
  for (size_t i = 0; i < 3; ++i) {
    isn[i] = static_cast<uint32_t>(rng());
    DecodedPacket syn;
    syn.tcp_seq = isn[i];
    syn.tcp_flags = Syn;
    r.onSegment(kFlow, Direction::ToServer, streams[i], syn, recs[i]);
  }
  for (int n = 0; n < 3000; ++n) {
    const size_t i = rng() % 3;
    const uint32_t begin = rng() % kLen;
    const uint32_t len = std::min<uint32_t>(1 + rng() % 1500, kLen - begin);
    std::string bytes(len, '\0');
    for (char& c : bytes) c = static_cast<char>('a' + rng() % 26);
    for (uint32_t k = 0; k < len; ++k) {
      if (!first[i][begin + k]) first[i][begin + k] = bytes[k];
    }
    DecodedPacket p;
    p.tcp_seq = isn[i] + 1 + begin;
    p.tcp_flags = Ack;
    p.payload = reinterpret_cast<const uint8_t*>(bytes.data());
    p.payload_len = len;
    r.onSegment(kFlow, Direction::ToServer, streams[i], p, recs[i]);
  }
  for (size_t i = 0; i < 3; ++i) {
    r.flush(kFlow, Direction::ToServer, streams[i], recs[i]);
    ASSERT_LE(recs[i].stream.size(), kLen);
    for (size_t o = 0; o < recs[i].stream.size(); ++o) {
      if (recs[i].stream[o] != '#') {
        ASSERT_EQ(recs[i].stream[o], first[i][o]) << "stream " << i << " offset " << o;
      }
    }
  }
  EXPECT_EQ(r.freeChunks(), r.poolChunks());
  EXPECT_EQ(r.stats().bytes_buffered_now, 0u);
  EXPECT_GT(r.stats().overlaps, 0u);
  EXPECT_GT(r.stats().stream_cap_hits + r.stats().pool_exhausted, 0u);
  EXPECT_GT(r.stats().bytes_delivered, 3 * kLen / 2);
  EXPECT_GT(r.stats().gaps, 0u);
}

TEST(TcpReassemblerStream, IsSmallAndZeroIsItsEmptyState) {
  EXPECT_LE(sizeof(TcpStream), 48u);
  TcpStream s;
  EXPECT_FALSE(s.started());
  EXPECT_FALSE(s.closed());
  EXPECT_EQ(s.head, 0u);
}

}  // namespace
}  // namespace mamori
