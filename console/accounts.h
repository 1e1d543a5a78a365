#pragma once
// Accounts: the running console's view of its accounts file (console/account_file.h). It
// signs analysts in, checks API tokens, and follows the file as the operator changes it with
// `mamori ui users|tokens ...`, without a restart.
//
// Each call looks at the file (its inode, size, modification and change times) at most once
// per `check_interval`, and rereads it when it changed. A reread that fails keeps the
// accounts already read and logs the failure once ("mamori: ui: ..."); a missing file is one
// without accounts (no one can sign in). A reread that removes a user, or changes a user's
// password or role, hands their names to the revocation listener, so that their sessions end
// (SessionTable::removeUser); removed tokens stop working at the same moment.
//
// Thread-safe: any thread may call anything. Password checks run outside the lock, at most
// `max_verifications` at once: an argon2id check takes ~64 MiB and ~0.1 s, so a burst of
// sign-ins waits its turn rather than exhausting memory.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <semaphore>
#include <string>
#include <string_view>
#include <vector>

#include "console/account_file.h"
#include "console/principal.h"

namespace mamori {

struct AccountsOptions {
  std::chrono::steady_clock::duration check_interval = std::chrono::seconds(1);
  std::ptrdiff_t max_verifications = 2;  // password checks at once
};

class Accounts {
 public:
  using Clock = std::chrono::steady_clock;
  // Called with the names of users whose sessions must end, under the Accounts' lock: it must
  // not call back into this Accounts.
  using RevokedListener = std::function<void(const std::vector<std::string>& users)>;

  // Reads `path`. Throws AccountFileError when it cannot be read or is malformed; a missing
  // file is logged with how to make one, and no one can sign in until it exists.
  explicit Accounts(std::string path, AccountsOptions options = AccountsOptions());

  Accounts(const Accounts&) = delete;
  Accounts& operator=(const Accounts&) = delete;

  // Set once, before serving.
  void onRevoked(RevokedListener listener);

  // The user, when the password is theirs (AccountFile::verifyPassword). Blocks while
  // `max_verifications` other checks run.
  std::optional<Principal> signIn(std::string_view user, std::string_view password);
  // The API token's name and role, when it is one of the file's.
  std::optional<Principal> token(std::string_view token);
  // Whether `user` is an account (an incident is assigned to an account).
  bool exists(std::string_view user);
  std::vector<Principal> users();  // name and role, in the file's order

  // Rereads the file when it changed, at most once per check_interval; the calls above do
  // this themselves. Call it before trusting a session, so that a removed user's ends.
  void refresh(Clock::time_point now = Clock::now());

  const std::string& path() const { return path_; }
  // Rereads that took effect, and rereads that failed (each kept the previous accounts).
  uint64_t reloads() const { return reloads_.load(std::memory_order_relaxed); }
  uint64_t failedReloads() const { return failed_reloads_.load(std::memory_order_relaxed); }

 private:
  // What tells a changed file: save() renames a new file in, so its inode changes too.
  struct FileStamp {
    bool exists = false;
    uint64_t device = 0, inode = 0, size = 0;
    int64_t mtime_ns = 0, ctime_ns = 0;
    bool operator==(const FileStamp&) const = default;
  };
  FileStamp stamp() const;
  // The accounts as they are now, after a refresh().
  std::shared_ptr<const AccountFile> current();

  std::string path_;
  AccountsOptions options_;
  std::counting_semaphore<> verifications_;
  std::mutex mutex_;  // guards everything below
  std::shared_ptr<const AccountFile> file_;
  FileStamp stamp_;
  Clock::time_point next_check_;
  std::string last_error_;  // of the last failed reread: logged once
  RevokedListener revoked_;
  std::atomic<uint64_t> reloads_{0};
  std::atomic<uint64_t> failed_reloads_{0};
};

}  // namespace mamori
