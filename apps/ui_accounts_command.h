#pragma once
// `mamori ui users add|remove|passwd|list` and `mamori ui tokens add|remove|list`: the
// operator's commands for the console's accounts file (console/account_file.h), added under
// the `ui` subcommand the caller made. A running console follows the file within a second:
// a removed user's sessions end, a removed token stops working.
//
// A new password is prompted for twice, without echo, when stdin is a terminal; otherwise it
// is the first line of stdin (for scripts: `printf '%s\n' "$PW" | mamori ui users add ...`).
// A new token is printed once, alone on a line on stdout. Hashes and digests never are.
#include <cstdio>
#include <functional>
#include <string>

#include <CLI/CLI.hpp>

namespace mamori {

class UiAccountsCommand {
 public:
  // A new password for `user`; throws std::runtime_error saying why there is none (the input
  // ended, the two entries differ).
  using PasswordSource = std::function<std::string(const std::string& user)>;
  // The terminal's prompt when stdin is one, else stdin's first line.
  static std::string readNewPassword(const std::string& user);

  // Where passwords come from and output goes: the real ones, or a test's.
  struct Io {
    PasswordSource password = readNewPassword;
    std::FILE* out = stdout;
    std::FILE* err = stderr;
  };

  explicit UiAccountsCommand(CLI::App& ui);  // adds `users` and `tokens` to `ui`
  UiAccountsCommand(CLI::App& ui, Io io);

  bool selected() const { return selectedCommand() != nullptr; }
  // Runs the selected command. Exit code: 0; 1 when refused (a bad, taken or unknown name, a bad password, an accounts
  // file that cannot be read or written), with the reason on stderr; 2 for an unknown role.
  int run() const;

 private:
  const CLI::App* selectedCommand() const;
  int list(bool tokens) const;

  Io io_;
  CLI::App* users_add_ = nullptr;
  CLI::App* users_remove_ = nullptr;
  CLI::App* users_passwd_ = nullptr;
  CLI::App* users_list_ = nullptr;
  CLI::App* tokens_add_ = nullptr;
  CLI::App* tokens_remove_ = nullptr;
  CLI::App* tokens_list_ = nullptr;
  std::string name_, role_, accounts_;
};

}  // namespace mamori
