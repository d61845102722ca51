/* The monitoring parsers take whatever a server (or something pretending to
 * be one) sends: no input may crash them or leave strings unterminated. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nx_monitor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    nx_jsz *jsz = malloc(sizeof *jsz);
    if (s == NULL || jsz == NULL) {
        free(s);
        free(jsz);
        return 0;
    }
    memcpy(s, data, size);
    s[size] = '\0';
    nx_varz varz;
    nx_leafz leafz;
    nx_err err;
    if (nx_varz_parse(s, &varz, &err) == 0 && strlen(varz.version) >= sizeof varz.version)
        abort();
    if (nx_leafz_parse(s, &leafz, &err) == 0 && (leafz.count < 0 || leafz.count > NX_LEAFZ_MAX))
        abort();
    if (nx_jsz_parse(s, jsz, &err) == 0 &&
        (jsz->nstreams < 0 || jsz->nstreams > NX_JSZ_STREAMS_MAX))
        abort();
    char version[32];
    nx_info_line_version(s, version, sizeof version, &err);
    free(jsz);
    free(s);
    return 0;
}
