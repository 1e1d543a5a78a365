# mamori: `make demo` and `make test` each set up the machine (Debian 12, as root), build,
# and run. Everything else is a step of those two, or the sanitizer build's: `make check-asan`
# (part of `make test`) and `make fuzz` (docs/operations.md, "Fuzzing and sanitizers").
BUILD ?= build
SAN_BUILD ?= build-asan
JOBS ?= 2
CTEST_JOBS ?= 2
FUZZ_SECONDS ?= 60
CHECK_FUZZ_SECONDS ?= 10

.PHONY: setup configure build demo test bench bench-flood soak clean configure-asan check-asan check-asan-all fuzz

setup:
	bash scripts/setup.sh

configure: setup
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: configure
	cmake --build $(BUILD) -j$(JOBS)

demo: build
	bash scripts/demo.sh $(BUILD)

# A test that fails is run once more before it fails the run: a few live tests race the kernel
# and libzmq on a loaded 2-core machine (BusAbuse's oversized-frame cut, CentralSpool's relink
# count; docs/operations.md). A test failing twice fails; ctest names every rerun.
test: build
	cd $(BUILD) && ctest --output-on-failure --timeout 900 -j$(CTEST_JOBS) --repeat until-pass:2
	$(MAKE) check-asan

configure-asan: setup
	CC=clang CXX=clang++ cmake -S . -B $(SAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMAMORI_SANITIZE=ON

check-asan: configure-asan
	JOBS=$(JOBS) bash scripts/check_asan.sh $(SAN_BUILD) $(CHECK_FUZZ_SECONDS)

# The whole unit-test suite under the sanitizers (not in CI: half an hour on 2 cores).
check-asan-all: configure-asan
	CHECK_ASAN_ALL=1 JOBS=$(JOBS) bash scripts/check_asan.sh $(SAN_BUILD) $(CHECK_FUZZ_SECONDS)

fuzz: configure-asan
	cmake --build $(SAN_BUILD) -j$(JOBS) --target fuzz-targets mamori mamori-demogen
	bash fuzz/run.sh $(SAN_BUILD) $(FUZZ_SECONDS)

bench: build
	bash bench/run.sh $(BUILD)

# An hour of the benchmark capture through a veth into a live sensor, RSS every minute (root).
soak: build
	bash bench/soak.sh $(BUILD)

# Floods of the generator's making against the memory budget (docs/operations.md).
bench-flood: build
	bash bench/flood.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(SAN_BUILD) demo/out
