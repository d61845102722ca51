/* Arbitrary argument vectors (NUL-separated in the input) either parse into
 * in-range options or produce a one-line usage error; never a crash. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nx_cli.h"

enum { OPT_LIST = 1000 };

static int handle(void *ctx, int id, const char *arg, nx_err *err)
{
    long *vals = ctx;
    size_t n;
    (void)id;
    return nx_parse_long_list("window", arg, 1, 65536, vals, &n, err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *devnull;
    if (devnull == NULL) {
        devnull = fopen("/dev/null", "w");
        if (devnull)
            stdout = devnull; /* --help output is not the point */
    }
    char *buf = malloc(size + 1);
    if (buf == NULL)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    char *argv[34] = {"fuzz"};
    int argc = 1;
    for (char *p = buf; argc < 33 && p < buf + size; p += strlen(p) + 1)
        argv[argc++] = p;
    argv[argc] = NULL;
    static const nx_cli_option own[] = {{"window", "LIST", OPT_LIST, "windows"}};
    long vals[NX_LIST_MAX];
    nx_cli_spec spec = {.prog = "fuzz",
                        .summary = "fuzz",
                        .default_count = 10,
                        .default_payload = 16,
                        .options = own,
                        .noptions = 1,
                        .handle = handle,
                        .ctx = vals};
    nx_opts o;
    nx_opts_init(&o, &spec);
    nx_err err = {{0}};
    nx_cli_result r = nx_cli_parse(argc, argv, &spec, &o, &err);
    if (r == NX_CLI_RUN && (o.count < 1 || o.payload < 0 || o.payload > 1048576 || o.repeat < 1 ||
                            (o.replicas != 1 && o.replicas != 3)))
        abort();
    if (r == NX_CLI_USAGE && (err.msg[0] == '\0' || strchr(err.msg, '\n')))
        abort();
    free(buf);
    return 0;
}
