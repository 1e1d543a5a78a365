#include "uplink/spool.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <utility>

namespace mamori {

namespace fs = std::filesystem;

namespace {

constexpr size_t kStreamIdBytes = 16;  // 32 hex digits

std::string errnoText(int err) { return std::strerror(err); }

bool isStreamId(std::string_view text) {
  return text.size() == 2 * kStreamIdBytes &&
         std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

struct Spool::Segment {
  Segment(std::string file, uint64_t first, uint64_t size)
      : path(std::move(file)), first_seq(first), written(size) {}

  const std::string path;
  const uint64_t first_seq;  // the number in its name; its last is the next one's first - 1
  // Bytes of whole records in the file: the producer stores it after each write, the
  // consumer reads no further.
  std::atomic<uint64_t> written;
};

Spool::Spool(SpoolOptions options)
    : options_(std::move(options)),
      segment_bytes_(std::min(options_.segment_bytes, options_.max_bytes / 4)) {
  // The destructor does not run for a constructor that throws.
  try {
    openFolder();
    recoverSegments();
  } catch (...) {
    if (write_fd_ >= 0) ::close(write_fd_);
    if (dir_fd_ >= 0) ::close(dir_fd_);
    throw;
  }
  buffer_.reserve(kBufferBytes);
}

Spool::~Spool() {
  try {
    flush();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mamori: %s\n", e.what());
  }
  if (write_fd_ >= 0) ::close(write_fd_);
  if (dir_fd_ >= 0) ::close(dir_fd_);  // releases the flock
}

std::string Spool::pathOf(const std::string& name) const {
  return (fs::path(options_.dir) / name).string();
}

void Spool::openFolder() {
  const std::string& dir = options_.dir;
  if (dir.empty()) throw SpoolError("no spool folder given");
  fs::path parent = fs::path(dir).parent_path();
  std::error_code ec;
  if (!parent.empty()) fs::create_directories(parent, ec);
  // Only the spool folder itself is private: parents may be shared (/var/lib/mamori).
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    throw SpoolError("cannot create spool folder '" + dir + "': " + errnoText(errno));
  }
  dir_fd_ = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd_ < 0) {
    throw SpoolError("cannot open spool folder '" + dir + "': " + errnoText(errno));
  }
  // Two spools appending to the same segment would corrupt each other.
  if (::flock(dir_fd_, LOCK_EX | LOCK_NB) != 0) {
    throw SpoolError("spool folder '" + dir + "' is held by another spool (another process?)" +
                     (errno == EWOULDBLOCK ? "" : ": " + errnoText(errno)));
  }
}

void Spool::recoverSegments() {
  std::vector<std::pair<uint64_t, std::string>> found;
  std::error_code ec;
  for (fs::directory_iterator it(options_.dir, ec), end; !ec && it != end; it.increment(ec)) {
    auto first = parseSpoolSegmentFileName(it->path().filename().string());
    if (first) found.emplace_back(*first, it->path().string());
  }
  if (ec) {
    throw SpoolError("cannot list spool folder '" + options_.dir + "': " + ec.message());
  }
  std::sort(found.begin(), found.end());

  uint64_t next_seq = 1;
  for (size_t i = 0; i < found.size(); ++i) {
    const auto& [first_seq, path] = found[i];
    bool newest = i + 1 == found.size();
    if (first_seq == 0) {
      throw SpoolError("spool segment '" + path + "' is named for sequence 0, which is never used");
    }
    if (i > 0 && first_seq != next_seq) {
      throw SpoolError("spool segment '" + path + "' starts at sequence " +
                       std::to_string(first_seq) + " but '" + found[i - 1].second + "' ends at " +
                       std::to_string(next_seq - 1) +
                       (first_seq < next_seq ? " (repeats)" : " (a gap)") +
                       ": move the spool folder away to start a new stream");
    }
    struct stat st{};
    if (::stat(path.c_str(), &st) != 0 || !reader_.open(path, first_seq)) {
      throw SpoolError("cannot read spool segment '" + path + "': " + errnoText(errno));
    }
    SpoolSegmentReader::Record record;
    SpoolSegmentReader::Result result;
    auto size = static_cast<uint64_t>(st.st_size);
    while ((result = reader_.next(size, record)) == SpoolSegmentReader::Result::Record) {
    }
    uint64_t good = reader_.offset();
    if (result == SpoolSegmentReader::Result::Torn && !newest) {
      // Only the newest segment is being written when the process dies.
      throw SpoolError("spool segment '" + path + "' is damaged at byte " + std::to_string(good) +
                       " (" + reader_.why() + ") though newer segments follow it: move the " +
                       "spool folder away to start a new stream");
    }
    if (result == SpoolSegmentReader::Result::Invalid ||
        result == SpoolSegmentReader::Result::Error) {
      throw SpoolError("spool segment '" + path + "' at byte " + std::to_string(good) + ": " +
                       reader_.why());
    }
    next_seq = reader_.nextSeq();
    reader_.close();
    if (newest) {
      write_fd_ = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
      if (write_fd_ < 0) {
        throw SpoolError("cannot open spool segment '" + path + "': " + errnoText(errno));
      }
      if (result == SpoolSegmentReader::Result::Torn) {
        if (::ftruncate(write_fd_, static_cast<off_t>(good)) != 0) {
          throw SpoolError("cannot truncate spool segment '" + path + "': " + errnoText(errno));
        }
        ++recovered_torn_;
      }
    }
    segments_.push_back(std::make_unique<Segment>(path, first_seq, good));
    bytes_ += good;
  }

  loadStreamId(segments_.empty());
  if (segments_.empty()) {
    std::string path = pathOf(spoolSegmentFileName(1));
    write_fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (write_fd_ < 0) {
      throw SpoolError("cannot create spool segment '" + path + "': " + errnoText(errno));
    }
    segments_.push_back(std::make_unique<Segment>(path, 1, 0));
  }
  current_ = segments_.back().get();
  next_seq_ = next_seq;
  last_seq_ = next_seq - 1;
  written_seq_ = next_seq - 1;
  acknowledged_seq_ = segments_.front()->first_seq - 1;
  segment_count_ = segments_.size();
}

void Spool::loadStreamId(bool make_new) {
  std::string path = pathOf("stream");
  if (!make_new) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno != ENOENT) {
      throw SpoolError("cannot read spool stream file '" + path + "': " + errnoText(errno));
    }
    if (fd >= 0) {
      char text[2 * kStreamIdBytes + 2];
      ssize_t n = ::read(fd, text, sizeof text);
      ::close(fd);
      std::string_view id(text, n > 0 ? static_cast<size_t>(n) : 0);
      if (id.ends_with('\n')) id.remove_suffix(1);
      if (!isStreamId(id)) {
        throw SpoolError("spool stream file '" + path +
                         "' does not hold a stream id (32 hex digits)");
      }
      stream_id_ = id;
      return;
    }
  }
  unsigned char random[kStreamIdBytes];
  if (::getrandom(random, sizeof random, 0) != static_cast<ssize_t>(sizeof random)) {
    throw SpoolError("cannot make a stream id for spool folder '" + options_.dir + "': " +
                     errnoText(errno));
  }
  char hex[2 * kStreamIdBytes + 1];
  for (size_t i = 0; i < kStreamIdBytes; ++i) std::snprintf(hex + 2 * i, 3, "%02x", random[i]);
  std::string text = std::string(hex) + "\n";
  // A crash half-way leaves the old file or none, never half an id.
  std::string temp = path + ".tmp";
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  bool ok = fd >= 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  int err = errno;
  if (fd >= 0 && ::close(fd) != 0 && ok) {
    ok = false;
    err = errno;
  }
  if (!ok || ::rename(temp.c_str(), path.c_str()) != 0) {
    if (ok) err = errno;
    ::unlink(temp.c_str());
    throw SpoolError("cannot write spool stream file '" + path + "': " + errnoText(err));
  }
  stream_id_ = hex;
}

