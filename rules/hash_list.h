#pragma once
// HashList: the MD5s, SHA-1s or SHA-256s a filemd5 / filesha1 / filesha256 rule names,
// read from a text file when the rules load: one hash a line in hex at its start,
// anything after it ignored (md5sum's output works), blank lines and '#' comments
// skipped. Immutable once loaded and shared by the rules (and workers) that use it.
//
// Bounded: a list file larger than kMaxFileBytes is refused, not read.
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mamori {

class HashList {
 public:
  static constexpr size_t kMaxFileBytes = size_t{64} << 20;

  // `hex_length`: 32 (MD5), 40 (SHA-1) or 64 (SHA-256). Null with `error` set to
  // "PATH:LINE: reason" (line 0 for the file as a whole) when a line is not such a hash.
  static std::shared_ptr<const HashList> load(const std::string& path, size_t hex_length, std::string& error);
  // From text, for lists that are not files; `name` is what errors call it.
  static std::shared_ptr<const HashList> parse(std::string_view text, const std::string& name, size_t hex_length,
                                               std::string& error);

  // `hex`: a lower- or upper-case digest of the list's length.
  bool contains(std::string_view hex) const;
  size_t size() const { return hashes_.size(); }
  size_t hexLength() const { return hex_length_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  size_t hex_length_ = 0;
  std::vector<std::string> hashes_;  // lower-case hex, sorted
};

}  // namespace mamori
