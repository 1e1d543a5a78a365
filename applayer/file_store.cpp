#include "applayer/file_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

namespace mamori {

FileStore::FileStore(Config config) : config_(std::move(config)) {
  if (config_.dir.empty()) return;
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(config_.dir) / "tmp", ec);
  enabled_ = !ec;
}

void FileStore::begin(Spool& spool) {
  spool = Spool{};
  if (!enabled_) {
    spool.failed = true;
    return;
  }
  // Unique across the workers and across runs sharing the folder (the pid).
  spool.path = config_.dir + "/tmp/" + std::to_string(::getpid()) + "-" +
               std::to_string(next_spool_.fetch_add(1, std::memory_order_relaxed));
  spool.fd = ::open(spool.path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (spool.fd < 0) {
    spool.failed = true;
    errors_.fetch_add(1, std::memory_order_relaxed);
  }
}

void FileStore::write(Spool& spool, const uint8_t* data, size_t len) {
  if (spool.failed || len == 0) return;
  if (reserved_.fetch_add(len, std::memory_order_relaxed) + len > config_.max_bytes) {
    reserved_.fetch_sub(len, std::memory_order_relaxed);
    over_limit_.fetch_add(1, std::memory_order_relaxed);
    discard(spool);
    spool.failed = true;
    return;
  }
  spool.bytes += len;
  while (len > 0) {
    const ssize_t n = ::write(spool.fd, data, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      errors_.fetch_add(1, std::memory_order_relaxed);
      discard(spool);
      spool.failed = true;
      return;
    }
    data += n;
    len -= static_cast<size_t>(n);
  }
}

void FileStore::discard(Spool& spool) {
  if (spool.fd >= 0) {
    ::close(spool.fd);
    ::unlink(spool.path.c_str());
    spool.fd = -1;
  }
  // What it took of the limit is free again.
  reserved_.fetch_sub(spool.bytes, std::memory_order_relaxed);
  spool.bytes = 0;
}

bool FileStore::keep(Spool& spool, const std::string& sha256) {
  if (spool.failed || spool.fd < 0 || sha256.size() != 64) {
    discard(spool);
    return false;
  }
  ::close(spool.fd);
  spool.fd = -1;
  const std::string folder = config_.dir + "/" + sha256.substr(0, 2);
  const std::string target = folder + "/" + sha256;
  ::mkdir(folder.c_str(), 0750);
  struct stat st {};
  if (::stat(target.c_str(), &st) == 0) {
    // The same bytes are there already: keep one copy, and its budget once.
    ::unlink(spool.path.c_str());
    reserved_.fetch_sub(spool.bytes, std::memory_order_relaxed);
    spool.bytes = 0;
    duplicates_.fetch_add(1, std::memory_order_relaxed);
    return true;
  }
  if (::rename(spool.path.c_str(), target.c_str()) != 0) {
    ::unlink(spool.path.c_str());
    reserved_.fetch_sub(spool.bytes, std::memory_order_relaxed);
    spool.bytes = 0;
    errors_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  stored_.fetch_add(1, std::memory_order_relaxed);
  stored_bytes_.fetch_add(spool.bytes, std::memory_order_relaxed);
  spool.bytes = 0;  // stays reserved: it is the store's now
  return true;
}

FileStoreCounters FileStore::counters() const {
  return {stored_.load(std::memory_order_relaxed), stored_bytes_.load(std::memory_order_relaxed),
          duplicates_.load(std::memory_order_relaxed), over_limit_.load(std::memory_order_relaxed),
          errors_.load(std::memory_order_relaxed)};
}

}  // namespace mamori
