/*
 * Copyright (c) 2026 The xennetd authors
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/*
 * replay: the main() of a harness built without libFuzzer: runs every
 * file named, and every file in every directory named, through
 * LLVMFuzzerTestOneInput once.  The regular (gcc, ASan) build uses it so
 * that `make check` replays the committed corpora; a crash or a
 * sanitizer report fails the test.
 */

#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static unsigned int	nrun;

/* replay_file: one input; 0, or -1 if it cannot be read. */
static int
replay_file(const char *path)
{
	FILE *fp;
	uint8_t *buf;
	struct stat st;
	size_t n;

	if ((fp = fopen(path, "rb")) == NULL || fstat(fileno(fp), &st) == -1) {
		perror(path);
		if (fp != NULL)
			fclose(fp);
		return (-1);
	}
	/* one more octet than the file: a zero-length input needs one */
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		fclose(fp);
		return (-1);
	}
	n = fread(buf, 1, (size_t)st.st_size, fp);
	fclose(fp);
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	nrun++;
	return (0);
}

static int
replay_path(const char *path)
{
	char sub[4096];
	struct dirent *de;
	struct stat st;
	DIR *d;
	int rv = 0;

	if (stat(path, &st) == -1) {
		perror(path);
		return (-1);
	}
	if (!S_ISDIR(st.st_mode))
		return (replay_file(path));
	if ((d = opendir(path)) == NULL) {
		perror(path);
		return (-1);
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		if (replay_file(sub) == -1)
			rv = -1;
	}
	closedir(d);
	return (rv);
}

int
main(int argc, char *argv[])
{
	int i, rv = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s file|dir ...\n", argv[0]);
		return (2);
	}
	for (i = 1; i < argc; i++)
		if (replay_path(argv[i]) == -1)
			rv = 1;
	printf("%u inputs replayed\n", nrun);
	return (rv);
}
