// The running console's accounts follow the file the operator changes: a user added by
// `mamori ui users add` signs in without a restart, a removed one stops, their sessions end,
// and a file broken by hand keeps the accounts read before.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "console/accounts.h"
#include "tests/support/test_support.h"

namespace mamori {
namespace {

using namespace std::chrono_literals;
using test::tempDir;

// Rereads whenever asked: the tests change the file and look at once.
AccountsOptions everyCall() {
  AccountsOptions options;
  options.check_interval = 0s;
  return options;
}

TEST(Accounts, FollowsUsersAddedAndRemovedByAnotherWriter) {
  const std::string path = tempDir() + "/accounts";
  AccountFile file = AccountFile::load(path);
  file.addUser("alice", Role::Analyst, "alice password");
  file.save();

  Accounts accounts(path, everyCall());
  std::vector<std::vector<std::string>> revoked;
  accounts.onRevoked([&](const std::vector<std::string>& users) { revoked.push_back(users); });
  auto alice = accounts.signIn("alice", "alice password");
  ASSERT_TRUE(alice);
  EXPECT_EQ(alice->role, Role::Analyst);
  EXPECT_FALSE(accounts.signIn("alice", "wrong password"));
  EXPECT_FALSE(accounts.exists("carol"));

  // What `mamori ui users add carol` does, from another process.
  AccountFile edit = AccountFile::load(path);
  edit.addUser("carol", Role::Viewer, "carol password");
  edit.save();
  auto carol = accounts.signIn("carol", "carol password");
  ASSERT_TRUE(carol);
  EXPECT_EQ(carol->role, Role::Viewer);
  EXPECT_TRUE(accounts.exists("carol"));
  EXPECT_TRUE(revoked.empty());  // adding someone ends no one's session

  edit.removeUser("alice");
  edit.save();
  EXPECT_FALSE(accounts.signIn("alice", "alice password"));
  EXPECT_FALSE(accounts.exists("alice"));
  ASSERT_EQ(revoked.size(), 1u);
  EXPECT_EQ(revoked[0], std::vector<std::string>{"alice"});
  EXPECT_EQ(accounts.reloads(), 2u);
  ASSERT_EQ(accounts.users().size(), 1u);
  EXPECT_EQ(accounts.users()[0].name, "carol");
}

TEST(Accounts, LooksAtTheFileAtMostOnceAnInterval) {
  const std::string path = tempDir() + "/accounts";
  AccountFile file = AccountFile::load(path);
  std::string first = file.addToken("soar", Role::Analyst);
  file.save();

  AccountsOptions options;
  options.check_interval = 1h;
  Accounts accounts(path, options);
  auto soar = accounts.token(first);
  ASSERT_TRUE(soar);
  EXPECT_TRUE(soar->token);
  EXPECT_EQ(soar->name, "soar");

  std::string second = file.addToken("siem", Role::Viewer);
  file.removeToken("soar");
  file.save();
  EXPECT_TRUE(accounts.token(first));  // not looked at yet
  EXPECT_FALSE(accounts.token(second));
  accounts.refresh(Accounts::Clock::now() + 2h);
  EXPECT_FALSE(accounts.token(first));
  auto siem = accounts.token(second);
  ASSERT_TRUE(siem);
  EXPECT_EQ(siem->role, Role::Viewer);
  EXPECT_EQ(accounts.reloads(), 1u);
}

TEST(Accounts, AFileBrokenByHandKeepsTheAccountsReadBeforeAndIsLoggedOnce) {
  const std::string path = tempDir() + "/accounts";
  AccountFile file = AccountFile::load(path);
  std::string token = file.addToken("soar", Role::Analyst);
  file.save();
  Accounts accounts(path, everyCall());

  std::ofstream(path, std::ios::app) << "user bob root nothing\n";
  testing::internal::CaptureStderr();
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(accounts.token(token));
  std::string log = testing::internal::GetCapturedStderr();
  const std::string line = "mamori: ui: " + path + ":5: unknown role 'root'";
  EXPECT_NE(log.find(line), std::string::npos) << log;
  EXPECT_EQ(log.find(line), log.rfind(line)) << "logged more than once: " << log;
  EXPECT_EQ(accounts.failedReloads(), 3u);
  EXPECT_EQ(accounts.reloads(), 0u);

  // Fixed: read again, and a later break is logged again.
  file.removeToken("soar");
  file.save();
  EXPECT_FALSE(accounts.token(token));
  EXPECT_EQ(accounts.reloads(), 1u);
  ::chmod(path.c_str(), 0666);
  testing::internal::CaptureStderr();
  accounts.refresh();
  accounts.refresh();
  log = testing::internal::GetCapturedStderr();
  EXPECT_NE(log.find("open to others (mode 0666)"), std::string::npos) << log;
}

TEST(Accounts, AMissingFileLetsNoOneInUntilItIsMade) {
  const std::string path = tempDir() + "/accounts";
  testing::internal::CaptureStderr();
  Accounts accounts(path, everyCall());
  std::string log = testing::internal::GetCapturedStderr();
  EXPECT_NE(log.find("mamori: ui: no accounts file " + path), std::string::npos) << log;
  EXPECT_NE(log.find("mamori ui users add NAME --role analyst --accounts " + path), std::string::npos) << log;
  EXPECT_FALSE(accounts.signIn("alice", "alice password"));

  AccountFile file = AccountFile::load(path);
  std::string token = file.addToken("soar", Role::Viewer);
  file.save();
  EXPECT_TRUE(accounts.token(token));

  // Taken away again: no one.
  std::filesystem::remove(path);
  EXPECT_FALSE(accounts.token(token));
}

TEST(Accounts, AMalformedFileStopsTheStart) {
  const std::string path = tempDir() + "/accounts";
  std::ofstream(path) << "user alice\n";
  ::chmod(path.c_str(), 0600);
  EXPECT_THROW(Accounts accounts(path), AccountFileError);
}

TEST(Accounts, SignInsFromManyThreadsWhileTheFileChanges) {
  const std::string path = tempDir() + "/accounts";
  AccountFile file = AccountFile::load(path);
  file.addUser("alice", Role::Analyst, "alice password");
  file.save();
  AccountsOptions options = everyCall();
  options.max_verifications = 1;
  Accounts accounts(path, options);

  // Four sign-ins at once, one check at a time, while tokens come and go.
  std::vector<std::thread> threads;
  std::vector<int> results(4, -1);
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      auto p = accounts.signIn("alice", i % 2 ? "alice password" : "wrong password");
      results[i] = p ? 1 : 0;
    });
  }
  for (int i = 0; i < 20; ++i) {
    file.addToken("t" + std::to_string(i), Role::Viewer);
    file.save();
    accounts.refresh();
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(results, (std::vector<int>{0, 1, 0, 1}));
  EXPECT_EQ(accounts.users().size(), 1u);
}

}  // namespace
}  // namespace mamori
