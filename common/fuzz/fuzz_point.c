/* Any byte string either fails to decode or decodes to a point that encodes
 * back to exactly the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nx_point.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nx_point p;
    if (!nx_point_decode(data, size, &p))
        return 0;
    if (nx_point_size(&p) != size)
        abort();
    uint8_t *buf = malloc(size ? size : 1);
    if (buf == NULL)
        return 0;
    if (nx_point_encode(&p, buf, size) != size || memcmp(buf, data, size) != 0)
        abort();
    free(buf);
    return 0;
}