bool Spool::append(EventKind kind, std::string_view json) {
  uint64_t size = kSpoolHeaderBytes + json.size();
  if (json.size() > kMaxJsonBytes ||
      bytes_.load(std::memory_order_relaxed) + size > options_.max_bytes) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  try {
    bool has_records = next_seq_ > current_->first_seq;
    if (has_records && current_->written.load(std::memory_order_relaxed) + buffer_.size() >=
                           segment_bytes_) {
      rotate();
    }
    if (buffer_.size() + size > kBufferBytes) flush();
  } catch (const SpoolError&) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    throw;
  }
  uint64_t seq = next_seq_++;
  char header[kSpoolHeaderBytes];
  encodeSpoolHeader(seq, kind, json, header);
  last_seq_.store(seq, std::memory_order_relaxed);
  appended_.fetch_add(1, std::memory_order_relaxed);
  bytes_.fetch_add(size, std::memory_order_relaxed);
  if (size > kBufferBytes) {
    // Straight out (the buffer is empty now) rather than growing the buffer for good.
    writeOut({std::string_view(header, sizeof header), json}, 1);
    return true;
  }
  buffer_.append(header, sizeof header);
  buffer_.append(json);
  ++buffered_records_;
  return true;
}

void Spool::flush() {
  if (buffer_.empty()) return;
  writeOut({buffer_}, buffered_records_);
  buffer_.clear();
  buffered_records_ = 0;
}

