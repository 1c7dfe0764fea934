# tests/quality.mk: the quality gates, included by the Makefile.
#
#   make coverage  unit tests, every vector on the built-in target, the
#                  torture run (and the vectors over HTTP when
#                  tests/http/run.sh exists) on a --coverage build; HTML
#                  in reports/coverage/; gcovr gate on the core
#   make sanitize  ASan and UBSan build: unit tests, every vector, and
#                  the HTTP runs on its refserver; then valgrind over the
#                  unit tests
#   make fuzz      each libFuzzer harness for FUZZ_SECONDS (default 30)
#   make torture   every vector with each allocation failing in turn
#   make race      Complete against Complete and Abort from many threads,
#                  under ThreadSanitizer (and over HTTP when refserver
#                  passes its smoke test)
#   make quality   all five, as CI runs them
#
# Each gate builds into its own folder of build/ by running this
# Makefile again with BUILD and CFLAGS set (CFLAGS through the
# environment, so the Makefile's own flags are still appended): the
# normal objects in build/ are never touched.

QA_MAKE = $(MAKE) --no-print-directory

COV_DIR := build/coverage
COV_CFLAGS := -O0 -g --coverage -fprofile-update=atomic -DMRSU_COVERAGE
SAN_DIR := build/sanitize
SAN_CFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all -DMRSU_CHECK
# Reports also go to files, so that one from a server that a script
# starts and stops is not lost: any $(SAN_DIR)/sanitizer.* fails the run.
SAN_LOG = $(abspath $(SAN_DIR))/sanitizer
SAN_ENV = ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:log_path=$(SAN_LOG) \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:log_path=$(SAN_LOG)
VALGRIND := valgrind -q --leak-check=full \
	--errors-for-leak-kinds=definite,indirect --error-exitcode=1
TORTURE_DIR := build/torture
TORTURE_CFLAGS := -O1 -g -DMRSU_CHECK
RACE_DIR := build/race
RACE_CFLAGS := -O1 -g -fsanitize=thread -DMRSU_CHECK
FUZZ_DIR := build/fuzz
FUZZ_CFLAGS := -O1 -g -fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize-recover=all -DMRSU_CHECK
FUZZ_SECONDS ?= 30

# $(call same_flags,DIR,FLAGS): empties DIR when it was built with
# other flags, since no object's rule depends on the flags.
same_flags = @if [ "$$(cat $(1)/.flags 2>/dev/null)" != "$(2)" ]; then \
	rm -rf $(1); mkdir -p $(1); echo "$(2)" >$(1)/.flags; fi

