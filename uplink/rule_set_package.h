#pragma once
// RuleSetPackage: a rule set as a rule author pushes it, the central keeps it and a sensor
// runs it: named files of signature rules (*.rules) and correlation rules (*.yaml, *.yml),
// and, once the central accepted it, its version ("7-3f2a9c1b4e5d": the central's sequence
// number of accepted sets, then the first 12 hex digits of the content hash).
//
// File names are plain names (no folders: a pushed folder contributes its files by name),
// so a hostile package cannot name a path outside the folder a sensor keeps it in. Sizes
// are bounded: what arrives over the wire is checked with validate() before anything is
// built from it.
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace mamori {

class RuleSetPackageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct RuleSetFile {
  std::string name;  // "emerging-scan.rules"
  std::string text;
};

struct RuleSetPackage {
  static constexpr size_t kMaxFiles = 1024;
  static constexpr size_t kMaxBytes = size_t{48} << 20;  // all texts together; ET Open is ~20 MB

  std::string version;  // empty until the central accepts the set
  std::string comment;  // the author's
  std::vector<RuleSetFile> files;  // sorted by name, names unique

  // The files of `paths` (a file, or a folder's *.rules / *.yaml / *.yml files), sorted by
  // name. Throws RuleSetPackageError naming the path when one cannot be read, a name
  // repeats, or the set passes the bounds.
  static RuleSetPackage fromPaths(const std::vector<std::string>& paths);

  // Empty when the package is well-formed; otherwise why not (names, counts, sizes, order).
  std::string validate() const;
  static bool validName(const std::string& name);
  static bool isSignatureFile(const std::string& name);    // *.rules
  static bool isCorrelationFile(const std::string& name);  // *.yaml, *.yml

  // SHA-256 of the files (names and texts, length-prefixed, in order), 64 hex digits.
  std::string contentHash() const;
  static std::string makeVersion(uint64_t sequence, const std::string& content_hash);
  // The sequence number of a version string; 0 when it is not one.
  static uint64_t versionSequence(const std::string& version);

  // Keeps the package in DIR/<version>/ and makes it the one DIR/current names (written to
  // a temporary file and renamed, so a crash leaves the previous current). Older versions
  // beyond the `keep` newest are removed. Throws RuleSetPackageError.
  void saveAsCurrent(const std::string& dir, size_t keep = 3) const;
  // The package DIR/current names; an empty package (no version) when there is none.
  // Throws RuleSetPackageError when it is named but unreadable or malformed.
  static RuleSetPackage loadCurrent(const std::string& dir);
};

}  // namespace mamori
