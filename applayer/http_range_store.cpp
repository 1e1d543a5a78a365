#include "applayer/http_range_store.h"

#include <algorithm>
#include <cstring>

namespace mamori {

std::string HttpRangeStore::key(std::string_view host, std::string_view uri) {
  std::string k;
  k.reserve(host.size() + 1 + uri.size());
  k.append(host);
  k += '\0';  // neither a host nor a URI holds one: no two pairs make one key
  k.append(uri);
  return k;
}

HttpRangeStore::Result HttpRangeStore::add(const std::string& key, const Piece& piece, TimeUs now, std::string& whole) {
  std::lock_guard lock(mutex_);
  ++counters_.pieces;
  expire(now);
  const uint64_t end = piece.start + piece.data.size();
  if (piece.total == 0 || piece.data.empty() || end < piece.start || end > piece.total) {
    ++counters_.refused_invalid;
    return Result::Refused;
  }
  if (piece.total > config_.max_file_bytes) {
    ++counters_.refused_size;
    return Result::Refused;
  }
  auto it = files_.find(key);
  if (it == files_.end()) {
    if (files_.size() >= config_.max_files || held_ + piece.total > config_.memcap) {
      ++counters_.refused_memcap;
      return Result::Refused;
    }
    it = files_.emplace(key, Entry{}).first;
    it->second.total = piece.total;
    it->second.bytes.assign(piece.total, '\0');
    held_ += piece.total;
  } else if (it->second.total != piece.total) {
    // The file changed under the same name: its pieces no longer make one file.
    ++counters_.refused_invalid;
    drop(it);
    return Result::Refused;
  }
  Entry& e = it->second;
  e.touched = now;
  if (!cover(e, piece.start, end)) {
    ++counters_.refused_pieces;
    drop(it);
    return Result::Refused;
  }
  std::memcpy(e.bytes.data() + piece.start, piece.data.data(), piece.data.size());
  if (e.covered.size() != 1 || e.covered[0].first != 0 || e.covered[0].second != piece.total) return Result::Partial;
  whole = std::move(e.bytes);
  ++counters_.files_completed;
  drop(it);
  return Result::Complete;
}

bool HttpRangeStore::cover(Entry& e, uint64_t from, uint64_t to) const {
  auto& c = e.covered;
  // The first piece ending at or after `from` and the first starting after `to` bound
  // the pieces [from, to) touches or adjoins: they merge into one.
  auto first = std::lower_bound(c.begin(), c.end(), from, [](const auto& p, uint64_t v) { return p.second < v; });
  auto last = std::upper_bound(first, c.end(), to, [](uint64_t v, const auto& p) { return v < p.first; });
  if (first != last) {
    from = std::min(from, first->first);
    to = std::max(to, (last - 1)->second);
    first = c.erase(first, last);
  } else if (c.size() >= config_.max_pieces) {
    return false;
  }
  c.insert(first, {from, to});
  return true;
}

void HttpRangeStore::expire(TimeUs now) {
  for (auto it = files_.begin(); it != files_.end();) {
    auto next = std::next(it);
    if (now - it->second.touched > config_.timeout) {
      ++counters_.expired;
      drop(it);
    }
    it = next;
  }
}

void HttpRangeStore::drop(std::unordered_map<std::string, Entry>::iterator it) {
  held_ -= it->second.total;
  files_.erase(it);
}

HttpRangeStoreCounters HttpRangeStore::counters() const {
  std::lock_guard lock(mutex_);
  return counters_;
}

size_t HttpRangeStore::bytesHeld() const {
  std::lock_guard lock(mutex_);
  return held_;
}

}  // namespace mamori
