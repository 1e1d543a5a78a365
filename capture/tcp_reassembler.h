#pragma once
// Per-direction TCP stream reassembly. Consumes: every TCP DecodedPacket of a flow, in
// capture order, with the TcpStream of the packet's direction. Produces: the byte stream
// of that direction, in order, to a StreamConsumer, with holes that can never be filled
// reported as gaps.
//
// Offsets count payload bytes from the first byte after the ISN (SYN and FIN take a
// sequence number each but no offset), in 64 bits, so streams past 4 GiB keep counting
// while sequence numbers wrap.
//
// Limits::depth caps what each direction reassembles, as Suricata's reassembly depth does:
// the start of a stream is where protocols and attacks show themselves, and a bulk
// download past it costs inspection without telling more.
//
// Overlap policy: first data wins. Bytes already delivered, or already buffered, are
// kept; a later segment only contributes the bytes nobody sent before. Where a later
// segment's bytes differ from buffered ones, Stats::overlaps counts it (delivered bytes
// are no longer held, so differences against them cannot be seen).
//
// A hole the receiver has acknowledged past (onAck) will never be filled: the capture lost
// those bytes, the receiver did not. At the stream's next segment it is reported as a gap
// and the data behind it delivered, as Suricata does, rather than held until the stream's
// cap or its end; a tap that drops one segment would otherwise stall that direction's
// parsers and rules. (At the stream's own segment, so that what it delivers is inspected
// with a packet of its direction.)
//
// Memory: out-of-order data lives in a pool of fixed-size chunks allocated once at
// construction and shared by every stream of the worker. A stream holds at most
// Limits::max_buffered_per_stream bytes of chunks; when that cap or the pool runs out,
// the stream gives up its oldest hole (reported as a gap), delivers what was buffered
// behind it and carries on, so it can neither stall nor take the whole pool.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <type_traits>
#include <vector>

#include "capture/direction.h"
#include "capture/packet.h"

namespace mamori {

// One direction of a TCP connection. Zero-filled means "nothing seen yet"; it owns no
// memory itself, but while it holds buffered segments those belong to the TcpReassembler
// that put them there: call that reassembler's flush() before dropping the stream, or
// its chunks stay taken.
struct TcpStream {
  uint64_t next_offset = 0;  // offset of the next byte to deliver
  uint64_t fin_offset = 0;   // meaningful once kFinSeen is set
  uint32_t base_seq = 0;     // sequence number of offset 0 (ISN + 1)
  uint32_t head = 0;         // first buffered segment (chunk index + 1; 0: none)
  uint32_t tail = 0;         // last buffered segment, where in-order arrivals after a hole go
  uint32_t chunks = 0;       // pool chunks this stream holds
  uint32_t acked_seq = 0;    // the highest acknowledgement the receiver sent, once kAcked is set
  uint8_t flags = 0;

  static constexpr uint8_t kStarted = 0x01;    // base_seq is known
  static constexpr uint8_t kSynSeen = 0x02;
  static constexpr uint8_t kMidstream = 0x04;  // picked up at a data segment, no SYN seen
  static constexpr uint8_t kFinSeen = 0x08;
  static constexpr uint8_t kClosed = 0x10;     // FIN reached, RST, or flushed: nothing more is delivered
  static constexpr uint8_t kAcked = 0x20;

  bool started() const { return flags & kStarted; }
  bool midstream() const { return flags & kMidstream; }
  bool closed() const { return flags & kClosed; }
};
static_assert(sizeof(TcpStream) <= 48);
static_assert(std::is_trivially_copyable_v<TcpStream> && std::is_trivially_destructible_v<TcpStream>);

// Who receives in-order stream data (detection and app-layer parsers plug in here).
class StreamConsumer {
 public:
  virtual ~StreamConsumer() = default;
  // `data` is valid only during the call. `offset` = stream offset of data[0].
  virtual void onStreamData(uint64_t flow_id, Direction dir, const uint8_t* data, size_t len,
                            uint64_t offset) = 0;
  // Data between offset and offset+len is missing for good (lost packet, buffer cap hit,
  // flow ended with a hole). The next onStreamData starts at offset+len.
  virtual void onStreamGap(uint64_t flow_id, Direction dir, uint64_t offset, uint64_t len) = 0;
};

// One per worker; not thread-safe; allocates only at construction.
class TcpReassembler {
 public:
  // Chunk payload size. Small enough that a 1460-byte segment wastes little (3 chunks),
  // large enough that the per-chunk bookkeeping stays a few percent of the pool.
  static constexpr size_t kChunkBytes = 512;

  struct Limits {
    size_t pool_bytes = 64 << 20;                // chunks plus their bookkeeping
    size_t max_buffered_per_stream = 1 << 20;    // counted in whole chunks
    // Stream bytes reassembled per direction; later data is neither buffered nor
    // delivered (Suricata's stream.reassembly.depth). 0: no limit.
    uint64_t depth = 0;
  };

