/*
 * never.h: marks for conditions believed impossible.
 *
 * NEVER(x) wraps a condition believed always false, ALWAYS(x) one
 * believed always true. The test stays in the code, so a belief proved
 * wrong is handled rather than crashed on. x is evaluated exactly once
 * in every build; it must hold no && or ||, so that it makes no branch
 * of its own.
 *   - In a coverage build (MRSU_COVERAGE) the value of x is discarded
 *     and the condition is a constant: the branch believed impossible,
 *     and the code only it reaches, are not compiled, so the coverage
 *     gate measures the code that can run.
 *   - In a checking build (MRSU_CHECK: the sanitizer, fuzz, torture and
 *     race builds) a belief proved wrong aborts, naming the condition.
 *   - Otherwise each is the condition itself.
 * Every mark is listed, with the argument for it, in
 * tests/coverage/EXCLUSIONS.md; `make coverage` fails when the list and
 * the code disagree.
 */
#ifndef NEVER_H
#define NEVER_H

#if defined(MRSU_COVERAGE)
#define NEVER(x) ((void)(x), 0)
#define ALWAYS(x) ((void)(x), 1)
#elif defined(MRSU_CHECK)
#include <assert.h>
#define NEVER(x) ((x) ? (assert(!"NEVER(" #x ")"), 1) : 0)
#define ALWAYS(x) ((x) ? 1 : (assert(!"ALWAYS(" #x ")"), 0))
#else
#define NEVER(x) (x)
#define ALWAYS(x) (x)
#endif

#endif
