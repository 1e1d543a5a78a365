#include "console/account_file.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <map>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "console/secrets.h"

namespace mamori {

namespace {

constexpr size_t kMaxFile = 4 << 20;  // ~25,000 users: far more than a SOC has
constexpr size_t kTokenBytes = 32;
constexpr std::string_view kArgon2idPrefix = "$argon2id$";

constexpr const char* kHeader =
    "# mamori console accounts, managed with `mamori ui users add|remove|passwd|list` and\n"
    "# `mamori ui tokens add|remove|list`. One entry a line: `user NAME ROLE ARGON2ID-HASH` or\n"
    "# `token NAME ROLE BLAKE2B-DIGEST`; ROLE is viewer (reads) or analyst (also acts).\n";

std::string errnoText(int err) { return std::generic_category().message(err); }

bool validName(std::string_view name) {
  if (name.empty() || name.size() > AccountFile::kMaxName) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '@' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string nameRule(std::string_view name) {
  return fmt::format("'{}' is not a valid name: 1 to {} letters, digits, '.', '_', '@' or '-'", name,
                     AccountFile::kMaxName);
}

void checkPassword(std::string_view password) {
  if (password.size() < AccountFile::kMinPassword) {
    throw std::invalid_argument(
        fmt::format("the password is too short (at least {} bytes)", AccountFile::kMinPassword));
  }
  if (password.size() > AccountFile::kMaxPassword) {
    throw std::invalid_argument(fmt::format("the password is too long (at most {} bytes)", AccountFile::kMaxPassword));
  }
}

std::string hashPassword(std::string_view password) {
  requireSodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("cannot hash the password: out of memory");
  }
  return out;
}

// What an unknown user's password is checked against, made once with the same limits as
// every hash this file holds, so the check costs what a known user's does.
const std::string& dummyHash() {
  static const std::string hash = hashPassword(randomHex(16));
  return hash;
}

// The whole file; nullopt when it does not exist.
std::optional<std::string> readAccountFile(const std::string& path) {
  // O_NONBLOCK: a FIFO named by mistake must not hang the open.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    throw AccountFileError(path + ": cannot read the accounts file: " + errnoText(errno));
  }
  auto fail = [&](const std::string& why) {
    ::close(fd);
    return AccountFileError(path + ": " + why);
  };
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw fail("cannot read the accounts file: " + errnoText(errno));
  if (!S_ISREG(st.st_mode)) throw fail("not an accounts file (not a regular file)");
  mode_t mode = st.st_mode & 07777;
  if (mode & (S_IWGRP | S_IWOTH | S_IROTH)) {
    throw fail(fmt::format("open to others (mode {:04o}): whoever may write it may sign in as anyone, and its hashes "
                           "can be guessed at offline; chmod 600 {}",
                           mode, path));
  }
  // One byte past the limit tells a file that grew since fstat from one that fits.
  std::string text(kMaxFile + 1, '\0');
  size_t got = 0;
  while (got < text.size()) {
    ssize_t n = ::read(fd, text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw fail("cannot read the accounts file: " + errnoText(errno));
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  if (got > kMaxFile) throw AccountFileError(path + ": too large for an accounts file (over 4 MiB)");
  text.resize(got);
  return text;
}

std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (true) {
    i = line.find_first_not_of(" \t", i);
    if (i == std::string_view::npos) return out;
    size_t end = line.find_first_of(" \t", i);
    if (end == std::string_view::npos) end = line.size();
    out.push_back(line.substr(i, end - i));
    i = end;
  }
}

}  // namespace

AccountFile AccountFile::load(const std::string& path) {
  AccountFile file(path);
  std::optional<std::string> text = readAccountFile(path);
  file.parse(text ? *text : std::string(kHeader));
  return file;
}

void AccountFile::parse(const std::string& text) {
  std::map<std::string, size_t, std::less<>> seen;  // name -> its line
  size_t line_no = 0;
  for (size_t pos = 0; pos < text.size();) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    auto fail = [&](const std::string& why) {
      return AccountFileError(fmt::format("{}:{}: {}", path_, line_no, why));
    };
    if (!line.empty() && line.back() == '\r') line.pop_back();
    for (unsigned char c : line) {
      if ((c < 0x20 && c != '\t') || c == 0x7f) throw fail("not an accounts file (control characters)");
    }
    std::vector<std::string_view> f = fields(line);
    if (f.empty() || f[0][0] == '#') {
      lines_.push_back(Line{std::nullopt, line});
      continue;
    }
    Entry entry;
    if (f[0] == "token") {
      entry.token = true;
    } else if (f[0] != "user") {
      throw fail(fmt::format("unknown entry '{}' (user or token)", f[0].substr(0, 32)));
    }
    if (f.size() != 4) {
      throw fail(entry.token ? "expected 'token NAME ROLE DIGEST'" : "expected 'user NAME ROLE HASH'");
    }
    if (!validName(f[1])) throw fail(nameRule(f[1]));
    entry.name = f[1];
    if (!roleFromName(f[2], entry.role)) throw fail(fmt::format("unknown role '{}' (viewer or analyst)", f[2]));
    if (entry.token && !isLowerHex(f[3], crypto_generichash_BYTES)) {
      throw fail("the token's digest is not 64 hex digits");
    }
    if (!entry.token && (!f[3].starts_with(kArgon2idPrefix) || f[3].size() >= crypto_pwhash_STRBYTES)) {
      throw fail("the password hash is not an argon2id hash ($argon2id$...): set it with `mamori ui users passwd`");
    }
    entry.secret = f[3];
    auto [at, added] = seen.emplace(entry.name, line_no);
    if (!added) throw fail(fmt::format("'{}' is already named on line {}", entry.name, at->second));
    lines_.push_back(Line{std::move(entry), {}});
  }
}

