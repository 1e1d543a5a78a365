#include "applayer/file_tracker.h"

#include <algorithm>

namespace mamori {

const char* fileStateName(FileState state) {
  switch (state) {
    case FileState::Open: return "OPEN";
    case FileState::Closed: return "CLOSED";
    case FileState::Truncated: return "TRUNCATED";
  }
  return "UNKNOWN";
}

struct FileTracker::Slot {
  TrackedFile file;
  std::unique_ptr<FileHasher> hasher;  // null when not hashing (none asked, or past the limit)
  std::string head;                    // the first magic_bytes (inspect_bytes when keep_data), for libmagic
  size_t head_most = 0;
  FileStore::Spool spool;
  bool spooling = false;
};

FileTracker::FileTracker(const Config& config, FileStore* store) : config_(config), store_(store) {
  if (store_ && store_->enabled()) {
    config_.hashes |= file_hash::kSha256;
  } else {
    store_ = nullptr;
  }
}

FileTracker::~FileTracker() {
  for (auto& s : slots_) {
    if (s->spooling) store_->discard(s->spool);
  }
}

FileTracker::Handle FileTracker::open(uint32_t& flow_files, uint64_t tx_id, Direction dir, std::string_view name,
                                      bool keep_data) {
  if (flow_files >= config_.max_files_per_flow) {
    ++counters_.refused_flow_limit;
    return kNone;
  }
  Handle h = kNone;
  if (!free_.empty()) {
    h = free_.back();
    free_.pop_back();
  } else if (slots_.size() < config_.max_open_files) {
    slots_.push_back(std::make_unique<Slot>());
    h = static_cast<Handle>(slots_.size() - 1);
  } else {
    ++counters_.refused_worker_limit;
    return kNone;
  }
  ++flow_files;
  ++open_;
  ++counters_.opened;
  Slot& s = slot(h);
  s.file = TrackedFile{};
  s.file.tx_id = tx_id;
  s.file.dir = dir;
  s.file.name.assign(name);
  s.file.file_id = next_id_++;
  s.hasher = config_.hashes ? std::make_unique<FileHasher>(config_.hashes) : nullptr;
  s.head.clear();
  s.head_most = keep_data ? std::max(config_.magic_bytes, config_.inspect_bytes) : config_.magic_bytes;
  s.file.keeps_data = keep_data;
  // Made when the file opens: its bytes then fill it without allocating.
  s.head.reserve(s.head_most);
  s.spooling = store_ != nullptr;
  if (s.spooling) store_->begin(s.spool);
  return h;
}

TrackedFile& FileTracker::file(Handle h) { return slot(h).file; }

void FileTracker::append(Handle h, const uint8_t* data, size_t len) {
  Slot& s = slot(h);
  if (s.file.state != FileState::Open || len == 0) return;
  s.file.size += len;
  if (s.hasher) {
    if (s.file.size > config_.max_hash_bytes) {
      ++counters_.hash_limit;
      s.hasher.reset();
    } else {
      s.hasher->update(data, len);
    }
  }
  if (s.head.size() < s.head_most) {
    s.head.append(reinterpret_cast<const char*>(data), std::min(len, s.head_most - s.head.size()));
  }
  if (s.spooling) store_->write(s.spool, data, len);
}

void FileTracker::gap(Handle h, uint64_t len) {
  Slot& s = slot(h);
  if (s.file.state != FileState::Open) return;
  s.file.gaps = true;
  s.file.size += len;
  // A digest of the bytes around a hole names no file, nor would a stored copy be one.
  s.hasher.reset();
  if (s.spooling) {
    store_->discard(s.spool);
    s.spooling = false;
  }
}

const TrackedFile& FileTracker::close(Handle h, bool complete) {
  Slot& s = slot(h);
  TrackedFile& f = s.file;
  if (f.state != FileState::Open) return f;
  f.state = complete && !f.gaps ? FileState::Closed : FileState::Truncated;
  ++(f.state == FileState::Closed ? counters_.closed : counters_.truncated);
  // Suricata gives hashes of closed files only: a truncated file's are of part of it.
  if (s.hasher && f.state == FileState::Closed) s.hasher->finish(f.md5, f.sha1, f.sha256);
  s.hasher.reset();
  if (!s.head.empty() && config_.magic_bytes) {
    // libmagic's database costs a worker about 12 MB: loaded with the first file.
    if (!magic_) magic_ = std::make_unique<FileMagic>();
    f.magic = magic_->describe(reinterpret_cast<const uint8_t*>(s.head.data()), std::min(s.head.size(), config_.magic_bytes));
  }
  if (f.keeps_data) f.data.assign(s.head);
  return f;
}

bool FileTracker::release(Handle h, bool keep) {
  Slot& s = slot(h);
  bool stored = false;
  if (s.spooling) {
    stored = keep && s.file.state == FileState::Closed ? store_->keep(s.spool, s.file.sha256) : false;
    if (!stored) store_->discard(s.spool);
    s.spooling = false;
  }
  if (stored) ++counters_.stored;
  s.file.stored = stored;
  free_.push_back(h);
  --open_;
  return stored;
}

}  // namespace mamori
