/*
 * compare.h: `conform --compare A B`, the outcomes of two runs side by
 * side.
 */
#ifndef CF_COMPARE_H
#define CF_COMPARE_H

/* Reads results.json files a and b and prints one line per case whose
 * outcome differs between them or that only one of them holds, then
 * the counts. Returns 0 when every case has the same outcome in both,
 * 1 when one differs, 2 when a file cannot be read as results.json. */
int cf_compare(const char *a, const char *b);

#endif