void AccountFile::save() const {
  std::string text;
  for (const Line& line : lines_) {
    if (!line.entry) {
      text += line.text;
    } else {
      const Entry& e = *line.entry;
      text += fmt::format("{} {} {} {}", e.token ? "token" : "user", e.name, roleName(e.role), e.secret);
    }
    text += '\n';
  }

  std::string temp = path_ + ".XXXXXX";  // same folder: rename() stays atomic
  int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) throw AccountFileError(path_ + ": cannot write a new file beside it: " + errnoText(errno));
  auto fail = [&](const std::string& what) {
    int err = errno;
    ::close(fd);
    ::unlink(temp.c_str());
    return AccountFileError(path_ + ": cannot " + what + ": " + errnoText(err));
  };
  if (::fchmod(fd, 0600) != 0) throw fail("set the mode of its new file");
  // The console may run as another user than the operator's command (root, say): it must
  // still be able to read the file.
  struct stat old {};
  if (::stat(path_.c_str(), &old) == 0 && (old.st_uid != ::geteuid() || old.st_gid != ::getegid()) &&
      ::fchown(fd, old.st_uid, old.st_gid) != 0) {
    throw fail(fmt::format("keep its owner ({}:{}); run this as that user or root", old.st_uid, old.st_gid));
  }
  for (size_t done = 0; done < text.size();) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw fail("write its new file");
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) throw fail("sync its new file");
  if (::close(fd) != 0) {
    int err = errno;
    ::unlink(temp.c_str());
    throw AccountFileError(path_ + ": cannot write its new file: " + errnoText(err));
  }
  if (::rename(temp.c_str(), path_.c_str()) != 0) {
    int err = errno;
    ::unlink(temp.c_str());
    throw AccountFileError(path_ + ": cannot replace it: " + errnoText(err));
  }
  // The rename itself survives a power loss once the folder is synced. It is done either way,
  // so a folder that cannot be synced is left to the system's own writeback.
  std::filesystem::path dir = std::filesystem::path(path_).parent_path();
  int dir_fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
}

