/*
 * Minimal TAP producer for the unit tests (automake tap-driver.sh).
 * ok(cond, fmt, ...) prints one test line; done_testing() the plan.
 */
#ifndef XENNET_TAP_H
#define XENNET_TAP_H

#include <stdarg.h>
#include <stdio.h>

static int tap_n, tap_failed;

static int
tap_ok(int cond, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
tap_ok(int cond, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond) {
		tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
	fflush(stdout);
	return (cond);
}

#define ok(cond, ...)	tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define diag(...)	do { printf("# "); printf(__VA_ARGS__); \
			    printf("\n"); } while (0)

static int
done_testing(void)
{
	printf("1..%d\n", tap_n);
	return (tap_failed ? 1 : 0);
}

/* Not every test program has a reason to skip. */
static void	skip_all(const char *) __attribute__((unused));

static void
skip_all(const char *why)
{
	printf("1..0 # SKIP %s\n", why);
}

#endif /* XENNET_TAP_H */
