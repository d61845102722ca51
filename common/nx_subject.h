/* Point subjects: `n.<node>.<prop>`, or `n.<scope>.<node>.<prop>` when the
 * points of one side of a sync (hub, leaf) share a stream. Tokens come from
 * users and must not change the subject's shape, so wildcards, separators and
 * white space are refused rather than escaped. */
#ifndef NX_SUBJECT_H
#define NX_SUBJECT_H

#include <stdbool.h>
#include <stddef.h>

#include "nx_err.h"

#define NX_SUBJECT_MAX 256

/* True when tok is a valid subject token: non-empty, printable ASCII, and
 * no '.', '*', '>' or white space. */
bool nx_subject_token_ok(const char *tok);

/* Checks tok and, when it is invalid, says why with `what` ("node", "prop")
 * naming it. */
int nx_subject_check_token(const char *what, const char *tok, nx_err *err);

/* Writes `n.<node>.<prop>` (scope NULL) or `n.<scope>.<node>.<prop>` into buf.
 * Fails on an invalid token or when buf is too small. */
int nx_subject_build(char *buf, size_t len, const char *scope, const char *node, const char *prop,
                     nx_err *err);

typedef struct nx_subject_parts {
    char scope[NX_SUBJECT_MAX]; /* empty when the subject has no scope token */
    char node[NX_SUBJECT_MAX];
    char prop[NX_SUBJECT_MAX];
} nx_subject_parts;

/* Parses `n.<node>.<prop>` or `n.<scope>.<node>.<prop>`. */
int nx_subject_parse(const char *subject, nx_subject_parts *out, nx_err *err);

#endif
