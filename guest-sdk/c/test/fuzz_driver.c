/*
 * fuzz_driver.c: runs the fuzz target without libFuzzer, on a fixed seed
 * corpus and deterministic mutations of it, so test.sh can run it anywhere
 * (under AddressSanitizer and UBSan). Usage: fuzz_driver [iterations]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *seeds[] = {
	"{\"event\":{\"uid\":\"abc\",\"title\":\"Call \\u00e9\",\"attendees\":[{\"email\":\"a@b\"}]}}",
	"[1,-2.5e10,true,false,null,\"\\ud83d\\ude00\",{\"a\":[[]]}]",
	"\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0000\\ud800\"",
	"{\"a\":1,\"a\":2,\"\xE6\x97\xA5\":\"\xF0\x9F\x98\x80\"}",
	"0",
	"-0.0e-0",
	"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
};

static uint64_t rng = 0x9E3779B97F4A7C15ULL;

static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

static const char tokens[] = "{}[]\",:\\u0123456789abcdefeEtrunlsx.-+ \t\n\xC3\xA9\xED\xA0\x80\xF0\x9F\xFF";

int main(int argc, char **argv)
{
	long iterations = argc > 1 ? atol(argv[1]) : 200000;
	uint8_t buf[512];
	size_t nseeds = sizeof seeds / sizeof seeds[0];
	for (size_t i = 0; i < nseeds; i++)
		LLVMFuzzerTestOneInput((const uint8_t *)seeds[i], strlen(seeds[i]));
	for (long it = 0; it < iterations; it++) {
		const char *seed = seeds[next() % nseeds];
		size_t n = strlen(seed);
		memcpy(buf, seed, n);
		int edits = 1 + (int)(next() % 8);
		for (int e = 0; e < edits; e++) {
			size_t pos = n ? next() % (n + 1) : 0;
			switch (next() % 4) {
			case 0: /* replace a byte */
				if (pos < n)
					buf[pos] = (uint8_t)tokens[next() % (sizeof tokens - 1)];
				break;
			case 1: /* insert a byte */
				if (n < sizeof buf - 1) {
					memmove(buf + pos + 1, buf + pos, n - pos);
					buf[pos] = next() % 4 ? (uint8_t)tokens[next() % (sizeof tokens - 1)] : (uint8_t)next();
					n++;
				}
				break;
			case 2: /* delete a byte */
				if (pos < n) {
					memmove(buf + pos, buf + pos + 1, n - pos - 1);
					n--;
				}
				break;
			default: /* truncate */
				n = pos;
			}
		}
		LLVMFuzzerTestOneInput(buf, n);
	}
	printf("fuzz: %ld inputs checked\nfuzz: 1 passed, 0 failed\n", iterations + (long)nseeds);
	return 0;
}
