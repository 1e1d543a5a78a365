#include <gtest/gtest.h>

#include "auth/loopback_endpoint.h"

namespace mamori {
namespace {

TEST(LoopbackEndpoint, OnlyEndpointsThatStayOnThisMachine) {
  for (const char* ep : {"tcp://127.0.0.1:5556", "tcp://127.8.9.10:1", "tcp://127.0.0.1:*", "tcp://[::1]:5556",
                         "tcp://localhost:5556", "tcp://LocalHost:5556", "ipc:///run/mamori/bus", "ipc://@abstract",
                         "inproc://bus"}) {
    EXPECT_TRUE(isLoopbackEndpoint(ep)) << ep;
  }
  for (const char* ep : {"tcp://*:5556", "tcp://0.0.0.0:5556", "tcp://[::]:5556", "tcp://192.168.1.10:5556",
                         "tcp://10.0.0.1:5556", "tcp://128.0.0.1:5556", "tcp://eth0:5556", "tcp://lo:5556",
                         "tcp://127.0.0.1.example.com:5556", "tcp://localhost.example.com:5556",
                         "tcp://[::ffff:127.0.0.1]:5556", "tcp://127.0.0.1", "tcp://[::1", "ws://127.0.0.1:80",
                         "udp://127.0.0.1:5556", "pgm://eth0;239.192.1.1:5555", "", "127.0.0.1:5556"}) {
    EXPECT_FALSE(isLoopbackEndpoint(ep)) << ep;
  }
}

}  // namespace
}  // namespace mamori
