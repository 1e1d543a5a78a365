#pragma once
// FragmentReassembler: rebuilds IPv4 and IPv6 datagrams from their fragments, so that an
// attack split across fragments is inspected as the whole datagram the target host sees.
// Consumes: one Fragment at a time from the Decoder. Produces: a complete datagram with a
// normal IP header (total / payload length fixed, fragment fields cleared, the IPv6
// fragment header taken out of the chain) that the Decoder decodes like any packet.
//
// Overlap policy: Suricata's default "bsd". Where fragments overlap, the bytes of the
// fragment with the lowest offset win; on equal offsets the one that arrived first wins
// (BSD keeps the data it holds unless a new fragment starts before it). Every fragment
// that overlaps data already held, duplicates included, is counted in Stats::overlaps.
//
// Memory: everything is allocated at construction: train slots, a hash index, fragment
// records, and a slab of fixed-size chunks (with a free list) that holds fragment bytes.
// Nothing is allocated per packet. When slots, records or chunks run out, the oldest train
// is evicted (Stats::evicted_for_memory). One reassembler per worker; not thread-safe.
#include <cstdint>
#include <memory>
#include <vector>

#include "capture/ip_address.h"
#include "capture/packet.h"

namespace mamori {

class FragmentReassembler {
 public:
  struct Limits {
    TimeUs timeout_us = 60'000'000;  // from a train's first fragment, as Suricata's defrag timeout
    uint64_t max_bytes = 32ull << 20;  // chunk memory for held fragments (headers included)
    uint32_t max_trains = 8192;        // datagrams being reassembled at once
    // Bounds the per-fragment work on one train: a 64 KiB datagram needs ~120 fragments
    // even at a 576-byte MTU, so more than this is a fragment flood, not a datagram.
    uint32_t max_fragments_per_train = 256;
  };

  struct Stats {
    uint64_t fragments = 0;           // fragments offered to add()
    uint64_t reassembled = 0;         // datagrams completed
    uint64_t timeouts = 0;            // trains expired incomplete
    uint64_t overlaps = 0;            // fragments overlapping held data (duplicates too)
    uint64_t evicted_for_memory = 0;  // trains dropped to free slots, records or chunks
    uint64_t too_many_fragments = 0;  // trains dropped for exceeding max_fragments_per_train
    uint64_t too_large = 0;           // fragments that would end beyond a 65535-byte datagram
    uint64_t bytes_held = 0;          // chunk bytes pinned by incomplete trains right now
  };

  // One fragment as the decoder found it. Pointers need only live for the add() call.
  struct Fragment {
    uint8_t family = 4;  // 4 or 6
    IpAddress src, dst;
    uint32_t id = 0;     // IPv4: 16-bit identification; IPv6: fragment header identification
    uint8_t proto = 0;   // IPv4: protocol (part of the key); IPv6: next header after the fragment header
    uint16_t vlan[2] = {0, 0};
    // IPv4: the IP header with options (>= 20 bytes). IPv6: the unfragmentable part
    // (the 40-byte fixed header and the extension headers before the fragment header).
    const uint8_t* header = nullptr;
    uint32_t header_len = 0;
    uint32_t next_header_at = 0;  // IPv6: index in header of the byte that names the fragment header
    uint32_t offset = 0;          // in bytes
    bool more = false;            // more-fragments flag
    const uint8_t* data = nullptr;
    uint32_t data_len = 0;
  };

  enum class Result : uint8_t {
    Held,      // kept (or dropped under memory pressure); nothing to decode yet
    Complete,  // datagram() holds the rebuilt datagram
    TooLarge,  // offset + length would make a datagram over 65535 bytes
  };

  FragmentReassembler();  // default Limits
  explicit FragmentReassembler(const Limits& limits);

  Result add(const Fragment& f, TimeUs now);
  // The datagram completed by the last add() that returned Complete; valid until the next add().
  const uint8_t* datagram() const { return out_.get(); }
  uint32_t datagramLen() const { return out_len_; }

  // Drops trains whose first fragment is older than the timeout at packet time `now`.
  void expire(TimeUs now);
  const Stats& stats() const { return stats_; }
  // Whether the fragment of the last add() overlapped data its train held (a duplicate
  // too): the decoder raises its frag_overlap event on that fragment's packet.
  bool lastAddOverlapped() const { return last_overlapped_; }
  uint32_t trainsHeld() const { return trains_in_use_; }

 private:
  static constexpr uint32_t kChunkSize = 512;
  static constexpr int32_t kNone = -1;

  struct Key {
    IpAddress src, dst;
    uint32_t id = 0;
    uint16_t vlan[2] = {0, 0};
    uint8_t family = 0;
    uint8_t proto = 0;
    bool operator==(const Key&) const = default;
  };
  struct Train {
    Key key;
    TimeUs first_seen = 0;
    uint32_t total = 0;  // datagram payload length, known once the last fragment is seen
    bool seen_last = false;
    bool in_use = false;
    uint32_t frag_count = 0;
    int32_t frags = kNone;  // records sorted by offset, then arrival
    int32_t hash_next = kNone;
    int32_t age_prev = kNone, age_next = kNone;  // creation order, oldest at age_head_
  };
  struct Record {
    uint32_t offset = 0;
    uint32_t len = 0;
    uint32_t header_len = 0;  // only the offset-0 fragments store their header
    uint32_t next_header_at = 0;
    uint8_t next_header = 0;
    int32_t chunk = kNone;  // first chunk: header then data, chained through chunk_next_
    int32_t next = kNone;
  };

  static uint32_t hashKey(const Key& k);
  int32_t find(const Key& k, uint32_t bucket) const;
  int32_t createTrain(const Key& k, uint32_t bucket, TimeUs now);
  void dropTrain(int32_t t);
  bool reserve(int32_t keep, uint32_t chunks);
  void store(Record& r, const Fragment& f, uint32_t chunks);
  void insert(Train& t, int32_t rec, uint32_t end);
  bool complete(const Train& t) const;
  void assemble(const Train& t);
  void copyOut(int32_t chunk, uint32_t skip, uint8_t* dst, uint32_t n) const;

  Limits limits_;
  Stats stats_;
  bool last_overlapped_ = false;

  std::vector<Train> trains_;
  std::vector<int32_t> buckets_;
  uint32_t bucket_mask_ = 0;
  int32_t free_train_ = kNone;  // chained through hash_next
  uint32_t trains_in_use_ = 0;
  int32_t age_head_ = kNone, age_tail_ = kNone;

  std::vector<Record> records_;
  int32_t free_record_ = kNone;  // chained through next
  uint32_t free_records_ = 0;

  std::unique_ptr<uint8_t[]> chunk_mem_;
  std::vector<int32_t> chunk_next_;
  int32_t free_chunk_ = kNone;
  uint32_t free_chunks_ = 0;

  std::unique_ptr<uint8_t[]> out_;
  uint32_t out_len_ = 0;
};

}  // namespace mamori