const AccountFile::Entry* AccountFile::find(std::string_view name, bool token) const {
  for (const Line& line : lines_) {
    if (line.entry && line.entry->token == token && line.entry->name == name) return &*line.entry;
  }
  return nullptr;
}

AccountFile::Entry* AccountFile::find(std::string_view name, bool token) {
  return const_cast<Entry*>(std::as_const(*this).find(name, token));
}

void AccountFile::checkNewName(const std::string& name) const {
  if (!validName(name)) throw std::invalid_argument(nameRule(name));
  if (find(name, false)) throw std::invalid_argument(fmt::format("there is already a user '{}'", name));
  if (find(name, true)) throw std::invalid_argument(fmt::format("there is already a token '{}'", name));
}

void AccountFile::addUser(const std::string& name, Role role, std::string_view password) {
  checkNewName(name);
  checkPassword(password);
  lines_.push_back(Line{Entry{false, name, role, hashPassword(password)}, {}});
}

void AccountFile::remove(std::string_view name, bool token) {
  for (auto it = lines_.begin(); it != lines_.end(); ++it) {
    if (it->entry && it->entry->token == token && it->entry->name == name) {
      lines_.erase(it);
      return;
    }
  }
  throw std::invalid_argument(fmt::format("there is no {} '{}'", token ? "token" : "user", name));
}

void AccountFile::removeUser(std::string_view name) { remove(name, false); }

void AccountFile::removeToken(std::string_view name) { remove(name, true); }

void AccountFile::setPassword(std::string_view name, std::string_view password) {
  Entry* entry = find(name, false);
  if (!entry) throw std::invalid_argument(fmt::format("there is no user '{}'", name));
  checkPassword(password);
  entry->secret = hashPassword(password);
}

std::string AccountFile::addToken(const std::string& name, Role role) {
  checkNewName(name);
  std::string token = std::string(kTokenPrefix) + randomHex(kTokenBytes);
  lines_.push_back(Line{Entry{true, name, role, digestHex(token)}, {}});
  return token;
}

std::optional<Principal> AccountFile::verifyPassword(std::string_view user, std::string_view password) const {
  // The bound holds for every user alike, so refusing here tells nothing about who exists.
  if (password.size() > kMaxPassword) return std::nullopt;
  const Entry* entry = find(user, false);
  const std::string& hash = entry ? entry->secret : dummyHash();
  bool match = crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
  if (!entry || !match) return std::nullopt;
  return Principal{entry->name, entry->role, false};
}

std::optional<Principal> AccountFile::verifyToken(std::string_view token) const {
  if (!token.starts_with(kTokenPrefix) || !isLowerHex(token.substr(kTokenPrefix.size()), kTokenBytes)) {
    return std::nullopt;
  }
  std::string digest = digestHex(token);
  const Entry* match = nullptr;
  for (const Line& line : lines_) {
    // Every token is compared, so the time does not tell which one matched.
    if (line.entry && line.entry->token && sameSecret(line.entry->secret, digest)) match = &*line.entry;
  }
  if (!match) return std::nullopt;
  return Principal{match->name, match->role, true};
}

bool AccountFile::hasUser(std::string_view name) const { return find(name, false) != nullptr; }

std::vector<Principal> AccountFile::list(bool tokens) const {
  std::vector<Principal> out;
  for (const Line& line : lines_) {
    if (line.entry && line.entry->token == tokens) out.push_back(Principal{line.entry->name, line.entry->role, tokens});
  }
  return out;
}

std::vector<std::string> AccountFile::usersChangedIn(const AccountFile& newer) const {
  std::vector<std::string> out;
  for (const Line& line : lines_) {
    if (!line.entry || line.entry->token) continue;
    const Entry* now = newer.find(line.entry->name, false);
    if (!now || now->role != line.entry->role || now->secret != line.entry->secret) out.push_back(line.entry->name);
  }
  return out;
}

}  // namespace mamori
