#include "uplink/rule_set_package.h"

#include <openssl/evp.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>

namespace fs = std::filesystem;

namespace mamori {

namespace {

bool endsWith(const std::string& s, const char* suffix) {
  const size_t n = std::char_traits<char>::length(suffix);
  return s.size() > n && s.compare(s.size() - n, n, suffix) == 0;
}

std::string readWhole(const fs::path& path, size_t limit) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) throw RuleSetPackageError("cannot read '" + path.string() + "': " + ec.message());
  if (size > limit) {
    throw RuleSetPackageError("'" + path.string() + "' is larger than a rule set may be (" +
                              std::to_string(limit >> 20) + " MB)");
  }
  std::ifstream in(path, std::ios::binary);
  std::string text(size, '\0');
  if (!in.read(text.data(), static_cast<std::streamsize>(size))) {
    throw RuleSetPackageError("cannot read '" + path.string() + "'");
  }
  return text;
}

void writeWhole(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (!out) throw RuleSetPackageError("cannot write '" + path.string() + "'");
}

}  // namespace

bool RuleSetPackage::validName(const std::string& name) {
  if (name.empty() || name.size() > 255 || name[0] == '.') return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-' || c == '+';
    if (!ok) return false;
  }
  return isSignatureFile(name) || isCorrelationFile(name);
}

bool RuleSetPackage::isSignatureFile(const std::string& name) { return endsWith(name, ".rules"); }

bool RuleSetPackage::isCorrelationFile(const std::string& name) {
  return endsWith(name, ".yaml") || endsWith(name, ".yml");
}

RuleSetPackage RuleSetPackage::fromPaths(const std::vector<std::string>& paths) {
  RuleSetPackage package;
  std::set<std::string> names;
  size_t total = 0;
  auto add = [&](const fs::path& file) {
    const std::string name = file.filename().string();
    if (!validName(name)) {
      throw RuleSetPackageError("'" + file.string() + "': a rule set file is named NAME.rules, NAME.yaml or NAME.yml "
                                "(letters, digits, . _ - +)");
    }
    if (!names.insert(name).second) throw RuleSetPackageError("two files are named '" + name + "'");
    if (names.size() > kMaxFiles) throw RuleSetPackageError("more than " + std::to_string(kMaxFiles) + " files");
    std::string text = readWhole(file, kMaxBytes);
    total += text.size();
    if (total > kMaxBytes) {
      throw RuleSetPackageError("the rule set is larger than " + std::to_string(kMaxBytes >> 20) + " MB");
    }
    package.files.push_back({name, std::move(text)});
  };
  for (const std::string& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<fs::path> found;
      for (const auto& e : fs::directory_iterator(p, ec)) {
        const std::string name = e.path().filename().string();
        if (e.is_regular_file() && (isSignatureFile(name) || isCorrelationFile(name))) found.push_back(e.path());
      }
      if (ec) throw RuleSetPackageError("cannot read folder '" + p + "': " + ec.message());
      if (found.empty()) throw RuleSetPackageError("folder '" + p + "' holds no .rules, .yaml or .yml files");
      std::sort(found.begin(), found.end());
      for (const auto& f : found) add(f);
    } else if (fs::is_regular_file(p, ec)) {
      add(p);
    } else {
      throw RuleSetPackageError("no such rule file or folder: '" + p + "'");
    }
  }
  if (package.files.empty()) throw RuleSetPackageError("no rule files given");
  std::sort(package.files.begin(), package.files.end(),
            [](const RuleSetFile& a, const RuleSetFile& b) { return a.name < b.name; });
  return package;
}

std::string RuleSetPackage::validate() const {
  if (files.empty()) return "the rule set holds no files";
  if (files.size() > kMaxFiles) return "the rule set holds more than " + std::to_string(kMaxFiles) + " files";
  size_t total = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    if (!validName(files[i].name)) return "bad file name in the rule set";
    if (i > 0 && !(files[i - 1].name < files[i].name)) return "file names not sorted or repeated: '" + files[i].name + "'";
    total += files[i].text.size();
  }
  if (total > kMaxBytes) return "the rule set is larger than " + std::to_string(kMaxBytes >> 20) + " MB";
  if (!version.empty() && versionSequence(version) == 0) return "malformed version '" + version + "'";
  return "";
}

