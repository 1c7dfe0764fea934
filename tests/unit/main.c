/*
 * main.c: runs every unit test suite and exits non-zero when a test
 * fails. CK_FORK=no runs the tests in one process (for valgrind);
 * CK_RUN_SUITE and CK_RUN_CASE select a part, as Check documents.
 */
#include "suites.h"

#include <stdlib.h>

/* Builds the runner from every suite. Can't fail short of memory. */
static SRunner *build_runner(void)
{
  SRunner *sr = srunner_create(json_gate_suite());

  srunner_add_suite(sr, text_suite());
  srunner_add_suite(sr, fields_suite());
  srunner_add_suite(sr, store_suite());
  srunner_add_suite(sr, checksum_suite());
  srunner_add_suite(sr, service_suite());
  srunner_add_suite(sr, sigv4_suite());
  srunner_add_suite(sr, auth_suite());
  srunner_add_suite(sr, controls_suite());
  return sr;
}

int main(void)
{
  SRunner *sr = build_runner();
  int failed;

  srunner_run_all(sr, CK_ENV);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
