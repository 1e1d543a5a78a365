#include "console/accounts.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>

#include <fmt/format.h>

namespace mamori {

namespace {

std::string addHint(const std::string& path) {
  return fmt::format("make one with `mamori ui users add NAME --role analyst --accounts {}`", path);
}

}  // namespace

Accounts::Accounts(std::string path, AccountsOptions options)
    : path_(std::move(path)), options_(options), verifications_(options.max_verifications) {
  stamp_ = stamp();
  file_ = std::make_shared<const AccountFile>(AccountFile::load(path_));
  if (!stamp_.exists) {
    fmt::print(stderr, "mamori: ui: no accounts file {}: no one can sign in until there is one; {}\n", path_,
               addHint(path_));
  }
  next_check_ = Clock::now() + options_.check_interval;
}

void Accounts::onRevoked(RevokedListener listener) {
  std::lock_guard lock(mutex_);
  revoked_ = std::move(listener);
}

Accounts::FileStamp Accounts::stamp() const {
  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0) return FileStamp{};
  return FileStamp{true,
                   static_cast<uint64_t>(st.st_dev),
                   static_cast<uint64_t>(st.st_ino),
                   static_cast<uint64_t>(st.st_size),
                   st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec,
                   st.st_ctim.tv_sec * 1'000'000'000LL + st.st_ctim.tv_nsec};
}

void Accounts::refresh(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (now < next_check_) return;
  next_check_ = now + options_.check_interval;
  // Taken before reading: a change made while the file is read shows at the next check.
  FileStamp seen = stamp();
  if (seen == stamp_) return;
  std::shared_ptr<const AccountFile> newer;
  try {
    newer = std::make_shared<const AccountFile>(AccountFile::load(path_));
  } catch (const AccountFileError& e) {
    failed_reloads_.fetch_add(1, std::memory_order_relaxed);
    // Logged once a failure, not once a second; stamp_ stays, so a fixed file is read again.
    if (e.what() != last_error_) {
      fmt::print(stderr, "mamori: ui: {}; the accounts read before stay in use\n", e.what());
      last_error_ = e.what();
    }
    return;
  }
  std::vector<std::string> revoked = file_->usersChangedIn(*newer);
  file_ = std::move(newer);
  stamp_ = seen;
  last_error_.clear();
  reloads_.fetch_add(1, std::memory_order_relaxed);
  if (seen.exists) {
    fmt::print(stderr, "mamori: ui: read {}: {} user(s), {} token(s)\n", path_, file_->users().size(),
               file_->tokens().size());
  } else {
    fmt::print(stderr, "mamori: ui: {} is gone: no one can sign in until there is one; {}\n", path_, addHint(path_));
  }
  if (!revoked.empty() && revoked_) revoked_(revoked);
}

std::shared_ptr<const AccountFile> Accounts::current() {
  refresh();
  std::lock_guard lock(mutex_);
  return file_;
}

std::optional<Principal> Accounts::signIn(std::string_view user, std::string_view password) {
  std::shared_ptr<const AccountFile> file = current();
  verifications_.acquire();
  struct Release {
    std::counting_semaphore<>& s;
    ~Release() { s.release(); }
  } release{verifications_};
  return file->verifyPassword(user, password);
}

std::optional<Principal> Accounts::token(std::string_view token) { return current()->verifyToken(token); }

bool Accounts::exists(std::string_view user) { return current()->hasUser(user); }

std::vector<Principal> Accounts::users() { return current()->users(); }

}  // namespace mamori
