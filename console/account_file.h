#pragma once
// The console's accounts file: who may sign in to the analysts' console (users, with a
// password) and which scripts may call its API (tokens), each with a role. The operator
// manages it with `mamori ui users|tokens ...` (apps/ui_accounts_command.h); the running
// console reads it through Accounts (console/accounts.h).
//
// Text, one entry a line; lines starting with '#' and blank lines are kept as they are:
//   user NAME ROLE HASH      HASH: libsodium's argon2id string ($argon2id$v=19$m=...)
//   token NAME ROLE DIGEST   DIGEST: BLAKE2b-256 of the token, 64 hex digits
// NAME is 1..64 of [A-Za-z0-9._@-], unique among users and tokens (the history of an
// incident names who acted); ROLE is `viewer` or `analyst`. The file holds no secret that
// works as it is: passwords are argon2id hashes (INTERACTIVE limits: ~64 MiB and ~0.1 s a
// hash, so guessing offline is slow), tokens are 32 random bytes ("mamori_" and 64 hex
// digits, shown once when made) of which only the digest is kept; full entropy makes a fast
// hash enough. Still, it is written mode 0600, and a file others could write (or read) is
// refused.
//
// Reading is bounded (4 MiB) and strict: a malformed line is refused with PATH:LINE.
// An AccountFile is a value: const members may run on several threads at once, mutations
// need the caller's exclusion. Two processes saving the same file at once: the last wins.
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "console/principal.h"

namespace mamori {

// Names the file, and the line when a line is at fault ("PATH:LINE: reason").
class AccountFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class AccountFile {
 public:
  static constexpr size_t kMaxName = 64;
  static constexpr size_t kMinPassword = 8;
  static constexpr size_t kMaxPassword = 1024;
  static constexpr std::string_view kTokenPrefix = "mamori_";

  // Reads `path`; a missing file is an empty one (which save() creates). Throws
  // AccountFileError naming the path (and line) when it cannot be read, is malformed, or
  // may be written by group or others, or read by others.
  static AccountFile load(const std::string& path);

  // Replaces the file atomically: a new file in the same folder (mode 0600, the old file's
  // owner kept), synced, renamed over it. Throws AccountFileError naming the path.
  void save() const;

  // Mutations for the operator's commands. Each throws std::invalid_argument saying why:
  // a bad name, a name that is taken (or unknown), a password outside 8..1024 bytes.
  void addUser(const std::string& name, Role role, std::string_view password);
  void removeUser(std::string_view name);
  void setPassword(std::string_view name, std::string_view password);
  // Returns the new token: the only time it exists outside the client that keeps it.
  std::string addToken(const std::string& name, Role role);
  void removeToken(std::string_view name);
  // What addUser() and addToken() check of the name, for a caller that asks for a password
  // only once the name is known to do: throws std::invalid_argument for a bad or taken name.
  void checkNewName(const std::string& name) const;

  // The user, when `password` is theirs. An unknown user costs one hash verification as
  // well, so the time taken does not tell which users exist. Costs ~64 MiB and ~0.1 s:
  // callers serving many clients bound how many run at once (Accounts does).
  std::optional<Principal> verifyPassword(std::string_view user, std::string_view password) const;
  // The token's name and role, when `token` is one of the file's; constant time in its bytes.
  std::optional<Principal> verifyToken(std::string_view token) const;

  bool hasUser(std::string_view name) const;
  std::vector<Principal> users() const { return list(false); }  // in the file's order
  std::vector<Principal> tokens() const { return list(true); }  // in the file's order (token = true)
  // This file's users that `newer` no longer has, or has with another password or role:
  // whose sessions must end.
  std::vector<std::string> usersChangedIn(const AccountFile& newer) const;

  const std::string& path() const { return path_; }

 private:
  struct Entry {
    bool token = false;
    std::string name;
    Role role = Role::Viewer;
    std::string secret;  // the argon2id string, or the token's digest
  };
  // A line of the file: an entry, or a comment or blank line kept as it was.
  struct Line {
    std::optional<Entry> entry;
    std::string text;
  };

  explicit AccountFile(std::string path) : path_(std::move(path)) {}
  void parse(const std::string& text);
  const Entry* find(std::string_view name, bool token) const;
  Entry* find(std::string_view name, bool token);
  std::vector<Principal> list(bool tokens) const;
  void remove(std::string_view name, bool token);

  std::string path_;
  std::vector<Line> lines_;
};

}  // namespace mamori
