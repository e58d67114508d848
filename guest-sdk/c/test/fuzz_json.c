/*
 * fuzz_json.c: a libFuzzer target for the JSON reader and writer.
 *
 *   clang -fsanitize=fuzzer,address,undefined test/fuzz_json.c json.c arena.c -lm
 *
 * Properties: parsing any bytes never crashes; a parsed value re-serialises
 * to valid JSON that is a fixpoint (parse + write again gives the same
 * bytes); writing any bytes as a string gives valid JSON that reads back as
 * the same bytes when they were valid UTF-8.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void must(int cond)
{
	if (!cond)
		abort();
}

/* valid_utf8 is an independent UTF-8 check (RFC 3629) for the property. */
static int valid_utf8(const uint8_t *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		uint32_t c = s[i], cp;
		size_t k;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			k = 2;
			cp = c & 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			k = 3;
			cp = c & 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			k = 4;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if (n - i < k)
			return 0;
		for (size_t j = 1; j < k; j++) {
			if ((s[i + j] & 0xC0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + j] & 0x3F);
		}
		if ((k == 2 && cp < 0x80) || (k == 3 && cp < 0x800) || (k == 4 && cp < 0x10000) || cp > 0x10FFFF ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		i += k;
	}
	return 1;
}

static const char *write_value(sb_arena *a, const sb_json *v, size_t *n)
{
	sb_jw w;
	sb_jw_init(&w, a);
	sb_jw_value(&w, v);
	must(sb_jw_ok(&w));
	return sb_jw_bytes(&w, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sb_arena a = SB_ARENA_INIT;
	const sb_json *v = sb_json_parse_copy(&a, (const char *)data, size, NULL);
	if (v) {
		size_t n1, n2;
		const char *out1 = write_value(&a, v, &n1);
		const sb_json *v2 = sb_json_parse_copy(&a, out1, n1, NULL);
		must(v2 != NULL);
		const char *out2 = write_value(&a, v2, &n2);
		must(n1 == n2 && memcmp(out1, out2, n1) == 0);
	}

	sb_jw w;
	sb_jw_init(&w, &a);
	sb_jw_string_n(&w, (const char *)data, size);
	must(sb_jw_ok(&w));
	size_t n;
	const char *s = sb_jw_bytes(&w, &n);
	const sb_json *back = sb_json_parse_copy(&a, s, n, NULL);
	must(back != NULL && sb_json_kind(back) == SB_JSON_STRING);
	/* Valid UTF-8 input round-trips exactly. */
	size_t blen;
	const char *bs = sb_json_str(back, &blen);
	if (valid_utf8(data, size))
		must(blen == size && memcmp(bs, data, size) == 0);
	sb_arena_release(&a);
	return 0;
}