# The runner without its main(), for the programs that drive it.
RUNNER_OBJ = $(filter-out $(BUILD)/conformance/main.o,$(CONF_OBJ))
QA_HEADERS = $(wildcard src/*.h) $(wildcard conformance/*.h) \
	$(wildcard tests/torture/*.h)
TORTURE_OBJ = $(BUILD)/tests/torture/torture.o \
	$(BUILD)/tests/torture/failmalloc.o
WRAP_CORE = -Wl,--wrap=mrsu_handle -Wl,--wrap=mrsu_service_free

.PHONY: qa-deps coverage sanitize fuzz torture race quality

qa-deps:
	@sh .ci/deps check qa 2>/dev/null || sh .ci/deps install qa

# tests/torture, tests/fuzz, tests/race (tests/unit has its own rule).
# -iquote, not -I: src/limits.h must not stand for the C library's
# <limits.h>, which OpenSSL's headers include.
$(BUILD)/tests/%.o: tests/%.c $(QA_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(PKGCFLAGS) -iquote src -iquote conformance -c $< -o $@

$(BUILD)/torture: $(TORTURE_OBJ) $(RUNNER_OBJ) $(LIB)
	$(CC) $(CFLAGS) $(WRAP_CORE) $^ $(PKGLIBS) -o $@

$(BUILD)/fuzz-seeds: $(BUILD)/tests/fuzz/seeds.o $(RUNNER_OBJ) $(LIB)
	$(CC) $(CFLAGS) -Wl,--wrap=mrsu_handle $^ $(PKGLIBS) -o $@

$(BUILD)/fuzz_complete: $(BUILD)/tests/fuzz/fuzz_complete.o $(LIB)
	$(CC) $(CFLAGS) -fsanitize=fuzzer $^ $(PKGLIBS) -o $@

$(BUILD)/fuzz_vectors: $(BUILD)/tests/fuzz/fuzz_vectors.o $(RUNNER_OBJ) \
		$(LIB)
	$(CC) $(CFLAGS) -fsanitize=fuzzer $^ $(PKGLIBS) -o $@

$(BUILD)/race-test: $(BUILD)/tests/race/race.o $(LIB)
	$(CC) $(CFLAGS) $^ $(PKGLIBS) -lpthread -o $@

coverage: qa-deps
	$(call same_flags,$(COV_DIR),$(COV_CFLAGS))
	@rm -rf reports/coverage
	@find $(COV_DIR) -name '*.gcda' -delete 2>/dev/null || true
	CFLAGS="$(COV_CFLAGS)" $(QA_MAKE) CC=gcc BUILD=$(COV_DIR) all \
		$(COV_DIR)/torture
	$(COV_DIR)/unit-tests
	$(COV_DIR)/conform --quiet --report-dir $(COV_DIR)/reports
	$(COV_DIR)/torture
	sh tests/qa-http.sh $(COV_DIR)
	sh tests/coverage/report.sh $(COV_DIR) reports/coverage

sanitize: qa-deps
	$(call same_flags,$(SAN_DIR),$(SAN_CFLAGS))
	CFLAGS="$(SAN_CFLAGS)" $(QA_MAKE) CC=gcc BUILD=$(SAN_DIR) all
	@rm -f $(SAN_LOG).*
	$(SAN_ENV) $(SAN_DIR)/unit-tests || { cat $(SAN_LOG).*; exit 1; }
	$(SAN_ENV) $(SAN_DIR)/conform --quiet --report-dir $(SAN_DIR)/reports \
		|| { cat $(SAN_LOG).*; exit 1; }
	$(SAN_ENV) sh tests/qa-http.sh $(SAN_DIR) || { cat $(SAN_LOG).*; exit 1; }
	@if ls $(SAN_LOG).* >/dev/null 2>&1; then cat $(SAN_LOG).*; \
	  echo "sanitize: the reports above"; exit 1; fi
	$(QA_MAKE) all
	CK_FORK=no $(VALGRIND) $(UNIT)
	@echo "sanitize: no report from ASan, UBSan or valgrind"

torture: qa-deps
	$(call same_flags,$(TORTURE_DIR),$(TORTURE_CFLAGS))
	CFLAGS="$(TORTURE_CFLAGS)" $(QA_MAKE) CC=gcc BUILD=$(TORTURE_DIR) \
		$(TORTURE_DIR)/torture
	$(TORTURE_DIR)/torture

fuzz: qa-deps
	$(QA_MAKE) $(BUILD)/fuzz-seeds
	$(call same_flags,$(FUZZ_DIR),$(FUZZ_CFLAGS))
	$(BUILD)/fuzz-seeds --vectors vectors --out $(FUZZ_DIR)/corpus
	CFLAGS="$(FUZZ_CFLAGS)" $(QA_MAKE) CC=clang BUILD=$(FUZZ_DIR) \
		$(FUZZ_DIR)/fuzz_complete $(FUZZ_DIR)/fuzz_vectors
	sh tests/fuzz/run.sh $(FUZZ_DIR) $(FUZZ_SECONDS)

race: qa-deps
	$(call same_flags,$(RACE_DIR),$(RACE_CFLAGS))
	CFLAGS="$(RACE_CFLAGS)" $(QA_MAKE) CC=gcc BUILD=$(RACE_DIR) \
		$(RACE_DIR)/race-test $(if $(SERVER_SRC),$(RACE_DIR)/refserver)
	TSAN_OPTIONS=halt_on_error=1:exitcode=66 $(RACE_DIR)/race-test
	sh tests/race/http.sh $(RACE_DIR)

quality: coverage sanitize fuzz torture race
