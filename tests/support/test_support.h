#pragma once
// What every test binary shares: where ../shared and the built binaries are, and running
// a command. Tests that need ../shared fail (not skip) when CI is set and it is missing.
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mamori::test {

std::string sourceDir();
std::string binaryDir();
std::string sharedDir();     // ../shared beside the project checkout
std::string mamoriBinary();  // the built `mamori`
bool sharedAvailable();

// Every capture file directly under ../shared/corpus/<sub> (or its case folders).
std::vector<std::string> corpusPcaps(const std::string& sub);

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
};
// Runs through /bin/sh; stderr goes to the test's stderr unless redirected in `cmd`.
CommandResult run(const std::string& cmd);
std::string readFile(const std::string& path);
// Starts `argv` in the background, stdout and stderr to `log` (appended, or truncated first);
// its pid, or -1 when it could not be started.
int spawnLogged(const std::vector<std::string>& argv, const std::string& log, bool append);
std::string hostName();  // gethostname(): a sensor's name when its configuration gives none
std::string tempDir();  // this test's own directory, emptied when the test first asks for it
// A loopback TCP port nothing listens on right now, so that a client can connect before
// its server binds it.
int freeTcpPort();

}  // namespace mamori::test

// Skips when ../shared is missing on a developer machine; fails under CI.
#define MAMORI_REQUIRE_SHARED()                                                  \
  do {                                                                           \
    if (!::mamori::test::sharedAvailable()) {                                    \
      if (std::getenv("CI")) FAIL() << "../shared is missing and CI is set";    \
      GTEST_SKIP() << "../shared is missing";                                    \
    }                                                                            \
  } while (0)
