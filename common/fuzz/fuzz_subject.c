/* Parsing never crashes, and whatever parses builds back to the same
 * subject. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nx_subject.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (s == NULL)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    nx_subject_parts parts;
    if (nx_subject_parse(s, &parts, NULL) == 0) {
        char back[NX_SUBJECT_MAX * 3 + 8];
        if (nx_subject_build(back, sizeof back, parts.scope[0] ? parts.scope : NULL, parts.node,
                             parts.prop, NULL) != 0 ||
            strcmp(back, s) != 0)
            abort();
    }
    nx_subject_token_ok(s);
    free(s);
    return 0;
}
