#include "capture/tcp_reassembler.h"

#include <algorithm>
#include <cstring>
#include <limits>

namespace mamori {
namespace {

// Data further ahead than this is not from this stream (or is an evasion attempt): even a
// fully scaled window is 1 GiB, and buffering it would only turn the stream into a gap.
constexpr int64_t kMaxAhead = int64_t{1} << 30;

// RFC 5961 accepts a RST only at the receiver's next sequence number. We may lag behind
// the receiver (lost capture), so allow some slack past what we have seen, but not so much
// that a blind injected RST could end the stream for us while the real one goes on.
constexpr int64_t kRstWindow = int64_t{1} << 20;

uint32_t chunksFor(uint64_t len) {
  return static_cast<uint32_t>((len + TcpReassembler::kChunkBytes - 1) / TcpReassembler::kChunkBytes);
}

// Serial-number arithmetic (RFC 1982) around the position we know in 64 bits: a sequence
// number within 2^31 of next_offset maps to an unambiguous stream offset.
int64_t offsetOf(const TcpStream& s, uint32_t seq) {
  const uint32_t next_seq = s.base_seq + static_cast<uint32_t>(s.next_offset);
  return static_cast<int64_t>(s.next_offset) + static_cast<int32_t>(seq - next_seq);
}

}  // namespace

TcpReassembler::TcpReassembler() : TcpReassembler(Limits{}) {}

TcpReassembler::TcpReassembler(const Limits& limits) {
  const size_t per_chunk = kChunkBytes + sizeof(uint32_t) + sizeof(SegMeta);
  const size_t n = std::min<size_t>(limits.pool_bytes / per_chunk, std::numeric_limits<uint32_t>::max() - 1);
  max_chunks_per_stream_ = static_cast<uint32_t>(
      std::min<size_t>(limits.max_buffered_per_stream / kChunkBytes, std::numeric_limits<uint32_t>::max()));
  depth_ = static_cast<int64_t>(std::min<uint64_t>(limits.depth, std::numeric_limits<int64_t>::max()));
  pool_ = std::make_unique_for_overwrite<uint8_t[]>(n * kChunkBytes);
  // Index 0 means "none", so chunk i lives at slot i and slot 0 is never handed out.
  next_.resize(n + 1);
  seg_.resize(n + 1);
  // Ascending order, so fresh multi-chunk segments are physically contiguous and are
  // delivered in one call.
  for (uint32_t i = 1; i <= n; ++i) next_[i] = i < n ? i + 1 : 0;
  free_head_ = n ? 1 : 0;
  free_count_ = n;
}

void TcpReassembler::onSegment(uint64_t flow_id, Direction dir, TcpStream& s, const DecodedPacket& pkt,
                               StreamConsumer& consumer) {
  ++stats_.segments;
  const uint8_t f = pkt.tcp_flags;
  const bool syn = f & tcpflag::Syn;
  const uint32_t data_seq = pkt.tcp_seq + (syn ? 1 : 0);

  if (s.closed()) {
    if (pkt.payload_len) {
      const bool old = s.started() && offsetOf(s, data_seq) + pkt.payload_len <= static_cast<int64_t>(s.next_offset);
      ++(old ? stats_.retransmissions : stats_.after_close);
    }
    return;
  }

  if (!s.started()) {
    if (syn) {
      s.base_seq = data_seq;
      s.flags |= TcpStream::kStarted | TcpStream::kSynSeen;
    } else if (f & tcpflag::Rst) {
      closeStream(s);
      return;
    } else if (pkt.payload_len || (f & tcpflag::Fin)) {
      s.base_seq = data_seq;
      s.flags |= TcpStream::kStarted | TcpStream::kMidstream;
      ++stats_.midstream;
    } else {
      return;  // a bare ACK gives nothing to anchor the stream on
    }
  }

  Ctx c{flow_id, dir, s, consumer};
  const int64_t begin = offsetOf(s, data_seq);
  const int64_t next = static_cast<int64_t>(s.next_offset);
  int64_t known_end = next;
  if (s.tail) known_end = std::max(known_end, static_cast<int64_t>(seg_[s.tail].offset + seg_[s.tail].len));

  if (f & tcpflag::Rst) {
    if (begin < next || begin > known_end + kRstWindow) {
      ++stats_.rst_ignored;
      return;
    }
    flush(flow_id, dir, s, consumer);
    return;
  }

  // A keep-alive repeats the byte before the sender's next sequence number (or sends
  // none); counting it as a retransmission, or buffering its garbage byte in a hole,
  // would be wrong.
  if (!(f & (tcpflag::Syn | tcpflag::Fin)) && pkt.payload_len <= 1 && begin + 1 == known_end) {
    ++stats_.keepalives;
    return;
  }

  if ((f & tcpflag::Fin) && !(s.flags & TcpStream::kFinSeen)) {
    const int64_t fin = begin + pkt.payload_len;
    if (fin >= next && fin - next <= kMaxAhead) {
      s.fin_offset = static_cast<uint64_t>(fin);
      s.flags |= TcpStream::kFinSeen;
    }
  }

  if (pkt.payload_len) handleData(c, begin, pkt.payload, pkt.payload_len);
  if (s.head) giveUpAckedHoles(c);

  if ((s.flags & TcpStream::kFinSeen) && s.next_offset >= s.fin_offset) closeStream(s);
}

void TcpReassembler::handleData(Ctx& c, int64_t begin, const uint8_t* data, uint32_t len) {
  TcpStream& s = c.s;
  int64_t end = begin + len;
  if (s.flags & TcpStream::kFinSeen) {
    const int64_t fin = static_cast<int64_t>(s.fin_offset);
    if (end > fin) {
      ++stats_.after_close;
      if (begin >= fin) return;
      end = fin;
    }
  }
  if (depth_ && end > depth_) {
    ++stats_.past_depth;
    if (begin >= depth_) return;
    end = depth_;
  }
  int64_t next = static_cast<int64_t>(s.next_offset);
  if (end <= next) {
    ++stats_.retransmissions;
    return;
  }
  if (begin - next > kMaxAhead) {
    ++stats_.out_of_window;
    return;
  }
  if (begin < next) {
    c.repeated = true;
    data += next - begin;
    begin = next;
  }
  if (begin > next) ++stats_.out_of_order;

  for (;;) {
    const uint64_t b = static_cast<uint64_t>(begin), e = static_cast<uint64_t>(end);
    if (b == s.next_offset) {
      deliverInOrder(c, b, e, data);
      break;
    }
    const size_t need = chunksForNewBytes(s, b, e);
    const bool over_cap = s.chunks + need > max_chunks_per_stream_;
    const bool pool_empty = need > free_count_;
    if (!over_cap && !pool_empty) {
      storeNewBytes(c, b, e, data);
      break;
    }
    ++(over_cap ? stats_.stream_cap_hits : stats_.pool_exhausted);
    // Give up the oldest hole first: it is the least likely to be filled, and its
    // buffered data behind it frees the most room. With nothing of our own to give back,
    // skip straight to this segment and deliver it from the packet.
    if (s.head) {
      giveUpFirstHole(c);
    } else {
      gap(c, b - s.next_offset);
    }
    next = static_cast<int64_t>(s.next_offset);
    if (end <= next) {
      c.repeated = true;
      break;
    }
    if (begin < next) {
      c.repeated = true;
      data += next - begin;
      begin = next;
    }
  }
  if (c.repeated) ++stats_.retransmissions;
  if (c.differs) ++stats_.overlaps;
}

void TcpReassembler::deliverInOrder(Ctx& c, uint64_t begin, uint64_t end, const uint8_t* data) {
  TcpStream& s = c.s;
  uint64_t cur = begin;
  while (cur < end) {
    const uint32_t g = s.head;
    if (!g || seg_[g].offset >= end) {
      emit(c, data + (cur - begin), end - cur, cur);
      break;
    }
    // Buffered data inside the packet's range was there first, so it wins.
    const SegMeta m = seg_[g];
    if (m.offset > cur) emit(c, data + (cur - begin), m.offset - cur, cur);
    const uint64_t hi = std::min<uint64_t>(end, m.offset + m.len);
    c.repeated = true;
    if (differs(g, m.offset, data + (m.offset - begin), hi - m.offset)) c.differs = true;
    emitSegment(c, g);
    popHead(s);
    freeSegment(g);
    cur = m.offset + m.len;
  }
  drainContiguous(c);
}

size_t TcpReassembler::chunksForNewBytes(const TcpStream& s, uint64_t begin, uint64_t end) const {
  if (!s.tail || seg_[s.tail].offset + seg_[s.tail].len <= begin) return chunksFor(end - begin);
  size_t need = 0;
  uint64_t cur = begin;
  for (uint32_t g = s.head; g && cur < end; g = seg_[g].next_seg) {
    const uint64_t m_end = seg_[g].offset + seg_[g].len;
    if (m_end <= cur) continue;
    if (seg_[g].offset > cur) need += chunksFor(std::min(end, seg_[g].offset) - cur);
    cur = std::max(cur, m_end);
  }
  if (cur < end) need += chunksFor(end - cur);
  return need;
}

void TcpReassembler::storeNewBytes(Ctx& c, uint64_t begin, uint64_t end, const uint8_t* data) {
  TcpStream& s = c.s;
  uint32_t prev = 0;
  auto insert = [&](uint64_t from, uint64_t to) {
    const uint32_t seg = storePiece(from, data + (from - begin), static_cast<uint32_t>(to - from));
    seg_[seg].next_seg = prev ? seg_[prev].next_seg : s.head;
    (prev ? seg_[prev].next_seg : s.head) = seg;
    if (!seg_[seg].next_seg) s.tail = seg;
    s.chunks += chunksFor(to - from);
    prev = seg;
  };

  uint64_t cur = begin;
  uint32_t g = s.head;
  if (s.tail && seg_[s.tail].offset + seg_[s.tail].len <= begin) {
    prev = s.tail;
    g = 0;
  }
  for (; g && cur < end; g = seg_[g].next_seg) {
    const SegMeta& m = seg_[g];
    const uint64_t m_end = m.offset + m.len;
    if (m_end > cur) {
      if (m.offset > cur) insert(cur, std::min(end, m.offset));
      if (m.offset < end) {
        const uint64_t lo = std::max(cur, m.offset), hi = std::min(end, m_end);
        c.repeated = true;
        if (differs(g, lo, data + (lo - begin), hi - lo)) c.differs = true;
      }
      cur = std::max(cur, m_end);
    }
    prev = g;
  }
  if (cur < end) insert(cur, end);
}

uint32_t TcpReassembler::storePiece(uint64_t offset, const uint8_t* data, uint32_t len) {
  const uint32_t first = free_head_;
  uint32_t idx = first;
  for (uint32_t done = 0;;) {
    const uint32_t n = std::min<uint32_t>(kChunkBytes, len - done);
    std::memcpy(chunkData(idx), data + done, n);
    done += n;
    --free_count_;
    ++stats_.chunks_in_use;
    if (done == len) {
      free_head_ = next_[idx];
      next_[idx] = 0;
      break;
    }
    idx = next_[idx];
  }
  seg_[first] = SegMeta{offset, len, 0};
  stats_.bytes_buffered_now += len;
  return first;
}

bool TcpReassembler::differs(uint32_t seg, uint64_t from, const uint8_t* data, uint64_t len) const {
  uint64_t pos = from - seg_[seg].offset;
  uint32_t idx = seg;
  for (; pos >= kChunkBytes; pos -= kChunkBytes) idx = next_[idx];
  while (len) {
    const uint64_t n = std::min<uint64_t>(kChunkBytes - pos, len);
    if (std::memcmp(chunkData(idx) + pos, data, n) != 0) return true;
    data += n;
    len -= n;
    pos = 0;
    idx = next_[idx];
  }
  return false;
}

void TcpReassembler::onAck(TcpStream& s, uint32_t ack) {
  // Before the stream is anchored an acknowledgement has no offset to stand for.
  if (!s.started()) return;
  if (!(s.flags & TcpStream::kAcked) || static_cast<int32_t>(ack - s.acked_seq) > 0) {
    s.acked_seq = ack;
    s.flags |= TcpStream::kAcked;
  }
}

void TcpReassembler::giveUpAckedHoles(Ctx& c) {
  TcpStream& s = c.s;
  if (!(s.flags & TcpStream::kAcked)) return;
  const int64_t acked = offsetOf(s, s.acked_seq);
  // Only a hole acknowledged to its end: bytes past the acknowledgement may still come.
  while (s.head && seg_[s.head].offset > s.next_offset && acked >= static_cast<int64_t>(seg_[s.head].offset)) {
    ++stats_.acked_holes;
    giveUpFirstHole(c);
  }
}

void TcpReassembler::giveUpFirstHole(Ctx& c) {
  gap(c, seg_[c.s.head].offset - c.s.next_offset);
  // The gap stops at a FIN learnt after data past it was buffered; that data (and, the
  // list being sorted, everything behind it) can never be delivered.
  if (seg_[c.s.head].offset > c.s.next_offset) dropBuffered(c.s);
  drainContiguous(c);
}

void TcpReassembler::drainContiguous(Ctx& c) {
  TcpStream& s = c.s;
  while (s.head && seg_[s.head].offset == s.next_offset) {
    const uint32_t g = s.head;
    emitSegment(c, g);
    popHead(s);
    freeSegment(g);
  }
}

void TcpReassembler::emit(Ctx& c, const uint8_t* data, uint64_t len, uint64_t offset) {
  TcpStream& s = c.s;
  if ((s.flags & TcpStream::kFinSeen) && offset + len > s.fin_offset) {
    len = offset < s.fin_offset ? s.fin_offset - offset : 0;
  }
  if (!len) return;
  c.consumer.onStreamData(c.flow_id, c.dir, data, len, offset);
  stats_.bytes_delivered += len;
  s.next_offset = offset + len;
}

void TcpReassembler::emitSegment(Ctx& c, uint32_t seg) {
  // Buffered segments never overlap and are only emitted once the stream has reached
  // them, so the whole segment is new.
  const SegMeta m = seg_[seg];
  uint64_t pos = 0;
  uint32_t idx = seg;
  while (pos < m.len) {
    // Chunks taken in a row from the free list are adjacent in memory: hand them over
    // as one block.
    const uint32_t run_start = idx;
    const uint64_t remaining = m.len - pos;
    uint64_t run = std::min<uint64_t>(kChunkBytes, remaining);
    while (run < remaining && next_[idx] == idx + 1) {
      ++idx;
      run += std::min<uint64_t>(kChunkBytes, remaining - run);
    }
    emit(c, chunkData(run_start), run, m.offset + pos);
    pos += run;
    idx = next_[idx];
  }
}

void TcpReassembler::gap(Ctx& c, uint64_t len) {
  TcpStream& s = c.s;
  if (s.flags & TcpStream::kFinSeen) len = std::min(len, s.fin_offset - std::min(s.fin_offset, s.next_offset));
  if (!len) return;
  c.consumer.onStreamGap(c.flow_id, c.dir, s.next_offset, len);
  ++stats_.gaps;
  stats_.gap_bytes += len;
  s.next_offset += len;
}

void TcpReassembler::popHead(TcpStream& s) {
  const uint32_t g = s.head;
  s.head = seg_[g].next_seg;
  if (!s.head) s.tail = 0;
  s.chunks -= chunksFor(seg_[g].len);
}

void TcpReassembler::freeSegment(uint32_t seg) {
  // Splice the whole chain onto the free list in its own order, so that a recycled
  // segment's chunks come back out still adjacent.
  uint32_t last = seg;
  uint32_t n = 1;
  while (next_[last]) {
    last = next_[last];
    ++n;
  }
  next_[last] = free_head_;
  free_head_ = seg;
  free_count_ += n;
  stats_.chunks_in_use -= n;
  stats_.bytes_buffered_now -= seg_[seg].len;
}

void TcpReassembler::dropBuffered(TcpStream& s) {
  while (s.head) {
    const uint32_t g = s.head;
    popHead(s);
    freeSegment(g);
  }
}

void TcpReassembler::closeStream(TcpStream& s) {
  dropBuffered(s);
  s.flags |= TcpStream::kClosed;
}

void TcpReassembler::flush(uint64_t flow_id, Direction dir, TcpStream& s, StreamConsumer& consumer) {
  if (!s.closed() && s.started()) {
    Ctx c{flow_id, dir, s, consumer};
    while (s.head) giveUpFirstHole(c);
    if ((s.flags & TcpStream::kFinSeen) && s.next_offset < s.fin_offset) gap(c, s.fin_offset - s.next_offset);
  }
  closeStream(s);
}

}  // namespace mamori