  struct Stats {
    uint64_t segments = 0;            // every onSegment call
    uint64_t bytes_delivered = 0;
    uint64_t bytes_buffered_now = 0;  // payload bytes held in the pool
    uint64_t chunks_in_use = 0;
    uint64_t retransmissions = 0;     // segments repeating bytes already delivered or buffered
    uint64_t overlaps = 0;            // ... whose repeated bytes differ from the buffered ones
    uint64_t out_of_order = 0;        // segments that arrived ahead of a hole
    uint64_t gaps = 0;
    uint64_t gap_bytes = 0;
    uint64_t acked_holes = 0;         // a hole given up because the receiver acknowledged past it
    uint64_t stream_cap_hits = 0;     // a hole given up because the stream held its cap
    uint64_t pool_exhausted = 0;      // a hole given up because the pool was empty
    uint64_t midstream = 0;           // streams picked up without a SYN
    uint64_t keepalives = 0;
    uint64_t after_close = 0;         // segments with data past FIN, or after RST / flush
    uint64_t past_depth = 0;          // segments with data past the reassembly depth
    uint64_t out_of_window = 0;       // data too far ahead of the stream to be plausible
    uint64_t rst_ignored = 0;         // RST outside the stream's window: likely injected
  };

  // Limits' member initialisers cannot serve as a default argument inside this class.
  TcpReassembler();
  explicit TcpReassembler(const Limits& limits);

  // Every TCP packet of the flow, in capture order, with the stream of its direction.
  // The stream is anchored on the SYN (or SYN-ACK); without one, on the first segment
  // carrying data or FIN (counted as midstream; earlier bytes are then out of reach).
  // Data up to the FIN is delivered, nothing after it. A RST whose sequence number fits
  // what we know of the stream ends it as flush() does; its payload is not delivered.
  void onSegment(uint64_t flow_id, Direction dir, TcpStream& stream, const DecodedPacket& pkt,
                 StreamConsumer& consumer);
  // The other side of `s` acknowledged `ack` (the packet's ACK number): at `s`'s next
  // segment every hole whose bytes the receiver has is given up.
  static void onAck(TcpStream& s, uint32_t ack);
  // The flow is ending (timeout, eviction, end of capture): reports each remaining hole as
  // a gap, delivers the buffered data behind it, frees the stream's chunks and closes it.
  void flush(uint64_t flow_id, Direction dir, TcpStream& stream, StreamConsumer& consumer);

  const Stats& stats() const { return stats_; }
  size_t poolChunks() const { return next_.size() - 1; }
  size_t freeChunks() const { return free_count_; }

 private:
  // A segment is named by its first chunk; its bookkeeping sits at that index in seg_.
  struct SegMeta {
    uint64_t offset;
    uint32_t len;
    uint32_t next_seg;
  };

  // What the current onSegment call is working for, so helpers need not pass it along.
  struct Ctx {
    uint64_t flow_id;
    Direction dir;
    TcpStream& s;
    StreamConsumer& consumer;
    bool repeated = false;  // the segment carried bytes already delivered or buffered
    bool differs = false;   // ... and some of the buffered ones were different
  };

  void handleData(Ctx& c, int64_t begin, const uint8_t* data, uint32_t len);
  void deliverInOrder(Ctx& c, uint64_t begin, uint64_t end, const uint8_t* data);
  size_t chunksForNewBytes(const TcpStream& s, uint64_t begin, uint64_t end) const;
  void storeNewBytes(Ctx& c, uint64_t begin, uint64_t end, const uint8_t* data);
  uint32_t storePiece(uint64_t offset, const uint8_t* data, uint32_t len);
  bool differs(uint32_t seg, uint64_t from, const uint8_t* data, uint64_t len) const;
  void giveUpFirstHole(Ctx& c);
  void giveUpAckedHoles(Ctx& c);
  void drainContiguous(Ctx& c);
  void emit(Ctx& c, const uint8_t* data, uint64_t len, uint64_t offset);
  void emitSegment(Ctx& c, uint32_t seg);
  void gap(Ctx& c, uint64_t len);
  void popHead(TcpStream& s);
  void freeSegment(uint32_t seg);
  void dropBuffered(TcpStream& s);
  void closeStream(TcpStream& s);
  uint8_t* chunkData(uint32_t idx) { return pool_.get() + (idx - 1) * kChunkBytes; }
  const uint8_t* chunkData(uint32_t idx) const { return pool_.get() + (idx - 1) * kChunkBytes; }

  uint32_t max_chunks_per_stream_;
  int64_t depth_;  // 0: no limit
  // Not zeroed: an idle pool costs address space, not resident memory.
  std::unique_ptr<uint8_t[]> pool_;
  std::vector<uint32_t> next_;  // next chunk of the same segment, or of the free list
  std::vector<SegMeta> seg_;
  uint32_t free_head_ = 0;
  size_t free_count_ = 0;
  Stats stats_;
};

}  // namespace mamori
