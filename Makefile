# mamori: `make demo` and `make test` each set up the machine (Debian 12, as root), build,
# and run. Everything else is a step of those two.
BUILD ?= build
JOBS ?= 2
CTEST_JOBS ?= 2

.PHONY: setup configure build demo test bench clean

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

.PHONY: bench-flood
bench-flood: build
	bash bench/flood.sh $(BUILD)

clean:
	rm -rf $(BUILD) demo/out
