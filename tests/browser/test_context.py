"""What every console test shares: where the built binaries, the build folder, the sources
and ../shared are (CTest passes them on the command line), a fresh folder per test, and the
house rule for missing prerequisites (tests/support/test_support.h): a test skips on a
developer machine and fails when CI is set.

main() runs the unittest names left on the command line and exits 77 when every one of them
skipped, which CTest reports as skipped (SKIP_RETURN_CODE), not passed.
"""
import argparse
import importlib.util
import os
import shutil
import sys
import unittest

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


class Paths:
    mamori = ""
    demogen = ""
    filler = ""
    build = ""
    source = ""

    @classmethod
    def shared(cls):
        return os.path.realpath(os.path.join(cls.source, "..", "shared"))

    @classmethod
    def screenshots(cls):
        path = os.path.join(cls.build, "browser-screenshots")
        os.makedirs(path, exist_ok=True)
        return path


def test_dir(test):
    """The test's own folder under the build folder, emptied when the test starts; kept
    afterwards so that a failure's logs and captures can be read."""
    path = os.path.join(Paths.build, "browser-tests", test.id().split(".", 1)[-1])
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def _require(test, present, what):
    if present:
        return
    if os.environ.get("CI"):
        test.fail(f"{what} is missing and CI is set")
    test.skipTest(f"{what} is missing")


def require_shared(test):
    _require(test, os.path.isdir(os.path.join(Paths.shared(), "corpus")), "../shared")


def require_browser(test):
    _require(test, importlib.util.find_spec("selenium") is not None, "python3-selenium")
    _require(test, os.access(CHROMIUM, os.X_OK), CHROMIUM + " (Debian's chromium)")
    _require(test, os.access(CHROMEDRIVER, os.X_OK), CHROMEDRIVER + " (Debian's chromium-driver)")


def require_root(test):
    """Live capture needs root for the network namespace and the capture handle."""
    _require(test, os.geteuid() == 0, "root (live capture)")


def main():
    parser = argparse.ArgumentParser(description="mamori console tests")
    parser.add_argument("--mamori", required=True, help="the built mamori binary")
    parser.add_argument("--demogen", required=True, help="the built mamori-demogen")
    parser.add_argument("--filler", required=True, help="the built incident-store-filler")
    parser.add_argument("--build", required=True, help="the build folder (screenshots and test folders go there)")
    parser.add_argument("--source", required=True, help="the source folder (../shared is beside it)")
    args, names = parser.parse_known_args()
    Paths.mamori, Paths.demogen, Paths.filler = args.mamori, args.demogen, args.filler
    Paths.build, Paths.source = os.path.realpath(args.build), os.path.realpath(args.source)
    module = sys.modules["__main__"]
    suite = (unittest.defaultTestLoader.loadTestsFromNames(names, module) if names
             else unittest.defaultTestLoader.loadTestsFromModule(module))
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    if not result.wasSuccessful():
        sys.exit(1)
    sys.exit(77 if result.testsRun and len(result.skipped) == result.testsRun else 0)
