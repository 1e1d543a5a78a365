#include "uplink/spool_segment.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>

namespace mamori {

namespace {

constexpr std::string_view kSuffix = ".spool";
constexpr size_t kSeqDigits = 20;  // every uint64_t fits, and names sort as numbers

void putLe(char* out, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out[i] = static_cast<char>(value >> (8 * i));
}

uint64_t getLe(const char* in, int bytes) {
  uint64_t value = 0;
  for (int i = 0; i < bytes; ++i) value |= uint64_t{static_cast<uint8_t>(in[i])} << (8 * i);
  return value;
}

// Over (sequence, kind, JSON): the header's last 9 bytes and what follows them.
uint32_t recordCrc(const char* seq_and_kind, std::string_view json) {
  uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(seq_and_kind), 9);
  return static_cast<uint32_t>(
      crc32(crc, reinterpret_cast<const Bytef*>(json.data()), static_cast<uInt>(json.size())));
}

}  // namespace

std::string spoolSegmentFileName(uint64_t first_seq) {
  char name[kSeqDigits + kSuffix.size() + 1];
  std::snprintf(name, sizeof name, "%020llu.spool", static_cast<unsigned long long>(first_seq));
  return name;
}

std::optional<uint64_t> parseSpoolSegmentFileName(std::string_view name) {
  if (name.size() != kSeqDigits + kSuffix.size() || !name.ends_with(kSuffix)) return std::nullopt;
  uint64_t seq = 0;
  const char* end = name.data() + kSeqDigits;
  auto [ptr, ec] = std::from_chars(name.data(), end, seq);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return seq;
}

void encodeSpoolHeader(uint64_t seq, EventKind kind, std::string_view json,
                       char (&out)[kSpoolHeaderBytes]) {
  putLe(out, json.size(), 4);
  putLe(out + 8, seq, 8);
  out[16] = static_cast<char>(kind);
  putLe(out + 4, recordCrc(out + 8, json), 4);
}

SpoolSegmentReader::~SpoolSegmentReader() { close(); }

bool SpoolSegmentReader::open(const std::string& path, uint64_t first_seq) {
  close();
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) return false;
  path_ = path;
  offset_ = 0;
  next_seq_ = first_seq;
  buffered_ = 0;
  buffer_offset_ = 0;
  return true;
}

void SpoolSegmentReader::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  buffered_ = 0;
}

SpoolSegmentReader::Result SpoolSegmentReader::next(uint64_t limit, Record& record) {
  if (offset_ >= limit) return Result::End;
  if (limit - offset_ < kSpoolHeaderBytes) {
    why_ = "a record header cut short";
    return Result::Torn;
  }
  if (!fill(kSpoolHeaderBytes, limit)) return Result::Error;
  const char* header = buffer_.get() + (offset_ - buffer_offset_);
  uint64_t length = getLe(header, 4);
  if (length > kSpoolMaxJsonBytes) {
    why_ = "a record length of " + std::to_string(length) + " bytes, over the bound";
    return Result::Torn;
  }
  if (limit - offset_ - kSpoolHeaderBytes < length) {
    why_ = "a record cut short";
    return Result::Torn;
  }
  if (!fill(kSpoolHeaderBytes + length, limit)) return Result::Error;
  header = buffer_.get() + (offset_ - buffer_offset_);  // fill may have moved it
  std::string_view json(header + kSpoolHeaderBytes, length);
  if (getLe(header + 4, 4) != recordCrc(header + 8, json)) {
    why_ = "a CRC mismatch";
    return Result::Torn;
  }
  uint64_t seq = getLe(header + 8, 8);
  if (seq != next_seq_) {
    why_ = "sequence " + std::to_string(seq) + " where " + std::to_string(next_seq_) +
           " was due";
    return Result::Invalid;
  }
  auto kind = static_cast<EventKind>(static_cast<uint8_t>(header[16]));
  if (std::string_view(eventKindName(kind)) == "unknown") {
    why_ = "unknown record kind " + std::to_string(static_cast<uint8_t>(header[16]));
    return Result::Invalid;
  }
  record.seq = seq;
  record.kind = kind;
  record.json = json;
  offset_ += kSpoolHeaderBytes + length;
  ++next_seq_;
  return Result::Record;
}

void SpoolSegmentReader::seek(uint64_t offset, uint64_t seq) {
  offset_ = offset;
  next_seq_ = seq;
}

bool SpoolSegmentReader::fill(size_t size, uint64_t limit) {
  if (offset_ >= buffer_offset_ && offset_ + size <= buffer_offset_ + buffered_) return true;
  // Reads ahead in large blocks (records are small), but never past the limit: bytes
  // beyond it may still be on their way in from the writer.
  size_t want =
      static_cast<size_t>(std::min<uint64_t>(std::max(size, kReadBytes), limit - offset_));
  if (want > capacity_) {
    buffer_ = std::make_unique<char[]>(want);
    capacity_ = want;
  }
  buffered_ = 0;
  buffer_offset_ = offset_;
  while (buffered_ < want) {
    ssize_t n = ::pread(fd_, buffer_.get() + buffered_, want - buffered_,
                        static_cast<off_t>(offset_ + buffered_));
    if (n < 0) {
      if (errno == EINTR) continue;
      why_ = std::string("a read error (") + std::strerror(errno) + ")";
      return false;
    }
    if (n == 0) {
      why_ = "the file ending at byte " + std::to_string(offset_ + buffered_);
      return false;
    }
    buffered_ += static_cast<size_t>(n);
  }
  return buffered_ >= size;
}

}  // namespace mamori
