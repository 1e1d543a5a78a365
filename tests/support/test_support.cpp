#include "tests/support/test_support.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <spawn.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <algorithm>
#include <set>

#include <unistd.h>

namespace fs = std::filesystem;

extern char** environ;

namespace mamori::test {

std::string sourceDir() { return MAMORI_SOURCE_DIR; }
std::string binaryDir() { return MAMORI_BINARY_DIR; }
std::string sharedDir() { return fs::weakly_canonical(fs::path(sourceDir()) / ".." / "shared").string(); }
std::string mamoriBinary() { return binaryDir() + "/apps/mamori"; }
bool sharedAvailable() { return fs::is_directory(fs::path(sharedDir()) / "corpus"); }

std::vector<std::string> corpusPcaps(const std::string& sub) {
  std::vector<std::string> out;
  fs::path root = fs::path(sharedDir()) / "corpus" / sub;
  if (!fs::is_directory(root)) return out;
  for (auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_regular_file()) continue;
    auto ext = e.path().extension().string();
    if (ext == ".pcap" || ext == ".pcapng" || ext == ".cap") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

CommandResult run(const std::string& cmd) {
  CommandResult r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

std::string hostName() {
  char name[256] = {0};
  return gethostname(name, sizeof name - 1) == 0 ? name : "";
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int spawnLogged(const std::vector<std::string>& args, const std::string& log, bool append) {
  std::vector<std::string> text = args;
  std::vector<char*> argv;
  for (auto& a : text) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -1;
}

std::string tempDir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = info ? std::string(info->test_suite_name()) + "." + info->name() : "mamori";
  std::replace(name.begin(), name.end(), '/', '_');
  fs::path dir = fs::temp_directory_path() / ("mamori-test-" + std::to_string(getpid())) / name;
  // Fresh on a test's first call, the same folder on later calls within that test.
  static std::set<std::string> made;
  if (made.insert(dir.string()).second) fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

int freeTcpPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace mamori::test
