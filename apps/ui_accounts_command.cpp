#include "apps/ui_accounts_command.h"

#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>

#include "console/account_file.h"
#include "console/principal.h"

namespace mamori {

namespace {

constexpr const char* kRoles = "viewer (reads) or analyst (also acts on incidents)";

// One line of `in` without its line end; nothing at the end of input. Stops storing past the
// longest password, which AccountFile then refuses as too long.
std::optional<std::string> readLine(std::FILE* in) {
  std::string line;
  int c = 0;
  while ((c = std::fgetc(in)) != EOF && c != '\n') {
    if (line.size() <= AccountFile::kMaxPassword) line += static_cast<char>(c);
  }
  if (c == EOF && line.empty()) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::string promptWithoutEcho(const std::string& prompt) {
  fmt::print(stderr, "{}", prompt);
  std::fflush(stderr);
  termios saved {};
  bool quiet = ::tcgetattr(STDIN_FILENO, &saved) == 0;
  if (quiet) {
    termios silent = saved;
    silent.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet = ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent) == 0;
  }
  std::optional<std::string> line = readLine(stdin);
  if (quiet) ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
  fmt::print(stderr, "\n");
  if (!line) throw std::runtime_error("no password given");
  return *line;
}

}  // namespace

std::string UiAccountsCommand::readNewPassword(const std::string& user) {
  if (!::isatty(STDIN_FILENO)) {
    std::optional<std::string> line = readLine(stdin);
    if (!line) throw std::runtime_error("no password on stdin (give it as one line)");
    return *line;
  }
  std::string first = promptWithoutEcho(fmt::format("New password for {}: ", user));
  std::string again = promptWithoutEcho("Again: ");
  if (first != again) throw std::runtime_error("the two passwords differ");
  return first;
}

UiAccountsCommand::UiAccountsCommand(CLI::App& ui) : UiAccountsCommand(ui, Io()) {}

UiAccountsCommand::UiAccountsCommand(CLI::App& ui, Io io) : io_(std::move(io)) {
  auto command = [&](CLI::App* parent, const char* name, const char* what, bool named) {
    CLI::App* cmd = parent->add_subcommand(name, what);
    if (named) {
      cmd->add_option("name", name_, "The account's or token's name: 1 to 64 of A-Z a-z 0-9 . _ @ -")->required();
    }
    cmd->add_option("--accounts", accounts_, "The console's accounts file")->required();
    return cmd;
  };
  auto* users = ui.add_subcommand("users", "The console's analysts: who may sign in, as viewer or analyst");
  users->require_subcommand(1);
  users_add_ = command(users, "add", "Add a user; the password is prompted for, or read as a line of stdin", true);
  users_add_->add_option("--role", role_, kRoles)->required();
  users_remove_ = command(users, "remove", "Remove a user; their sessions end", true);
  users_passwd_ = command(users, "passwd", "Set a user's password; their sessions end", true);
  users_list_ = command(users, "list", "List the users and their roles", false);

  auto* tokens = ui.add_subcommand("tokens", "API tokens for scripts (Authorization: Bearer TOKEN)");
  tokens->require_subcommand(1);
  tokens_add_ = command(tokens, "add", "Make a token and print it, once", true);
  tokens_add_->add_option("--role", role_, kRoles)->required();
  tokens_remove_ = command(tokens, "remove", "Remove a token; it stops working", true);
  tokens_list_ = command(tokens, "list", "List the tokens' names and roles", false);
}

const CLI::App* UiAccountsCommand::selectedCommand() const {
  for (const CLI::App* cmd : {users_add_, users_remove_, users_passwd_, users_list_, tokens_add_, tokens_remove_,
                              tokens_list_}) {
    if (*cmd) return cmd;
  }
  return nullptr;
}

int UiAccountsCommand::list(bool tokens) const {
  AccountFile file = AccountFile::load(accounts_);
  std::vector<Principal> entries = tokens ? file.tokens() : file.users();
  size_t width = 0;
  for (const Principal& p : entries) width = std::max(width, p.name.size());
  for (const Principal& p : entries) fmt::print(io_.out, "{:<{}}  {}\n", p.name, width, roleName(p.role));
  if (entries.empty()) fmt::print(io_.err, "{} has no {}\n", accounts_, tokens ? "tokens" : "users");
  return 0;
}

int UiAccountsCommand::run() const {
  const CLI::App* cmd = selectedCommand();
  std::string label = fmt::format("mamori ui {} {}", cmd->get_parent()->get_name(), cmd->get_name());
  bool adds = cmd == users_add_ || cmd == tokens_add_;
  Role role = Role::Viewer;
  if (adds && !roleFromName(role_, role)) {
    fmt::print(io_.err, "{}: unknown role '{}': {}\n", label, role_, kRoles);
    return 2;
  }
  try {
    // Only adding makes the file: anything else on a missing file is a mistyped path.
    std::error_code ec;
    if (!adds && !std::filesystem::exists(accounts_, ec)) {
      throw AccountFileError(accounts_ + ": no such accounts file (`mamori ui users add` makes it)");
    }
    if (cmd == users_list_ || cmd == tokens_list_) return list(cmd == tokens_list_);
    AccountFile file = AccountFile::load(accounts_);
    if (cmd == users_add_) {
      file.checkNewName(name_);  // before asking for a password that would be refused anyway
      file.addUser(name_, role, io_.password(name_));
      file.save();
      fmt::print(io_.out, "added user {} ({}) to {}\n", name_, roleName(role), accounts_);
    } else if (cmd == users_passwd_) {
      if (!file.hasUser(name_)) throw std::invalid_argument(fmt::format("there is no user '{}'", name_));
      file.setPassword(name_, io_.password(name_));
      file.save();
      fmt::print(io_.out, "set the password of {}; their console sessions end\n", name_);
    } else if (cmd == users_remove_) {
      file.removeUser(name_);
      file.save();
      fmt::print(io_.out, "removed user {}; their console sessions end\n", name_);
    } else if (cmd == tokens_add_) {
      std::string token = file.addToken(name_, role);
      file.save();  // before the token is shown: a token that was not kept must not be handed out
      fmt::print(io_.err, "token {} ({}) added to {}; it is shown once, here:\n", name_, roleName(role), accounts_);
      fmt::print(io_.out, "{}\n", token);
    } else if (cmd == tokens_remove_) {
      file.removeToken(name_);
      file.save();
      fmt::print(io_.out, "removed token {}; it no longer works\n", name_);
    }
    return 0;
  } catch (const std::exception& e) {
    // AccountFileError names the file; the others (a refused name or password, a password
    // that could not be read) are the operator's input.
    fmt::print(io_.err, "{}: {}\n", label, e.what());
    return 1;
  }
}

}  // namespace mamori
