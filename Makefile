# Build, test and run the conformance suite for
# CompleteMultipartReadSetUpload. `make help` lists the targets.

CC      ?= cc
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L
BUILD   ?= build
PKGS    := libcjson libcrypto libpcre2-8 libmicrohttpd libcurl
PKGCFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKGLIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CHECKLIBS = $(shell pkg-config --libs check 2>/dev/null)

SERVER_SRC := $(wildcard src/refserver*.c)
SERVER_OBJ := $(SERVER_SRC:src/%.c=$(BUILD)/src/%.o)
CORE_SRC := $(filter-out $(SERVER_SRC),$(wildcard src/*.c))
CORE_OBJ := $(CORE_SRC:src/%.c=$(BUILD)/src/%.o)
CONF_SRC := $(wildcard conformance/*.c)
CONF_OBJ := $(CONF_SRC:conformance/%.c=$(BUILD)/conformance/%.o)
UNIT_SRC := $(wildcard tests/unit/*.c)
UNIT_OBJ := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/unit/%.o)

LIB     := $(BUILD)/libmrsu.a
SERVER  := $(BUILD)/refserver
CONFORM := $(BUILD)/conform
UNIT    := $(BUILD)/unit-tests

.PHONY: all help deps deps-check conformance test unit check-spec serve \
	test-server test-interop check-vectors test-runner traceability \
	test-http clean

all: deps-check $(LIB) $(CONFORM) $(UNIT) $(if $(SERVER_SRC),$(SERVER))

help:
	@echo "make deps         install the Debian packages (as root)"
	@echo "make conformance  replay every vector on the built-in target"
	@echo "make test         unit, spec, server, SDK, runner, vector, HTTP tests"
	@echo "make check-spec   prove SPEC.md and spec/*.json agree"
	@echo "make check-vectors every requirement covered; the vector schema"
	@echo "make test-runner  the runner's self-tests (tests/runner)"
	@echo "make traceability refresh reports/traceability.md"
	@echo "make serve        run refserver on PORT (8080); ARGS for more"
	@echo "make test-server  refserver smoke and hostile-client tests"
	@echo "make test-http    every vector over HTTP on refserver, compared"
	@echo "make test-interop the AWS SDK for JavaScript against refserver"
	@echo "make coverage     coverage of the core, gated (tests/quality.mk)"
	@echo "make sanitize     ASan, UBSan and valgrind runs"
	@echo "make fuzz         the libFuzzer harnesses, FUZZ_SECONDS each"
	@echo "make torture      every vector with each allocation failing"
	@echo "make race         concurrent Completes under ThreadSanitizer"
	@echo "make quality      all five quality gates, as CI runs them"
	@echo "make bench        the benchmarks; writes reports/bench.md"
	@echo "make clean        remove build/ and reports/latest/"

deps:
	@sh .ci/deps install

# Installs what is missing when possible; otherwise names it and stops.
deps-check:
	@sh .ci/deps check 2>/dev/null || sh .ci/deps install

$(LIB): $(CORE_OBJ)
	ar rcs $@ $^

$(BUILD)/src/%.o: src/%.c $(wildcard src/*.h) | $(BUILD)/src
	$(CC) $(CFLAGS) $(PKGCFLAGS) -c $< -o $@

$(BUILD)/conformance/%.o: conformance/%.c $(wildcard conformance/*.h) \
		$(wildcard src/*.h) | $(BUILD)/conformance
	$(CC) $(CFLAGS) $(PKGCFLAGS) -Isrc -c $< -o $@

$(BUILD)/tests/unit/%.o: tests/unit/%.c $(wildcard tests/unit/*.h) \
		$(wildcard src/*.h) | $(BUILD)/tests/unit
	$(CC) $(CFLAGS) $(PKGCFLAGS) -Isrc -c $< -o $@

$(CONFORM): $(CONF_OBJ) $(LIB)
	$(CC) $(CFLAGS) $^ $(PKGLIBS) -o $@

$(SERVER): $(SERVER_OBJ) $(LIB)
	$(CC) $(CFLAGS) $^ $(PKGLIBS) -lpthread -o $@

$(UNIT): $(UNIT_OBJ) $(LIB)
	$(CC) $(CFLAGS) $^ $(PKGLIBS) $(CHECKLIBS) -o $@

$(BUILD)/src $(BUILD)/conformance $(BUILD)/tests/unit:
	mkdir -p $@

# --strict: the reference passes every case of its own suite; a case
# not verified (no credentials, no test controls) fails the run.
conformance: all
	$(CONFORM) --strict

unit: all
	$(UNIT)

check-spec:
	sh spec/check-spec.sh

# The reference server in the foreground; PORT and ARGS adjust it.
PORT ?= 8080
serve: all
	$(SERVER) --port $(PORT) $(ARGS)

# The smoke test over curl, then hostile clients over raw sockets.
test-server: all
	bash tests/server/smoke.sh
	sh tests/server/hostile.sh

# Skipped, saying so, where node is not installed.
test-interop: all
	bash tests/interop/run.sh

# conform --check (coverage and vectors/PENDING), then vectors/schema.json
# over every vector file where python3-jsonschema is installed.
check-vectors: all
	$(CONFORM) --check
	@if /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then \
	  /usr/bin/python3 vectors/check-schema.py; \
	else \
	  echo "check-vectors: python3-jsonschema is not installed" \
	    "(make deps); the schema check is skipped"; \
	fi

test-runner: all
	bash tests/runner/run.sh

# The traceability table of the built-in run, kept in git.
traceability: conformance
	cp reports/latest/traceability.md reports/traceability.md

# Every vector over HTTP against refserver; fails naming each case whose
# outcome differs from the built-in target's (tests/http/run.sh); then
# the server killed in the middle of a run (tests/http/kill.sh).
test-http: all
	sh tests/http/run.sh
	sh tests/http/kill.sh

test: unit check-spec test-server test-interop test-runner check-vectors \
	test-http conformance

# The benchmarks of tests/bench, built into build/bench/; run.sh runs
# them and writes reports/bench.md. Not part of make test.
BENCH_DIR := $(BUILD)/bench
BENCH_PROGS := $(addprefix $(BENCH_DIR)/,complete suite part memory)

.PHONY: bench
bench: all $(BENCH_PROGS)
	bash tests/bench/run.sh

$(BENCH_DIR)/%.o: tests/bench/%.c tests/bench/bench.h $(wildcard src/*.h) \
		| $(BENCH_DIR)
	$(CC) $(CFLAGS) $(PKGCFLAGS) -Isrc -c $< -o $@

$(BENCH_PROGS): $(BENCH_DIR)/%: $(BENCH_DIR)/%.o $(BENCH_DIR)/bench.o $(LIB)
	$(CC) $(CFLAGS) $^ $(PKGLIBS) -lpthread -o $@

$(BENCH_DIR):
	mkdir -p $@

clean:
	rm -rf $(BUILD) reports/latest

# The quality gates: coverage, sanitize, fuzz, torture, race, quality.
include tests/quality.mk
