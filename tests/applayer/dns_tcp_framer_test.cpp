#include "applayer/dns_tcp_framer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mamori {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes message(uint8_t fill, size_t len) {
  Bytes m(len, fill);
  if (len >= 2) m[0] = static_cast<uint8_t>(len), m[1] = fill;  // distinct first bytes
  return m;
}

Bytes framed(const std::vector<Bytes>& messages) {
  Bytes out;
  for (const auto& m : messages) {
    out.push_back(static_cast<uint8_t>(m.size() >> 8));
    out.push_back(static_cast<uint8_t>(m.size() & 0xff));
    out.insert(out.end(), m.begin(), m.end());
  }
  return out;
}

struct Collect {
  std::vector<Bytes> got;
  void operator()(const uint8_t* d, size_t n) { got.emplace_back(d, d + n); }
};

TEST(DnsTcpFramer, MessageSplitByteByByte) {
  const std::vector<Bytes> msgs = {message(1, 40), message(2, 300), message(3, 1)};
  const Bytes stream = framed(msgs);
  DnsTcpFramer f;
  Collect c;
  for (uint8_t b : stream) f.feed(&b, 1, c);
  EXPECT_EQ(c.got, msgs);
  EXPECT_EQ(f.counters().messages, 3u);
}

TEST(DnsTcpFramer, SeveralMessagesInOneChunk) {
  const std::vector<Bytes> msgs = {message(1, 12), message(2, 512), message(3, 70)};
  const Bytes stream = framed(msgs);
  DnsTcpFramer f;
  Collect c;
  f.feed(stream.data(), stream.size(), c);
  EXPECT_EQ(c.got, msgs);
}

TEST(DnsTcpFramer, ChunksCuttingAnywhere) {
  const std::vector<Bytes> msgs = {message(1, 100), message(2, 65535), message(3, 3), message(4, 700)};
  const Bytes stream = framed(msgs);
  for (size_t chunk : {2u, 3u, 7u, 101u, 4096u}) {
    DnsTcpFramer f;
    Collect c;
    for (size_t at = 0; at < stream.size(); at += chunk)
      f.feed(stream.data() + at, std::min(chunk, stream.size() - at), c);
    EXPECT_EQ(c.got, msgs) << chunk;
  }
}

TEST(DnsTcpFramer, GapMidMessageDropsOnlyThePartialMessage) {
  const Bytes first = framed({message(1, 50)});
  const Bytes after = framed({message(2, 30), message(3, 20)});
  DnsTcpFramer f;
  Collect c;
  f.feed(first.data(), 20, c);  // prefix and 18 bytes of the message, then the rest is lost
  f.gap();
  f.feed(after.data(), after.size(), c);
  ASSERT_EQ(c.got.size(), 2u);
  EXPECT_EQ(c.got[0], message(2, 30));
  EXPECT_EQ(c.got[1], message(3, 20));
  EXPECT_EQ(f.counters().partials_dropped, 1u);

  f.feed(after.data(), 1, c);  // half a length prefix
  f.gap();
  f.feed(after.data(), after.size(), c);
  EXPECT_EQ(c.got.size(), 4u);
  EXPECT_EQ(f.counters().partials_dropped, 2u);

  f.gap();  // nothing pending: nothing dropped
  EXPECT_EQ(f.counters().partials_dropped, 2u);
}

TEST(DnsTcpFramer, ZeroLengthPrefixIsSkipped) {
  Bytes stream = {0, 0};
  const Bytes m = framed({message(5, 16)});
  stream.insert(stream.end(), m.begin(), m.end());
  DnsTcpFramer f;
  Collect c;
  f.feed(stream.data(), 1, c);
  f.feed(stream.data() + 1, stream.size() - 1, c);
  ASSERT_EQ(c.got.size(), 1u);
  EXPECT_EQ(c.got[0], message(5, 16));
  EXPECT_EQ(f.counters().empty_messages, 1u);
}

}  // namespace
}  // namespace mamori
