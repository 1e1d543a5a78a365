#include "capture/fragment_reassembler.h"

#include "capture/hash_mix.h"

#include <algorithm>
#include <cstring>

namespace mamori {

namespace {

// The largest datagram either family can describe: IPv4 total length, or IPv6 fixed
// header plus a 65535-byte payload.
constexpr uint32_t kMaxDatagram = 65535 + 40;


void put16(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}

}  // namespace

FragmentReassembler::FragmentReassembler() : FragmentReassembler(Limits{}) {}

FragmentReassembler::FragmentReassembler(const Limits& limits) : limits_(limits) {
  limits_.max_trains = std::max<uint32_t>(limits_.max_trains, 1);
  limits_.max_fragments_per_train = std::max<uint32_t>(limits_.max_fragments_per_train, 1);

  trains_.resize(limits_.max_trains);
  for (uint32_t i = 0; i < limits_.max_trains; ++i)
    trains_[i].hash_next = i + 1 < limits_.max_trains ? static_cast<int32_t>(i + 1) : kNone;
  free_train_ = 0;

  uint32_t nbuckets = 1;
  while (nbuckets < 2 * limits_.max_trains) nbuckets <<= 1;
  buckets_.assign(nbuckets, kNone);
  bucket_mask_ = nbuckets - 1;

  auto nchunks = static_cast<uint32_t>(
      std::max<uint64_t>(limits_.max_bytes / kChunkSize, 1));
  // Left uninitialised so an idle reassembler costs address space, not resident memory.
  chunk_mem_ = std::make_unique_for_overwrite<uint8_t[]>(uint64_t{nchunks} * kChunkSize);
  chunk_next_.resize(nchunks);
  for (uint32_t i = 0; i < nchunks; ++i)
    chunk_next_[i] = i + 1 < nchunks ? static_cast<int32_t>(i + 1) : kNone;
  free_chunk_ = 0;
  free_chunks_ = nchunks;

  // A stored fragment takes at least one chunk, so one record per chunk suffices except
  // for empty fragments, which then compete for records like any other memory.
  records_.resize(nchunks);
  for (uint32_t i = 0; i < nchunks; ++i)
    records_[i].next = i + 1 < nchunks ? static_cast<int32_t>(i + 1) : kNone;
  free_record_ = 0;
  free_records_ = nchunks;

  out_ = std::make_unique_for_overwrite<uint8_t[]>(kMaxDatagram);
}

uint32_t FragmentReassembler::hashKey(const Key& k) {
  uint64_t h = mix64(load64(k.src.bytes.data()) ^ 0x9e3779b97f4a7c15ULL);
  h = mix64(h ^ load64(k.src.bytes.data() + 8));
  h = mix64(h ^ load64(k.dst.bytes.data()));
  h = mix64(h ^ load64(k.dst.bytes.data() + 8));
  h = mix64(h ^ (uint64_t{k.id} << 32 | uint64_t{k.vlan[0]} << 16 | k.vlan[1]) ^
          (uint64_t{k.family} << 8 | k.proto) << 48);
  return static_cast<uint32_t>(h);
}

int32_t FragmentReassembler::find(const Key& k, uint32_t bucket) const {
  for (int32_t t = buckets_[bucket]; t != kNone; t = trains_[t].hash_next)
    if (trains_[t].key == k) return t;
  return kNone;
}

int32_t FragmentReassembler::createTrain(const Key& k, uint32_t bucket, TimeUs now) {
  if (free_train_ == kNone) {
    dropTrain(age_head_);
    ++stats_.evicted_for_memory;
  }
  int32_t t = free_train_;
  Train& tr = trains_[t];
  free_train_ = tr.hash_next;
  tr = Train{};
  tr.key = k;
  tr.first_seen = now;
  tr.in_use = true;
  tr.hash_next = buckets_[bucket];
  buckets_[bucket] = t;
  tr.age_prev = age_tail_;
  if (age_tail_ != kNone)
    trains_[age_tail_].age_next = t;
  else
    age_head_ = t;
  age_tail_ = t;
  ++trains_in_use_;
  return t;
}

void FragmentReassembler::dropTrain(int32_t t) {
  Train& tr = trains_[t];
  int32_t* link = &buckets_[hashKey(tr.key) & bucket_mask_];
  while (*link != t) link = &trains_[*link].hash_next;
  *link = tr.hash_next;

  if (tr.age_prev != kNone)
    trains_[tr.age_prev].age_next = tr.age_next;
  else
    age_head_ = tr.age_next;
  if (tr.age_next != kNone)
    trains_[tr.age_next].age_prev = tr.age_prev;
  else
    age_tail_ = tr.age_prev;

  for (int32_t r = tr.frags; r != kNone;) {
    Record& rec = records_[r];
    for (int32_t c = rec.chunk; c != kNone;) {
      int32_t next = chunk_next_[c];
      chunk_next_[c] = free_chunk_;
      free_chunk_ = c;
      ++free_chunks_;
      stats_.bytes_held -= kChunkSize;
      c = next;
    }
    int32_t next = rec.next;
    rec.next = free_record_;
    free_record_ = r;
    ++free_records_;
    r = next;
  }

  tr.in_use = false;
  tr.frags = kNone;
  tr.hash_next = free_train_;
  free_train_ = t;
  --trains_in_use_;
}

bool FragmentReassembler::reserve(int32_t keep, uint32_t chunks) {
  while (free_chunks_ < chunks || free_records_ == 0) {
    int32_t victim = age_head_ == keep ? trains_[keep].age_next : age_head_;
    if (victim == kNone) return false;
    dropTrain(victim);
    ++stats_.evicted_for_memory;
  }
  return true;
}

void FragmentReassembler::store(Record& r, const Fragment& f, uint32_t chunks) {
  int32_t* link = &r.chunk;
  for (uint32_t i = 0; i < chunks; ++i) {
    int32_t c = free_chunk_;
    free_chunk_ = chunk_next_[c];
    chunk_next_[c] = kNone;
    *link = c;
    link = &chunk_next_[c];
  }
  free_chunks_ -= chunks;
  stats_.bytes_held += uint64_t{chunks} * kChunkSize;

  int32_t c = r.chunk;
  uint32_t used = 0;
  auto write = [&](const uint8_t* src, uint32_t n) {
    while (n > 0) {
      if (used == kChunkSize) {
        c = chunk_next_[c];
        used = 0;
      }
      uint32_t k = std::min(n, kChunkSize - used);
      std::memcpy(&chunk_mem_[uint64_t(c) * kChunkSize + used], src, k);
      used += k;
      src += k;
      n -= k;
    }
  };
  write(f.header, r.header_len);
  write(f.data, r.len);
}

void FragmentReassembler::insert(Train& tr, int32_t rec, uint32_t end) {
  Record& r = records_[rec];
  bool overlap = false;
  int32_t* link = &tr.frags;
  while (*link != kNone && records_[*link].offset <= r.offset) {
    const Record& p = records_[*link];
    if (p.len > 0 && r.len > 0 && p.offset + p.len > r.offset) overlap = true;
    link = &records_[*link].next;
  }
  r.next = *link;
  *link = rec;
  for (int32_t c = r.next; c != kNone && records_[c].offset < end; c = records_[c].next)
    if (records_[c].len > 0) overlap = true;
  if (overlap) ++stats_.overlaps;
  last_overlapped_ = overlap;
  ++tr.frag_count;
}

bool FragmentReassembler::complete(const Train& tr) const {
  if (!tr.seen_last || tr.frags == kNone || records_[tr.frags].offset != 0) return false;
  uint32_t covered = 0;
  for (int32_t r = tr.frags; r != kNone; r = records_[r].next) {
    const Record& rec = records_[r];
    if (rec.offset > covered) return false;
    covered = std::max(covered, rec.offset + rec.len);
    if (covered >= tr.total) return true;
  }
  return false;
}

void FragmentReassembler::copyOut(int32_t chunk, uint32_t skip, uint8_t* dst, uint32_t n) const {
  while (skip >= kChunkSize) {
    chunk = chunk_next_[chunk];
    skip -= kChunkSize;
  }
  while (n > 0) {
    uint32_t k = std::min(n, kChunkSize - skip);
    std::memcpy(dst, &chunk_mem_[uint64_t(chunk) * kChunkSize + skip], k);
    dst += k;
    n -= k;
    skip = 0;
    chunk = chunk_next_[chunk];
  }
}

// Records are sorted by offset then arrival, so walking them in order and writing only
// bytes beyond what is already written gives each byte to the lowest-offset, earliest
// fragment: the bsd policy.
void FragmentReassembler::assemble(const Train& tr) {
  const Record& head = records_[tr.frags];
  uint32_t hlen = head.header_len;
  copyOut(head.chunk, 0, out_.get(), hlen);
  uint8_t* body = out_.get() + hlen;
  uint32_t written = 0;
  for (int32_t r = tr.frags; r != kNone && written < tr.total; r = records_[r].next) {
    const Record& rec = records_[r];
    uint32_t end = std::min(rec.offset + rec.len, tr.total);
    if (end <= written) continue;
    uint32_t from = std::max(rec.offset, written);
    copyOut(rec.chunk, rec.header_len + (from - rec.offset), body + from, end - from);
    written = end;
  }
  out_len_ = hlen + tr.total;

  uint8_t* h = out_.get();
  if (tr.key.family == 4) {
    put16(h + 2, out_len_);
    h[6] &= 0x40;  // keep DF, clear MF and the offset
    h[7] = 0;
    h[10] = h[11] = 0;
    uint32_t sum = 0;
    for (uint32_t i = 0; i + 1 < hlen; i += 2) sum += uint32_t{h[i]} << 8 | h[i + 1];
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    put16(h + 10, ~sum & 0xffff);
  } else {
    put16(h + 4, out_len_ - 40);
    h[head.next_header_at] = head.next_header;
  }
}

FragmentReassembler::Result FragmentReassembler::add(const Fragment& f, TimeUs now) {
  ++stats_.fragments;
  last_overlapped_ = false;
  // What the rebuilt datagram's length field must hold besides the fragmentable data:
  // the IPv4 header, or the IPv6 extension headers of the unfragmentable part.
  auto fixedLen = [&](uint32_t header_len) { return f.family == 4 ? header_len : header_len - 40; };
  uint32_t end = f.offset + f.data_len;
  if (fixedLen(f.header_len) + uint64_t{end} > 65535) {
    ++stats_.too_large;
    return Result::TooLarge;
  }

  Key k;
  k.src = f.src;
  k.dst = f.dst;
  k.id = f.id;
  k.vlan[0] = f.vlan[0];
  k.vlan[1] = f.vlan[1];
  k.family = f.family;
  k.proto = f.family == 4 ? f.proto : 0;
  uint32_t bucket = hashKey(k) & bucket_mask_;
  int32_t t = find(k, bucket);
  // A train past its timeout that expire() has not reached yet must not absorb a new
  // datagram that happens to reuse its id.
  if (t != kNone && trains_[t].first_seen + limits_.timeout_us <= now) {
    dropTrain(t);
    ++stats_.timeouts;
    t = kNone;
  }
  if (t == kNone) t = createTrain(k, bucket, now);

  if (trains_[t].frag_count >= limits_.max_fragments_per_train) {
    dropTrain(t);
    ++stats_.too_many_fragments;
    return Result::Held;
  }

  uint32_t header_len = f.offset == 0 ? f.header_len : 0;
  uint32_t chunks = (header_len + f.data_len + kChunkSize - 1) / kChunkSize;
  if (!reserve(t, chunks)) {
    dropTrain(t);
    ++stats_.evicted_for_memory;
    return Result::Held;
  }
  int32_t rec = free_record_;
  free_record_ = records_[rec].next;
  --free_records_;
  Record& r = records_[rec];
  r = Record{};
  r.offset = f.offset;
  r.len = f.data_len;
  r.header_len = header_len;
  r.next_header_at = f.next_header_at;
  r.next_header = f.proto;
  store(r, f, chunks);

  Train& tr = trains_[t];
  insert(tr, rec, end);
  // The first last fragment fixes the datagram length; bytes past it are ignored.
  if (!f.more && !tr.seen_last) {
    tr.seen_last = true;
    tr.total = end;
  }
  if (!complete(tr)) return Result::Held;

  // Fragments may disagree on the header length; the header actually used decides.
  if (fixedLen(records_[tr.frags].header_len) + uint64_t{tr.total} > 65535) {
    dropTrain(t);
    ++stats_.too_large;
    return Result::TooLarge;
  }
  assemble(tr);
  dropTrain(t);
  ++stats_.reassembled;
  return Result::Complete;
}

void FragmentReassembler::expire(TimeUs now) {
  while (age_head_ != kNone && trains_[age_head_].first_seen + limits_.timeout_us <= now) {
    dropTrain(age_head_);
    ++stats_.timeouts;
  }
}

}  // namespace mamori
