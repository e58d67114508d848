/* str.c: see str.h. */
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

#include "slotbox.h"

const char *sb_cat(const char *first, ...)
{
	va_list ap;
	size_t n = 0;
	va_start(ap, first);
	for (const char *s = first; s; s = va_arg(ap, const char *))
		n += strlen(s);
	va_end(ap);
	char *out = sb_alloc(n + 1);
	if (!out)
		return "";
	char *p = out;
	va_start(ap, first);
	for (const char *s = first; s; s = va_arg(ap, const char *)) {
		size_t l = strlen(s);
		memcpy(p, s, l);
		p += l;
	}
	va_end(ap);
	*p = '\0';
	return out;
}

const char *sb_clip(const char *s, size_t n, size_t max)
{
	char *out = sb_alloc((n < max ? n : max) + 4);
	if (!out)
		return "";
	size_t o = 0;
	bool space = false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= ' ' || c == 0x7f) {
			space = o > 0;
			continue;
		}
		if (o + (space ? 1 : 0) >= max) {
			if ((c & 0xC0) == 0x80) { /* c continues a character: drop its start */
				while (o > 0 && ((unsigned char)out[o - 1] & 0xC0) == 0x80)
					o--;
				if (o > 0)
					o--;
			}
			memcpy(out + o, "...", 4);
			return out;
		}
		if (space)
			out[o++] = ' ';
		space = false;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return out;
}

const char *sb_utoa(unsigned v, char buf[12])
{
	char *p = buf + 11;
	*p = '\0';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return p;
}
