#include "applayer/file_hasher.h"

#include <openssl/evp.h>

#include "applayer/tracked_file.h"

namespace mamori {
namespace {

const EVP_MD* digestOf(int i) {
  switch (i) {
    case 0: return EVP_md5();
    case 1: return EVP_sha1();
    default: return EVP_sha256();
  }
}

}  // namespace

FileHasher::FileHasher(uint8_t hashes) {
  for (int i = 0; i < 3; ++i) {
    if (!(hashes & (1u << i))) continue;
    ctx_[i] = EVP_MD_CTX_new();
    if (ctx_[i] && EVP_DigestInit_ex(ctx_[i], digestOf(i), nullptr) != 1) {
      EVP_MD_CTX_free(ctx_[i]);
      ctx_[i] = nullptr;
    }
  }
}

FileHasher::~FileHasher() {
  for (evp_md_ctx_st* c : ctx_) EVP_MD_CTX_free(c);
}

void FileHasher::update(const uint8_t* data, size_t len) {
  for (evp_md_ctx_st* c : ctx_) {
    if (c) EVP_DigestUpdate(c, data, len);
  }
}

void FileHasher::finish(std::string& md5, std::string& sha1, std::string& sha256) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string* out[3] = {&md5, &sha1, &sha256};
  for (int i = 0; i < 3; ++i) {
    out[i]->clear();
    if (!ctx_[i]) continue;
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_DigestFinal_ex(ctx_[i], digest, &n) == 1) {
      for (unsigned int j = 0; j < n; ++j) {
        out[i]->push_back(kHex[digest[j] >> 4]);
        out[i]->push_back(kHex[digest[j] & 15]);
      }
    }
    EVP_MD_CTX_free(ctx_[i]);
    ctx_[i] = nullptr;
  }
}

}  // namespace mamori
