/* Command-line options shared by every experiment, plus each experiment's
 * own, parsed with getopt_long into a struct (no globals).
 *
 * Numbers are parsed strictly: the whole argument must be a decimal number
 * inside the option's range. Any bad input produces one line naming the
 * option and what it accepts; the binary then exits 2. */
#ifndef NX_CLI_H
#define NX_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "nx_err.h"

#define NX_LIST_MAX 16

/* Exit code for bad usage, shared by every binary. */
#define NX_EXIT_USAGE 2

typedef struct nx_opts {
    long count;
    long payload;
    const char *storage; /* "file" or "memory" */
    long replicas;
    long repeat;
    long cluster; /* 0 = single server; 3 = spawn a 3-node cluster */
    const char *results_dir;
    bool no_csv;
    const char *url;
    const char *nats_server;
    bool keep;
    bool quick;
    bool quiet;
    /* Which shared options the user gave, so that --quick only changes
     * defaults and never overrides an explicit value. */
    bool count_set;
    bool payload_set;
    bool repeat_set;
    bool replicas_set; /* an experiment may measure R1 and R3 unless one was asked for */
} nx_opts;

/* An experiment's own option. id must be >= 1000 (ids below are shared). */
typedef struct nx_cli_option {
    const char *name;
    const char *arg_name; /* NULL = a flag without a value */
    int id;
    const char *help;
} nx_cli_option;

typedef struct nx_cli_spec {
    const char *prog;
    const char *summary; /* one paragraph for --help */
    long default_count;
    long default_payload;
    const nx_cli_option *options; /* the experiment's own, may be NULL */
    size_t noptions;
    /* Called for each of the experiment's options; returns 0, or -1 with err
     * set to a line naming the option. */
    int (*handle)(void *ctx, int id, const char *arg, nx_err *err);
    void *ctx;
    /* Shared options this experiment has no use for (NULL-terminated long
     * names, e.g. {"count", NULL}): not offered, not in --help, and refused
     * as unknown. */
    const char *const *hidden;
    /* Called once every option is parsed, for what depends on several of
     * them (--quick lowering defaults, combinations refused); returns 0, or
     * -1 with err set, reported like an option's error. May be NULL. */
    int (*finish)(void *ctx, nx_err *err);
} nx_cli_spec;

/* .options and .noptions of a spec from an array of nx_cli_option. */
#define NX_CLI_OPTIONS(array) .options = (array), .noptions = sizeof(array) / sizeof *(array)

typedef enum {
    NX_CLI_RUN = 0,   /* go on */
    NX_CLI_DONE = 1,  /* --help or --version was printed: exit 0 */
    NX_CLI_USAGE = 2, /* err holds the one-line message: exit 2 */
} nx_cli_result;

void nx_opts_init(nx_opts *o, const nx_cli_spec *spec);

/* Parses argv; --help and --version print to stdout. Can be called more than
 * once in a process (it resets getopt). */
nx_cli_result nx_cli_parse(int argc, char **argv, const nx_cli_spec *spec, nx_opts *o, nx_err *err);

/* What main does with a parse result: false to go on with the run; true
 * when it must end, with *status its exit status (0 after --help or
 * --version; NX_EXIT_USAGE once the usage line is printed to stderr). */
bool nx_cli_exits(nx_cli_result r, const nx_err *err, int *status);

/* Sets err to "<prog>: <why> (see <prog> --help)", the one line of every
 * usage error, and returns NX_CLI_USAGE. */
nx_cli_result nx_cli_refuse(const char *prog, const nx_err *why, nx_err *err);

/* The deployment options that exclude each other: --replicas above 1 needs a
 * cluster (--cluster or --url), and --url and --cluster exclude each other. */
int nx_cli_check_deployment(const nx_opts *o, nx_err *err);

/* Parses, and on a usage error prints the line to stderr and exits 2; on
 * --help/--version exits 0. For use at the top of main. */
void nx_cli_parse_or_exit(int argc, char **argv, const nx_cli_spec *spec, nx_opts *o);

/* Strict parsers used by the shared options and by experiments' own. */
int nx_parse_long(const char *opt, const char *arg, long min, long max, long *out, nx_err *err);
int nx_parse_double(const char *opt, const char *arg, double min, double max, double *out,
                    nx_err *err);
/* A comma-separated list of 1..NX_LIST_MAX numbers, each in [min, max]. */
int nx_parse_long_list(const char *opt, const char *arg, long min, long max, long *out, size_t *n,
                       nx_err *err);

/* arg must be one of names[first..last]; *out gets its index. The message
 * lists the allowed names in that order. */
int nx_parse_choice(const char *opt, const char *arg, const char *const *names, int first, int last,
                    int *out, nx_err *err);
/* A value that must not be empty; what names it in the message ("--url:
 * the URL is empty"). */
int nx_parse_text(const char *opt, const char *what, const char *arg, const char **out,
                  nx_err *err);

#endif
