/*
 * suites.h: the suites of the unit tests, one per area of the core.
 *
 * Each function returns a new Suite that the runner in main.c takes
 * over. The tests call the library the way its headers document it and
 * assert what a wrong implementation would get wrong.
 */
#ifndef SUITES_H
#define SUITES_H

#include <check.h>

Suite *json_gate_suite(void);
Suite *text_suite(void);
Suite *fields_suite(void);
Suite *store_suite(void);
Suite *checksum_suite(void);
Suite *service_suite(void);
Suite *sigv4_suite(void);
Suite *auth_suite(void);
Suite *controls_suite(void);

#endif