void Spool::writeOut(std::initializer_list<std::string_view> pieces, uint64_t records) {
  const uint64_t start = current_->written.load(std::memory_order_relaxed);
  // pwrite at the segment's written size rather than O_APPEND: after a failed write the
  // next one lands where the records belong, whatever the failed one left behind.
  uint64_t offset = start;
  for (std::string_view piece : pieces) {
    while (!piece.empty()) {
      ssize_t n = ::pwrite(write_fd_, piece.data(), piece.size(), static_cast<off_t>(offset));
      if (n >= 0) {
        piece.remove_prefix(static_cast<size_t>(n));
        offset += static_cast<uint64_t>(n);
        continue;
      }
      if (errno == EINTR) continue;
      int err = errno;
      // Best effort: the next write starts at `start` anyway, and recovery would cut a
      // leftover tail as torn.
      [[maybe_unused]] int truncated = ::ftruncate(write_fd_, static_cast<off_t>(start));
      // The records never reached the consumer: their numbers go back, so the segment
      // and the sequence stay without a hole.
      uint64_t lost_bytes = 0;
      for (std::string_view p : pieces) lost_bytes += p.size();
      bytes_.fetch_sub(lost_bytes, std::memory_order_relaxed);
      appended_.fetch_sub(records, std::memory_order_relaxed);
      dropped_.fetch_add(records, std::memory_order_relaxed);
      next_seq_ = written_seq_.load(std::memory_order_relaxed) + 1;
      last_seq_.store(next_seq_ - 1, std::memory_order_relaxed);
      buffer_.clear();
      buffered_records_ = 0;
      throw SpoolError("cannot write spool segment '" + current_->path + "': " + errnoText(err) +
                       " (" + std::to_string(records) + " records lost)");
    }
  }
  current_->written.store(offset, std::memory_order_release);
  written_seq_.store(next_seq_ - 1, std::memory_order_release);
}

void Spool::rotate() {
  flush();
  std::string path = pathOf(spoolSegmentFileName(next_seq_));
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw SpoolError("cannot create spool segment '" + path + "': " + errnoText(errno));
  }
  auto segment = std::make_unique<Segment>(path, next_seq_, 0);
  ::close(write_fd_);
  write_fd_ = fd;
  current_ = segment.get();
  // The old segment's last write happened before this: a consumer that finds the new
  // segment here sees the old one's final size.
  std::lock_guard lock(mutex_);
  segments_.push_back(std::move(segment));
  segment_count_.store(segments_.size(), std::memory_order_relaxed);
}

size_t Spool::read(uint64_t after, size_t max_records, size_t max_bytes,
                   std::vector<SpoolRecord>& out) {
  std::lock_guard consumer(consumer_mutex_);
  if (max_records == 0) return 0;
  positionCursor(after);
  size_t count = 0;
  size_t json_bytes = 0;
  SpoolSegmentReader::Record record;
  while (count < max_records) {
    uint64_t offset = reader_.offset();
    uint64_t seq = reader_.nextSeq();
    auto result = reader_.next(cursor_->written.load(std::memory_order_acquire), record);
    if (result == SpoolSegmentReader::Result::End) {
      Segment* next = segmentAfter(cursor_);
      if (!next) break;
      // The producer wrote the old segment's last records before starting the new one.
      if (cursor_->written.load(std::memory_order_acquire) > reader_.offset()) continue;
      openCursor(next);
      continue;
    }
    if (result != SpoolSegmentReader::Result::Record) {
      // Written by this process or checked at opening: someone else changed the file.
      throw SpoolError("spool segment '" + cursor_->path + "' is damaged at byte " +
                       std::to_string(offset) + ": " + reader_.why());
    }
    if (record.seq <= after) continue;
    if (count > 0 && json_bytes + record.json.size() > max_bytes) {
      reader_.seek(offset, seq);
      break;
    }
    out.push_back(SpoolRecord{record.seq, record.kind, std::string(record.json)});
    ++count;
    json_bytes += record.json.size();
  }
  return count;
}

