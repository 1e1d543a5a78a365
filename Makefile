# mamori: `make demo` and `make test` each set up the machine (Debian 12, as root), build,
# and run. Everything else is a step of those two.
BUILD ?= build
JOBS ?= 2
CTEST_JOBS ?= 2

.PHONY: setup configure build demo test bench bench-flood soak clean

setup:
	bash scripts/setup.sh

configure: setup
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: configure
	cmake --build $(BUILD) -j$(JOBS)

demo: build
	bash scripts/demo.sh $(BUILD)

test: build
	cd $(BUILD) && ctest --output-on-failure --timeout 900 -j$(CTEST_JOBS)

bench: build
	bash bench/run.sh $(BUILD)

# An hour of the benchmark capture through a veth into a live sensor, RSS every minute (root).
soak: build
	bash bench/soak.sh $(BUILD)

# Floods of the generator's making against the memory budget (docs/operations.md).
bench-flood: build
	bash bench/flood.sh $(BUILD)

clean:
	rm -rf $(BUILD) demo/out
