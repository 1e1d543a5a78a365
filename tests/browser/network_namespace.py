"""A network namespace of the test's own with a veth pair in it (veth-feed -> veth-cap), as
tests/integration/veth_namespace.h makes one: tcpreplay writes into veth-feed, a sensor
captures on veth-cap. Unlike the C++ tests, the test process itself enters the namespace
while it lives (setns), so that the sensor, the browsers and their chromedriver, all started
from here, share its loopback: a sensor's console on 127.0.0.1 is reachable, and nothing of
the test touches the host's network. Leaving restores the process's own namespace and
deletes this one with its veths, also when the test failed."""
import ctypes
import os
import subprocess

CLONE_NEWNET = 0x40000000
CAPTURE, FEEDER = "veth-cap", "veth-feed"

_libc = ctypes.CDLL(None, use_errno=True)


def _setns(fd):
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "setns")


def _sh(*argv):
    done = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    if done.returncode != 0:
        raise AssertionError(f"{' '.join(argv)} failed: {done.stderr}{done.stdout}")


class NetworkNamespace:
    def __init__(self):
        self.name = f"mamori-browser-{os.getpid()}"
        self._home = None

    def __enter__(self):
        subprocess.run(["ip", "netns", "del", self.name], capture_output=True)
        _sh("ip", "netns", "add", self.name)
        try:
            self._home = os.open("/proc/self/ns/net", os.O_RDONLY)
            target = os.open(f"/var/run/netns/{self.name}", os.O_RDONLY)
            try:
                _setns(target)
            finally:
                os.close(target)
            _sh("ip", "link", "set", "lo", "up")
            # No IPv6 on the pair: router solicitations and DAD would add packets of their own.
            _sh("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1")
            _sh("ip", "link", "add", CAPTURE, "type", "veth", "peer", "name", FEEDER)
            for link in (CAPTURE, FEEDER):
                _sh("ip", "link", "set", link, "mtu", "9000", "up")
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        if self._home is not None:
            _setns(self._home)
            os.close(self._home)
            self._home = None
        subprocess.run(["ip", "netns", "del", self.name], capture_output=True)

    @staticmethod
    def replay(pcap, pps):
        """tcpreplay of `pcap` into veth-feed at `pps` packets a second."""
        _sh("tcpreplay", "-q", "-i", FEEDER, "--pps", str(pps), pcap)