std::string RuleSetPackage::contentHash() const {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  auto feed = [&](const std::string& s) {
    const uint64_t n = s.size();
    EVP_DigestUpdate(ctx.get(), &n, sizeof n);
    EVP_DigestUpdate(ctx.get(), s.data(), s.size());
  };
  for (const RuleSetFile& f : files) {
    feed(f.name);
    feed(f.text);
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &length);
  std::string hex;
  char byte[3];
  for (unsigned int i = 0; i < length; ++i) {
    std::snprintf(byte, sizeof byte, "%02x", digest[i]);
    hex += byte;
  }
  return hex;
}

std::string RuleSetPackage::makeVersion(uint64_t sequence, const std::string& content_hash) {
  return std::to_string(sequence) + "-" + content_hash.substr(0, 12);
}

uint64_t RuleSetPackage::versionSequence(const std::string& version) {
  const size_t dash = version.find('-');
  if (dash == std::string::npos || dash == 0 || version.size() - dash - 1 != 12) return 0;
  for (size_t i = dash + 1; i < version.size(); ++i) {
    if (!std::isxdigit(static_cast<unsigned char>(version[i]))) return 0;
  }
  uint64_t seq = 0;
  auto [end, ec] = std::from_chars(version.data(), version.data() + dash, seq);
  return ec == std::errc() && end == version.data() + dash ? seq : 0;
}

void RuleSetPackage::saveAsCurrent(const std::string& dir, size_t keep) const {
  if (const std::string why = validate(); !why.empty() || version.empty()) {
    throw RuleSetPackageError("refusing to keep a malformed rule set: " + (why.empty() ? "no version" : why));
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw RuleSetPackageError("cannot create '" + dir + "': " + ec.message());
  const fs::path folder = fs::path(dir) / version;
  const fs::path staging = fs::path(dir) / ("." + version + ".tmp");
  fs::remove_all(staging, ec);
  fs::create_directories(staging, ec);
  if (ec) throw RuleSetPackageError("cannot create '" + staging.string() + "': " + ec.message());
  for (const RuleSetFile& f : files) writeWhole(staging / f.name, f.text);
  writeWhole(staging / ".comment", comment);
  fs::remove_all(folder, ec);
  fs::rename(staging, folder, ec);
  if (ec) throw RuleSetPackageError("cannot move the rule set into '" + folder.string() + "': " + ec.message());
  const fs::path current_tmp = fs::path(dir) / ".current.tmp";
  writeWhole(current_tmp, version + "\n");
  fs::rename(current_tmp, fs::path(dir) / "current", ec);
  if (ec) throw RuleSetPackageError("cannot update '" + dir + "/current': " + ec.message());

  // Older versions beyond `keep`, by sequence number; the current one always stays.
  std::vector<std::pair<uint64_t, fs::path>> kept;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const uint64_t seq = versionSequence(e.path().filename().string());
    if (seq && e.is_directory()) kept.emplace_back(seq, e.path());
  }
  std::sort(kept.rbegin(), kept.rend());
  for (size_t i = 0; i < kept.size(); ++i) {
    if (i >= keep && kept[i].second.filename() != version) fs::remove_all(kept[i].second, ec);
  }
}

RuleSetPackage RuleSetPackage::loadCurrent(const std::string& dir) {
  RuleSetPackage package;
  const fs::path current = fs::path(dir) / "current";
  std::error_code ec;
  if (!fs::exists(current, ec)) return package;
  std::string version = readWhole(current, 256);
  while (!version.empty() && (version.back() == '\n' || version.back() == '\r')) version.pop_back();
  if (versionSequence(version) == 0) throw RuleSetPackageError("'" + current.string() + "' names no rule set version");
  const fs::path folder = fs::path(dir) / version;
  if (!fs::is_directory(folder, ec)) {
    throw RuleSetPackageError("'" + current.string() + "' names version " + version + ", but " + folder.string() +
                              " is missing");
  }
  size_t total = 0;
  for (const auto& e : fs::directory_iterator(folder, ec)) {
    const std::string name = e.path().filename().string();
    if (name == ".comment") {
      package.comment = readWhole(e.path(), 64 << 10);
      continue;
    }
    if (!e.is_regular_file() || !validName(name)) continue;
    std::string text = readWhole(e.path(), kMaxBytes);
    total += text.size();
    if (total > kMaxBytes) throw RuleSetPackageError("'" + folder.string() + "' is larger than a rule set may be");
    package.files.push_back({name, std::move(text)});
  }
  std::sort(package.files.begin(), package.files.end(),
            [](const RuleSetFile& a, const RuleSetFile& b) { return a.name < b.name; });
  package.version = version;
  if (const std::string why = package.validate(); !why.empty()) {
    throw RuleSetPackageError("'" + folder.string() + "': " + why);
  }
  return package;
}

}  // namespace mamori