void Spool::positionCursor(uint64_t after) {
  uint64_t want = after == UINT64_MAX ? after : after + 1;
  Segment* target;
  {
    std::lock_guard lock(mutex_);
    // The last segment starting at or before `want`; the oldest when `want` was
    // acknowledged and deleted already.
    auto it = std::upper_bound(segments_.begin(), segments_.end(), want,
                               [](uint64_t seq, const auto& s) { return seq < s->first_seq; });
    target = it == segments_.begin() ? it->get() : std::prev(it)->get();
  }
  // Reading on from where the last call stopped is the usual case; anything else (a
  // reconnect rewinds to what the central has) scans the segment from its start.
  if (cursor_ == target && reader_.isOpen() && reader_.nextSeq() <= want) return;
  openCursor(target);
}

void Spool::openCursor(Segment* segment) {
  if (!reader_.open(segment->path, segment->first_seq)) {
    cursor_ = nullptr;
    throw SpoolError("cannot open spool segment '" + segment->path + "': " + errnoText(errno));
  }
  cursor_ = segment;
}

Spool::Segment* Spool::segmentAfter(const Segment* segment) const {
  std::lock_guard lock(mutex_);
  for (size_t i = 0; i + 1 < segments_.size(); ++i) {
    if (segments_[i].get() == segment) return segments_[i + 1].get();
  }
  return nullptr;
}

void Spool::acknowledge(uint64_t seq) {
  std::lock_guard consumer(consumer_mutex_);
  seq = std::min(seq, written_seq_.load(std::memory_order_acquire));
  if (seq <= acknowledged_seq_.load(std::memory_order_relaxed)) return;
  acknowledged_seq_.store(seq, std::memory_order_relaxed);
  std::vector<std::unique_ptr<Segment>> done;
  {
    std::lock_guard lock(mutex_);
    while (segments_.size() > 1 && segments_[1]->first_seq - 1 <= seq) {
      done.push_back(std::move(segments_.front()));
      segments_.pop_front();
    }
    segment_count_.store(segments_.size(), std::memory_order_relaxed);
  }
  // Deleted outside the lock: the producer may be waiting to start a segment.
  std::string failure;
  for (const auto& segment : done) {
    if (segment.get() == cursor_) {
      reader_.close();
      cursor_ = nullptr;
    }
    if (::unlink(segment->path.c_str()) != 0 && errno != ENOENT && failure.empty()) {
      // Out of the index all the same: a restart finds it and resends it, and the central
      // drops the repeats.
      failure = "cannot delete spool segment '" + segment->path + "': " + errnoText(errno);
    }
    bytes_.fetch_sub(segment->written.load(std::memory_order_relaxed), std::memory_order_relaxed);
  }
  if (!failure.empty()) throw SpoolError(failure);
}

uint64_t Spool::lastSeq() const { return last_seq_.load(std::memory_order_relaxed); }

uint64_t Spool::writtenSeq() const { return written_seq_.load(std::memory_order_acquire); }

uint64_t Spool::acknowledgedSeq() const {
  return acknowledged_seq_.load(std::memory_order_relaxed);
}

SpoolCounters Spool::counters() const {
  SpoolCounters c;
  c.appended = appended_.load(std::memory_order_relaxed);
  c.dropped = dropped_.load(std::memory_order_relaxed);
  c.recovered_torn = recovered_torn_;
  c.bytes = bytes_.load(std::memory_order_relaxed);
  c.segments = segment_count_.load(std::memory_order_relaxed);
  return c;
}

}  // namespace mamori
