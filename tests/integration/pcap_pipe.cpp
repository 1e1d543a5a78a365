#include "tests/integration/pcap_pipe.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <thread>

#include "tests/support/test_support.h"

namespace mamori::test {

PcapPipe::PcapPipe(const std::string& dir, const std::vector<std::string>& args, const std::string& log)
    : path_(dir + "/capture.pipe") {
  // A writer whose reader died must see EPIPE, not die of SIGPIPE with the test.
  signal(SIGPIPE, SIG_IGN);
  unlink(path_.c_str());
  if (mkfifo(path_.c_str(), 0600) != 0) return;
  std::vector<std::string> argv_text{mamoriBinary(), "run", "--pcap", path_};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  pid_ = spawnLogged(argv_text, log, false);
  if (pid_ < 0) return;
  // Opening the write end without a reader fails (ENXIO) rather than blocking, so a run
  // that dies before it opens the pipe cannot hang the test.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    fd_ = open(path_.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd_ >= 0 || errno != ENXIO) break;
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (fd_ >= 0) fcntl(fd_, F_SETFL, fcntl(fd_, F_GETFL) & ~O_NONBLOCK);
}

PcapPipe::~PcapPipe() {
  if (pid_ > 0) kill();
  if (fd_ >= 0) ::close(fd_);
  unlink(path_.c_str());
}

bool PcapPipe::write(const std::string& bytes) {
  size_t done = 0;
  while (fd_ >= 0 && done < bytes.size()) {
    ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return fd_ >= 0;
}

int PcapPipe::wait() {
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void PcapPipe::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

int PcapPipe::finish() {
  close();
  return pid_ > 0 ? wait() : -1;
}

int PcapPipe::kill() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGKILL);
  return wait();
}

}  // namespace mamori::test
