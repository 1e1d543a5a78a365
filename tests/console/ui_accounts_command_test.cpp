// `mamori ui users|tokens ...` as an operator runs them: each command's effect on the
// accounts file, its output (never a hash), its refusals and exit codes. The passwords a
// terminal would prompt for come from the test; reading one from a piped stdin is the real
// code, on a real pipe.
#include <fcntl.h>
#include <stdio_ext.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <vector>

#include "apps/ui_accounts_command.h"
#include "console/account_file.h"
#include "tests/support/test_support.h"

namespace mamori {
namespace {

using test::readFile;
using test::tempDir;

struct Result {
  int code = -1;
  std::string out, err;
  int password_reads = 0;
};

std::string contents(std::FILE* f) {
  std::rewind(f);
  std::string text;
  for (int c; (c = std::fgetc(f)) != EOF;) text += static_cast<char>(c);
  std::fclose(f);
  return text;
}

// Parses `args` as `mamori ui ...` and runs the command; new passwords are `password`, or
// the password source fails with `password_error` when that is set.
Result runUi(std::vector<std::string> args, const std::string& password = "",
             const std::string& password_error = "") {
  Result result;
  UiAccountsCommand::Io io;
  io.password = [&](const std::string&) {
    ++result.password_reads;
    if (!password_error.empty()) throw std::runtime_error(password_error);
    return password;
  };
  io.out = std::tmpfile();
  io.err = std::tmpfile();
  std::FILE* out = io.out;
  std::FILE* err = io.err;
  {
    CLI::App app("mamori");
    auto* ui = app.add_subcommand("ui", "The console");
    UiAccountsCommand command(*ui, io);
    args.insert(args.begin(), {"mamori", "ui"});
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    app.parse(static_cast<int>(argv.size()), argv.data());
    EXPECT_TRUE(command.selected());
    result.code = command.run();
  }
  result.out = contents(out);
  result.err = contents(err);
  return result;
}

TEST(UiAccountsCommand, UsersAreAddedListedGivenPasswordsAndRemoved) {
  const std::string path = tempDir() + "/accounts";
  Result add = runUi({"users", "add", "alice", "--role", "analyst", "--accounts", path}, "alice password");
  EXPECT_EQ(add.code, 0) << add.err;
  EXPECT_EQ(add.out, "added user alice (analyst) to " + path + "\n");
  EXPECT_EQ(add.password_reads, 1);
  auto alice = AccountFile::load(path).verifyPassword("alice", "alice password");
  ASSERT_TRUE(alice);
  EXPECT_EQ(alice->role, Role::Analyst);

  // Refused before a password is asked for.
  Result again = runUi({"users", "add", "alice", "--role", "viewer", "--accounts", path}, "other password");
  EXPECT_EQ(again.code, 1);
  EXPECT_EQ(again.err, "mamori ui users add: there is already a user 'alice'\n");
  EXPECT_EQ(again.password_reads, 0);
  Result bad_name = runUi({"users", "add", "al/ice", "--role", "viewer", "--accounts", path}, "other password");
  EXPECT_EQ(bad_name.code, 1);
  EXPECT_NE(bad_name.err.find("'al/ice' is not a valid name"), std::string::npos) << bad_name.err;
  EXPECT_EQ(bad_name.password_reads, 0);
  Result bad_role = runUi({"users", "add", "bob", "--role", "admin", "--accounts", path}, "bob password");
  EXPECT_EQ(bad_role.code, 2);
  EXPECT_NE(bad_role.err.find("unknown role 'admin': viewer (reads) or analyst"), std::string::npos) << bad_role.err;
  Result short_pw = runUi({"users", "add", "bob", "--role", "viewer", "--accounts", path}, "short");
  EXPECT_EQ(short_pw.code, 1);
  EXPECT_NE(short_pw.err.find("too short"), std::string::npos) << short_pw.err;
  Result differ =
      runUi({"users", "add", "bob", "--role", "viewer", "--accounts", path}, "", "the two passwords differ");
  EXPECT_EQ(differ.code, 1);
  EXPECT_EQ(differ.err, "mamori ui users add: the two passwords differ\n");
  EXPECT_FALSE(AccountFile::load(path).hasUser("bob"));

  Result list = runUi({"users", "list", "--accounts", path});
  EXPECT_EQ(list.code, 0);
  EXPECT_EQ(list.out, "alice  analyst\n");
  EXPECT_EQ(list.out.find("argon2"), std::string::npos);

  Result passwd = runUi({"users", "passwd", "alice", "--accounts", path}, "new alice password");
  EXPECT_EQ(passwd.code, 0) << passwd.err;
  AccountFile changed = AccountFile::load(path);
  EXPECT_FALSE(changed.verifyPassword("alice", "alice password"));
  EXPECT_TRUE(changed.verifyPassword("alice", "new alice password"));
  Result passwd_unknown = runUi({"users", "passwd", "carol", "--accounts", path}, "carol password");
  EXPECT_EQ(passwd_unknown.code, 1);
  EXPECT_EQ(passwd_unknown.err, "mamori ui users passwd: there is no user 'carol'\n");
  EXPECT_EQ(passwd_unknown.password_reads, 0);

  Result remove = runUi({"users", "remove", "alice", "--accounts", path});
  EXPECT_EQ(remove.code, 0) << remove.err;
  EXPECT_FALSE(AccountFile::load(path).hasUser("alice"));
  Result remove_again = runUi({"users", "remove", "alice", "--accounts", path});
  EXPECT_EQ(remove_again.code, 1);
  EXPECT_EQ(remove_again.err, "mamori ui users remove: there is no user 'alice'\n");
  Result empty = runUi({"users", "list", "--accounts", path});
  EXPECT_EQ(empty.code, 0);
  EXPECT_EQ(empty.out, "");
  EXPECT_EQ(empty.err, path + " has no users\n");
}

TEST(UiAccountsCommand, ATokenIsPrintedOnceAloneOnItsLine) {
  const std::string path = tempDir() + "/accounts";
  Result add = runUi({"tokens", "add", "soar", "--role", "viewer", "--accounts", path});
  EXPECT_EQ(add.code, 0) << add.err;
  ASSERT_EQ(add.out.size(), AccountFile::kTokenPrefix.size() + 64 + 1) << add.out;
  ASSERT_EQ(add.out.back(), '\n');
  const std::string token = add.out.substr(0, add.out.size() - 1);
  EXPECT_NE(add.err.find("token soar (viewer) added to " + path), std::string::npos) << add.err;
  auto soar = AccountFile::load(path).verifyToken(token);
  ASSERT_TRUE(soar);
  EXPECT_EQ(soar->role, Role::Viewer);
  EXPECT_EQ(readFile(path).find(token), std::string::npos);

  Result list = runUi({"tokens", "list", "--accounts", path});
  EXPECT_EQ(list.out, "soar  viewer\n");
  Result users = runUi({"users", "list", "--accounts", path});
  EXPECT_EQ(users.out, "");

  Result taken = runUi({"tokens", "add", "soar", "--role", "analyst", "--accounts", path});
  EXPECT_EQ(taken.code, 1);
  EXPECT_EQ(taken.out, "");  // no token handed out
  EXPECT_EQ(taken.err, "mamori ui tokens add: there is already a token 'soar'\n");

  Result remove = runUi({"tokens", "remove", "soar", "--accounts", path});
  EXPECT_EQ(remove.code, 0) << remove.err;
  EXPECT_FALSE(AccountFile::load(path).verifyToken(token));
}

TEST(UiAccountsCommand, AMissingOrUnwritableFileIsNamed) {
  const std::string missing = tempDir() + "/nowhere/accounts";
  for (std::vector<std::string> args : {std::vector<std::string>{"users", "list"},
                                        std::vector<std::string>{"users", "remove", "alice"},
                                        std::vector<std::string>{"tokens", "remove", "soar"}}) {
    args.insert(args.end(), {"--accounts", missing});
    Result r = runUi(args);
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find(missing + ": no such accounts file"), std::string::npos) << r.err;
  }
  // Adding makes the file, but not its folder.
  Result add = runUi({"tokens", "add", "soar", "--role", "viewer", "--accounts", missing});
  EXPECT_EQ(add.code, 1);
  EXPECT_EQ(add.out, "");
  EXPECT_NE(add.err.find(missing + ": cannot write a new file beside it"), std::string::npos) << add.err;
}

TEST(UiAccountsCommand, EveryCommandNeedsTheAccountsFile) {
  CLI::App app("mamori");
  auto* ui = app.add_subcommand("ui", "The console");
  UiAccountsCommand command(*ui);
  const char* argv[] = {"mamori", "ui", "users", "list"};
  EXPECT_THROW(app.parse(4, const_cast<char**>(argv)), CLI::RequiredError);
}

// stdin replaced by a pipe holding `text` while `f` runs.
template <typename F>
void withStdin(const std::string& text, F f) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ASSERT_EQ(::write(fds[1], text.data(), text.size()), static_cast<ssize_t>(text.size()));
  ::close(fds[1]);
  int saved = ::dup(STDIN_FILENO);
  ::dup2(fds[0], STDIN_FILENO);
  ::close(fds[0]);
  std::clearerr(stdin);
  f();
  ::__fpurge(stdin);  // what stdio read ahead from this pipe
  ::dup2(saved, STDIN_FILENO);
  ::close(saved);
  std::clearerr(stdin);
}

TEST(UiAccountsCommand, APipedPasswordIsStdinsFirstLine) {
  withStdin("correct horse\nsecond line\n",
            [] { EXPECT_EQ(UiAccountsCommand::readNewPassword("alice"), "correct horse"); });
  withStdin("windows line\r\n", [] { EXPECT_EQ(UiAccountsCommand::readNewPassword("alice"), "windows line"); });
  withStdin("no line end", [] { EXPECT_EQ(UiAccountsCommand::readNewPassword("alice"), "no line end"); });
  withStdin("", [] {
    try {
      UiAccountsCommand::readNewPassword("alice");
      ADD_FAILURE() << "expected no password";
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "no password on stdin (give it as one line)");
    }
  });
}

}  // namespace
}  // namespace mamori
