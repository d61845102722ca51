#include "nx_subject.h"

#include <stdio.h>
#include <string.h>

static const char *token_problem(const char *tok)
{
    if (tok == NULL || *tok == '\0')
        return "is empty";
    for (const unsigned char *p = (const unsigned char *)tok; *p; p++) {
        if (*p == '.')
            return "contains '.'";
        if (*p == '*')
            return "contains '*'";
        if (*p == '>')
            return "contains '>'";
        if (*p <= ' ' || *p >= 0x7f)
            return "contains white space or a non-printable byte";
    }
    if (strlen(tok) >= NX_SUBJECT_MAX)
        return "is too long";
    return NULL;
}

bool nx_subject_token_ok(const char *tok)
{
    return token_problem(tok) == NULL;
}

int nx_subject_check_token(const char *what, const char *tok, nx_err *err)
{
    const char *why = token_problem(tok);
    if (why)
        return nx_fail(err,
                       "invalid %s token '%s': %s (a subject token may not be empty or "
                       "contain '.', '*', '>' or white space)",
                       what, tok ? tok : "", why);
    return 0;
}

int nx_subject_build(char *buf, size_t len, const char *scope, const char *node, const char *prop,
                     nx_err *err)
{
    if ((scope && nx_subject_check_token("scope", scope, err)) ||
        nx_subject_check_token("node", node, err) || nx_subject_check_token("prop", prop, err))
        return -1;
    int n = scope ? snprintf(buf, len, "n.%s.%s.%s", scope, node, prop)
                  : snprintf(buf, len, "n.%s.%s", node, prop);
    if (n < 0 || (size_t)n >= len)
        return nx_fail(err, "subject for node '%s' prop '%s' does not fit in %zu bytes", node, prop,
                       len);
    return 0;
}

int nx_subject_parse(const char *subject, nx_subject_parts *out, nx_err *err)
{
    char *tokens[4];
    char copy[NX_SUBJECT_MAX * 3];
    int n = 0;

    if (subject == NULL || strlen(subject) >= sizeof copy)
        return nx_fail(err, "subject is missing or too long");
    strcpy(copy, subject);
    char *start = copy;
    for (char *p = copy;; p++) {
        if (*p == '.' || *p == '\0') {
            bool last = *p == '\0';
            if (n == 4)
                return nx_fail(err, "subject '%s' has more than 4 tokens", subject);
            *p = '\0';
            tokens[n++] = start;
            start = p + 1;
            if (last)
                break;
        }
    }
    if (n < 3 || strcmp(tokens[0], "n") != 0)
        return nx_fail(err, "subject '%s' is not n.<node>.<prop> or n.<scope>.<node>.<prop>",
                       subject);
    for (int i = 1; i < n; i++)
        if (nx_subject_check_token(i == n - 1   ? "prop"
                                   : i == n - 2 ? "node"
                                                : "scope",
                                   tokens[i], err))
            return -1;
    memset(out, 0, sizeof *out);
    if (n == 4)
        strcpy(out->scope, tokens[1]);
    strcpy(out->node, tokens[n - 2]);
    strcpy(out->prop, tokens[n - 1]);
    return 0;
}
