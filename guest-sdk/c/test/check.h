/* check.h: a minimal test harness for the SDK's native tests. */
#ifndef SLOTBOX_CHECK_H
#define SLOTBOX_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_passed, check_failed;

/* CHECK records one assertion; the message names the case when it fails. */
#define CHECK(cond, ...)                                                      \
	do {                                                                  \
		if (cond) {                                                   \
			check_passed++;                                       \
		} else {                                                      \
			check_failed++;                                       \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);  \
			fprintf(stderr, __VA_ARGS__);                         \
			fputc('\n', stderr);                                  \
		}                                                             \
	} while (0)

/* CHECK_MEM compares n bytes with a NUL-terminated expectation. */
#define CHECK_BYTES(got, n, want, ...)                                                            \
	CHECK((got) && strlen(want) == (n) && memcmp((got), (want), (n)) == 0, __VA_ARGS__);      \
	if (!((got) && strlen(want) == (n) && memcmp((got), (want), (n)) == 0))                   \
		fprintf(stderr, "  got:  %.*s\n  want: %s\n", (int)((got) ? (n) : 0), (got) ? (got) : "", (want))

/* check_report prints the closing line CI reads and returns the exit status. */
static int check_report(const char *suite)
{
	printf("%s: %d passed, %d failed\n", suite, check_passed, check_failed);
	return check_failed ? 1 : 0;
}

#endif
