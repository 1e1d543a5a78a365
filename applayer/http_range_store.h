#pragma once
// HttpRangeStore: files downloaded in byte ranges (HTTP 206 Partial Content with
// "Content-Range: bytes a-b/total"), joined into whole files by host and URI, as Suricata's
// app-layer-htp-range.c does, so that a body split over several responses, in one flow or
// in several, is inspected whole once its last piece arrives.
//
// Shared by every worker: the flows of one download (a client fetching pieces over several
// connections, from several source ports) are sharded by address pair and may run on
// different workers. One mutex guards the store. It is taken only to add a piece of a 206
// response: no ordinary response, and no packet, ever touches it, so workers wait on each
// other only while both are handing in range pieces, which happen once per response.
//
// Bounded: memcap over the bytes of all files being joined (a file is given its total
// size when its first piece comes; one that would pass memcap, or that is larger than
// max_file_bytes, is refused and counted); at most max_files files and max_pieces disjoint
// pieces each; a file no piece reached for `timeout` is dropped (counted) when a piece is
// next added. The one allocation is a file's buffer, made with its first piece.
//
// The narrow interface a protocol calls (HTTP/1 from HttpParser; HTTP/2 likewise, per
// stream): add(key(host, uri), piece), with the piece's place from the Content-Range.
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "capture/packet.h"

namespace mamori {

struct HttpRangeStoreCounters {
  uint64_t pieces = 0;            // pieces taken in
  uint64_t files_completed = 0;   // files made whole
  uint64_t refused_memcap = 0;    // pieces of a file that would pass memcap or max_files
  uint64_t refused_size = 0;      // pieces of a file larger than max_file_bytes
  uint64_t refused_invalid = 0;   // a piece outside its total, or a total that changed
  uint64_t refused_pieces = 0;    // a file scattered over more than max_pieces pieces
  uint64_t expired = 0;           // files dropped after `timeout` unfinished
};

class HttpRangeStore {
 public:
  struct Config {
    size_t memcap = size_t{100} << 20;            // Suricata's app-layer.protocols.http.byterange.memcap
    uint64_t max_file_bytes = uint64_t{16} << 20;
    TimeUs timeout = TimeUs{60} * 1000000;         // Suricata's byterange.timeout, 60 s
    size_t max_files = 1024;
    size_t max_pieces = 64;
  };
  // One piece of a file: bytes [start, start + data.size()) of a file `total` bytes long.
  struct Piece {
    uint64_t start = 0;
    uint64_t total = 0;
    std::span<const uint8_t> data;
  };
  enum class Result : uint8_t { Refused, Partial, Complete };

  explicit HttpRangeStore(const Config& config) : config_(config) {}

  // The key a file is joined under: the host as the request named it and the URI.
  static std::string key(std::string_view host, std::string_view uri);

  // Adds a piece of the file `key`. Complete: this piece made the file whole; `whole` then
  // holds it and the store forgets it. Partial: kept, more is missing. Refused: counted.
  // `now`: the packet time, for the timeout.
  Result add(const std::string& key, const Piece& piece, TimeUs now, std::string& whole);

  HttpRangeStoreCounters counters() const;
  size_t bytesHeld() const;

 private:
  struct Entry {
    uint64_t total = 0;                                   // charged to memcap
    std::string bytes;                                    // total long, filled where covered
    std::vector<std::pair<uint64_t, uint64_t>> covered;  // disjoint [from, to), sorted
    TimeUs touched = 0;
  };
  void expire(TimeUs now);
  void drop(std::unordered_map<std::string, Entry>::iterator it);
  // Merges [from, to) into the entry's coverage; false when that would pass max_pieces.
  bool cover(Entry& e, uint64_t from, uint64_t to) const;

  const Config config_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> files_;
  size_t held_ = 0;
  HttpRangeStoreCounters counters_;
};

}  // namespace mamori
