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
	test-server clean

all: deps-check $(LIB) $(CONFORM) $(UNIT) $(if $(SERVER_SRC),$(SERVER))

help:
	@echo "make deps         install the Debian packages (as root)"
	@echo "make conformance  replay every vector on the built-in target"
	@echo "make test         unit tests, spec check, then the conformance run"
	@echo "make check-spec   prove SPEC.md and spec/*.json agree"
	@echo "make serve        run refserver on PORT (8080); ARGS for more"
	@echo "make test-server  the refserver smoke test over curl"
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

conformance: all
	$(CONFORM)

unit: all
	$(UNIT)

check-spec:
	sh spec/check-spec.sh

# The reference server in the foreground; PORT and ARGS adjust it.
PORT ?= 8080
serve: all
	$(SERVER) --port $(PORT) $(ARGS)

test-server: all
	bash tests/server/smoke.sh

test: unit check-spec test-server conformance

clean:
	rm -rf $(BUILD) reports/latest
