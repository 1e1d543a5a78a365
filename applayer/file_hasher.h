#pragma once
// FileHasher: the MD5, SHA-1 and SHA-256 of one file, computed as its bytes stream in
// (OpenSSL's EVP), so no file is ever held whole. One per tracked file; the digest
// contexts are made when the file opens, never per packet.
#include <cstddef>
#include <cstdint>
#include <string>

struct evp_md_ctx_st;

namespace mamori {

class FileHasher {
 public:
  // `hashes`: a mask of file_hash bits.
  explicit FileHasher(uint8_t hashes);
  ~FileHasher();
  FileHasher(const FileHasher&) = delete;
  FileHasher& operator=(const FileHasher&) = delete;

  void update(const uint8_t* data, size_t len);
  // Lower-case hex digests of what came; those not asked for stay empty. Once only.
  void finish(std::string& md5, std::string& sha1, std::string& sha256);

 private:
  evp_md_ctx_st* ctx_[3] = {nullptr, nullptr, nullptr};  // md5, sha1, sha256
};

}  // namespace mamori
