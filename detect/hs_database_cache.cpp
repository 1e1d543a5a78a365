#include "detect/hs_database_cache.h"

#include <hs/hs.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

namespace fs = std::filesystem;

namespace mamori {

HsDatabaseCache::HsDatabaseCache(std::string directory) : directory_(std::move(directory)) {
  if (directory_.empty()) return;
  std::error_code ec;
  fs::create_directories(directory_, ec);
  if (ec) directory_.clear();  // an unwritable cache is no cache, not a failure
}

HsDatabaseCache::Key& HsDatabaseCache::Key::add(std::string_view bytes) {
  // Two independent FNV-1a lanes (128 bits): collisions between rule sets are not a concern.
  add(static_cast<uint64_t>(bytes.size()));
  for (unsigned char c : bytes) {
    a_ = (a_ ^ c) * 0x100000001b3ULL;
    b_ = (b_ ^ c) * 0x100000001b3ULL + 0x9e3779b97f4a7c15ULL;
  }
  return *this;
}

HsDatabaseCache::Key& HsDatabaseCache::Key::add(uint64_t value) {
  for (int i = 0; i < 8; ++i) {
    unsigned char c = static_cast<unsigned char>(value >> (8 * i));
    a_ = (a_ ^ c) * 0x100000001b3ULL;
    b_ = (b_ ^ c) * 0x100000001b3ULL + 0x9e3779b97f4a7c15ULL;
  }
  return *this;
}

std::string HsDatabaseCache::Key::hex() const {
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(a_),
                static_cast<unsigned long long>(b_));
  return buf;
}

std::string HsDatabaseCache::pathOf(const Key& key) const {
  // The library version and the platform this build targets are part of the name.
  Key full = key;
  full.add(std::string_view(hs_version()));
  hs_platform_info_t platform{};
  hs_populate_platform(&platform);
  full.add(platform.tune).add(platform.cpu_features);
  return directory_ + "/" + full.hex() + ".hsdb";
}

hs_database* HsDatabaseCache::load(const Key& key) const {
  if (!enabled()) return nullptr;
  std::ifstream in(pathOf(key), std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  hs_database_t* db = nullptr;
  if (bytes.empty() || hs_deserialize_database(bytes.data(), bytes.size(), &db) != HS_SUCCESS) {
    ++misses_;
    return nullptr;
  }
  ++hits_;
  return db;
}

bool HsDatabaseCache::store(const Key& key, const hs_database* db) const {
  if (!enabled() || !db) return false;
  char* bytes = nullptr;
  size_t length = 0;
  if (hs_serialize_database(db, &bytes, &length) != HS_SUCCESS) return false;
  std::string path = pathOf(key);
  std::string tmp = path + ".tmp." + std::to_string(getpid());
  bool ok = false;
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes, static_cast<std::streamsize>(length));
    ok = static_cast<bool>(out);
  }
  std::free(bytes);
  std::error_code ec;
  if (ok) fs::rename(tmp, path, ec);
  if (!ok || ec) fs::remove(tmp, ec);
  return ok && !ec;
}

}  // namespace mamori
