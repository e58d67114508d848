/*
 * slotbox_internal.h: the raw host imports and the dispatch entry point.
 * Not for apps: use the wrappers in slotbox.h. On a native build (the SDK's
 * own tests) the imports are ordinary functions the test provides.
 */
#ifndef SLOTBOX_INTERNAL_H
#define SLOTBOX_INTERNAL_H

#include <stdint.h>

#include "slotbox.h"

#ifdef __wasm__
#define SB_EXPORT(name) __attribute__((export_name(name)))
#define SB_IMPORT(name) __attribute__((import_module("slotbox"), import_name(name)))
#else
#define SB_EXPORT(name)
#define SB_IMPORT(name)
#endif

SB_IMPORT("http_request") int32_t sb__imp_http_request(const char *in, int32_t len);
SB_IMPORT("vault_get") int32_t sb__imp_vault_get(const char *in, int32_t len);
SB_IMPORT("kv_get") int32_t sb__imp_kv_get(const char *in, int32_t len);
SB_IMPORT("kv_set") int32_t sb__imp_kv_set(const char *in, int32_t len);
SB_IMPORT("kv_delete") int32_t sb__imp_kv_delete(const char *in, int32_t len);
SB_IMPORT("take_result") int32_t sb__imp_take_result(char *dst);
SB_IMPORT("log") void sb__imp_log(int32_t level, const char *msg, int32_t len);

/* sb__dispatch finds the handler of method and runs it on the input. */
sb_result sb__dispatch(const char *method, size_t mlen, char *input, size_t ilen);

/* sb__call is slotbox_call before the pointer and length are packed into an i64. */
sb_result sb__call(const char *method, int32_t mlen, char *input, int32_t ilen);

/* The exports, declared for -Wmissing-prototypes and native tests. */
void slotbox_abi_v1(void);
void *slotbox_alloc(int32_t size);
void slotbox_free(void *ptr, int32_t size);
int64_t slotbox_call(const char *method, int32_t mlen, char *input, int32_t ilen);

#endif
