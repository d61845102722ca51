#include "nx_cli.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <nats/nats.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    OPT_COUNT = 1,
    OPT_PAYLOAD,
    OPT_STORAGE,
    OPT_REPLICAS,
    OPT_REPEAT,
    OPT_CLUSTER,
    OPT_RESULTS,
    OPT_NO_CSV,
    OPT_URL,
    OPT_NATS_SERVER,
    OPT_KEEP,
    OPT_QUICK,
    OPT_QUIET,
    OPT_HELP,
    OPT_VERSION,
};

#define MAX_COUNT 100000000L
#define MAX_PAYLOAD (1024L * 1024L)

static const nx_cli_option shared[] = {
    {"count", "N", OPT_COUNT, "points to write (default %ld; --quick lowers it)"},
    {"payload", "BYTES", OPT_PAYLOAD, "data bytes per point, 0 to 1048576 (default %ld)"},
    {"storage", "file|memory", OPT_STORAGE, "JetStream storage for the streams (default file)"},
    {"replicas", "1|3", OPT_REPLICAS, "stream replicas; 3 needs --cluster 3 or a --url cluster"},
    {"repeat", "R", OPT_REPEAT, "run each timed case R times and report medians (default 1)"},
    {"cluster", "0|3", OPT_CLUSTER, "spawn a 3-node JetStream cluster instead of one server"},
    {"results", "DIR", OPT_RESULTS, "directory for the CSV files (default results)"},
    {"no-csv", NULL, OPT_NO_CSV, "print the table only; write no CSV rows"},
    {"url", "URL[,URL]", OPT_URL, "use an existing server or cluster instead of spawning one"},
    {"nats-server", "PATH", OPT_NATS_SERVER,
     "nats-server binary (default $NATS_SERVER, then PATH)"},
    {"keep", NULL, OPT_KEEP, "keep the spawned servers' temp dirs (printed at exit)"},
    {"quick", NULL, OPT_QUICK, "a small, fast run (for tests)"},
    {"quiet", NULL, OPT_QUIET, "no progress line and no table, only errors"},
    {"help", NULL, OPT_HELP, "show this help and exit"},
    {"version", NULL, OPT_VERSION, "show versions and exit"},
};
#define NSHARED (sizeof shared / sizeof *shared)

void nx_opts_init(nx_opts *o, const nx_cli_spec *spec)
{
    memset(o, 0, sizeof *o);
    o->count = spec->default_count;
    o->payload = spec->default_payload;
    o->storage = "file";
    o->replicas = 1;
    o->repeat = 1;
    o->results_dir = "results";
}

int nx_parse_long(const char *opt, const char *arg, long min, long max, long *out, nx_err *err)
{
    const char *p = arg;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == '\0' || !(*p == '-' || *p == '+' || (*p >= '0' && *p <= '9')))
        return nx_fail(err, "--%s: '%s' is not a whole number (allowed: %ld to %ld)", opt, arg, min,
                       max);
    errno = 0;
    char *end = NULL;
    long v = strtol(arg, &end, 10);
    if (end == arg || *end != '\0')
        return nx_fail(err, "--%s: '%s' is not a whole number (allowed: %ld to %ld)", opt, arg, min,
                       max);
    if (errno == ERANGE || v < min || v > max)
        return nx_fail(err, "--%s: %s is out of range (allowed: %ld to %ld)", opt, arg, min, max);
    *out = v;
    return 0;
}

int nx_parse_double(const char *opt, const char *arg, double min, double max, double *out,
                    nx_err *err)
{
    errno = 0;
    char *end = NULL;
    double v = strtod(arg, &end);
    if (end == arg || *end != '\0' || isnan(v))
        return nx_fail(err, "--%s: '%s' is not a number (allowed: %g to %g)", opt, arg, min, max);
    if (errno == ERANGE || v < min || v > max)
        return nx_fail(err, "--%s: %s is out of range (allowed: %g to %g)", opt, arg, min, max);
    *out = v;
    return 0;
}

int nx_parse_long_list(const char *opt, const char *arg, long min, long max, long *out, size_t *n,
                       nx_err *err)
{
    char buf[512];
    if (strlen(arg) >= sizeof buf)
        return nx_fail(err, "--%s: list is too long", opt);
    strcpy(buf, arg);
    size_t count = 0;
    /* strtok would skip empty items; walk commas by hand so that "1,,2" and a
     * trailing comma are errors. */
    char *item = buf;
    for (;;) {
        char *comma = strchr(item, ',');
        if (comma)
            *comma = '\0';
        if (count == NX_LIST_MAX)
            return nx_fail(err, "--%s: more than %d values", opt, NX_LIST_MAX);
        if (*item == '\0')
            return nx_fail(err,
                           "--%s: '%s' has an empty item (expected N[,N...] with each from "
                           "%ld to %ld)",
                           opt, arg, min, max);
        if (nx_parse_long(opt, item, min, max, &out[count], err) != 0)
            return -1;
        count++;
        if (!comma)
            break;
        item = comma + 1;
    }
    *n = count;
    return 0;
}

int nx_parse_choice(const char *opt, const char *arg, const char *const *names, int first, int last,
                    int *out, nx_err *err)
{
    for (int i = first; i <= last; i++)
        if (strcmp(arg, names[i]) == 0) {
            *out = i;
            return 0;
        }
    char allowed[256] = "";
    size_t len = 0;
    for (int i = first; i <= last && len < sizeof allowed; i++) {
        int n =
            snprintf(allowed + len, sizeof allowed - len, "%s%s", i > first ? ", " : "", names[i]);
        len += n > 0 ? (size_t)n : 0;
    }
    return nx_fail(err, "--%s: '%s' is not allowed (allowed: %s)", opt, arg, allowed);
}

int nx_parse_text(const char *opt, const char *what, const char *arg, const char **out, nx_err *err)
{
    if (*arg == '\0')
        return nx_fail(err, "--%s: the %s is empty", opt, what);
    *out = arg;
    return 0;
}

static bool is_hidden(const nx_cli_spec *spec, const char *name)
{
    for (const char *const *h = spec->hidden; h && *h; h++)
        if (strcmp(*h, name) == 0)
            return true;
    return false;
}

static void print_help(const nx_cli_spec *spec)
{
    printf("Usage: %s [OPTIONS]\n\n%s\n\nOptions:\n", spec->prog, spec->summary);
    for (size_t i = 0; i < spec->noptions; i++) {
        const nx_cli_option *op = &spec->options[i];
        char left[64];
        snprintf(left, sizeof left, "--%s%s%s", op->name, op->arg_name ? " " : "",
                 op->arg_name ? op->arg_name : "");
        printf("  %-24s %s\n", left, op->help);
    }
    for (size_t i = 0; i < NSHARED; i++) {
        const nx_cli_option *op = &shared[i];
        if (is_hidden(spec, op->name))
            continue;
        char left[64], help[256];
        snprintf(left, sizeof left, "--%s%s%s", op->name, op->arg_name ? " " : "",
                 op->arg_name ? op->arg_name : "");
        long dflt = op->id == OPT_COUNT ? spec->default_count : spec->default_payload;
        snprintf(help, sizeof help, op->help, dflt);
        printf("  %-24s %s\n", left, help);
    }
    printf("\nExit status: 0 when every check passed, 1 when a verification or the run failed,\n"
           "2 on bad usage.\n");
}

static int handle_shared(nx_opts *o, int id, const char *arg, nx_err *err)
{
    switch (id) {
    case OPT_COUNT:
        o->count_set = true;
        return nx_parse_long("count", arg, 1, MAX_COUNT, &o->count, err);
    case OPT_PAYLOAD:
        o->payload_set = true;
        return nx_parse_long("payload", arg, 0, MAX_PAYLOAD, &o->payload, err);
    case OPT_STORAGE: {
        static const char *const storages[] = {"file", "memory"};
        int i = 0;
        if (nx_parse_choice("storage", arg, storages, 0, 1, &i, err) != 0)
            return -1;
        o->storage = storages[i];
        return 0;
    }
    case OPT_REPLICAS:
        o->replicas_set = true;
        if (nx_parse_long("replicas", arg, 1, 3, &o->replicas, err) != 0)
            return -1;
        if (o->replicas == 2)
            return nx_fail(err, "--replicas: 2 is not allowed (allowed: 1, 3)");
        return 0;
    case OPT_REPEAT:
        o->repeat_set = true;
        return nx_parse_long("repeat", arg, 1, 1000, &o->repeat, err);
    case OPT_CLUSTER:
        if (nx_parse_long("cluster", arg, 0, 3, &o->cluster, err) != 0)
            return -1;
        if (o->cluster != 0 && o->cluster != 3)
            return nx_fail(err, "--cluster: %s is not allowed (allowed: 0, 3)", arg);
        return 0;
    case OPT_RESULTS:
        return nx_parse_text("results", "directory name", arg, &o->results_dir, err);
    case OPT_NO_CSV:
        o->no_csv = true;
        return 0;
    case OPT_URL:
        return nx_parse_text("url", "URL", arg, &o->url, err);
    case OPT_NATS_SERVER:
        return nx_parse_text("nats-server", "path", arg, &o->nats_server, err);
    case OPT_KEEP:
        o->keep = true;
        return 0;
    case OPT_QUICK:
        o->quick = true;
        return 0;
    case OPT_QUIET:
        o->quiet = true;
        return 0;
    }
    return nx_fail(err, "internal error: unhandled option %d", id);
}

static const char *option_name(const struct option *longopts, int id)
{
    for (const struct option *lo = longopts; lo->name; lo++)
        if (lo->val == id)
            return lo->name;
    return NULL;
}

/* Messages quote the user's arguments; a newline or control byte in one
 * must not break the promise of a single line. */
static void one_line(nx_err *err)
{
    if (err == NULL)
        return;
    for (char *p = err->msg; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
}

nx_cli_result nx_cli_parse(int argc, char **argv, const nx_cli_spec *spec, nx_opts *o, nx_err *err)
{
    size_t total = NSHARED + spec->noptions;
    struct option *longopts = calloc(total + 1, sizeof *longopts);
    if (longopts == NULL) {
        nx_fail(err, "%s: out of memory", spec->prog);
        return NX_CLI_USAGE;
    }
    size_t k = 0;
    for (size_t i = 0; i < NSHARED; i++) {
        if (is_hidden(spec, shared[i].name))
            continue;
        longopts[k++] =
            (struct option){shared[i].name, shared[i].arg_name ? required_argument : no_argument,
                            NULL, shared[i].id};
    }
    for (size_t i = 0; i < spec->noptions; i++, k++)
        longopts[k] = (struct option){spec->options[i].name,
                                      spec->options[i].arg_name ? required_argument : no_argument,
                                      NULL, spec->options[i].id};

    nx_cli_result result = NX_CLI_RUN;
    optind = 0; /* glibc: full re-initialisation, so tests may parse repeatedly */
    opterr = 0;
    for (;;) {
        int id = getopt_long(argc, argv, ":h", longopts, NULL);
        if (id == -1)
            break;
        nx_err local = {{0}};
        int rc = 0;
        if (id == 'h' || id == OPT_HELP) {
            print_help(spec);
            result = NX_CLI_DONE;
            break;
        } else if (id == OPT_VERSION) {
            printf("%s (natsexp) with nats.c %s\n", spec->prog, nats_GetVersion());
            result = NX_CLI_DONE;
            break;
        } else if (id == ':') {
            const char *name = option_name(longopts, optopt);
            rc = nx_fail(&local, "--%s needs a value", name ? name : "?");
        } else if (id == '?') {
            const char *name = optopt ? option_name(longopts, optopt) : NULL;
            if (name)
                rc = nx_fail(&local, "--%s does not take a value", name);
            else
                rc = nx_fail(&local, "unknown option '%s'", argv[optind - 1]);
        } else if (id < 1000) {
            rc = handle_shared(o, id, optarg, &local);
        } else if (spec->handle) {
            rc = spec->handle(spec->ctx, id, optarg, &local);
        }
        if (rc != 0) {
            result = nx_cli_refuse(spec->prog, &local, err);
            break;
        }
    }
    if (result == NX_CLI_RUN && optind < argc) {
        nx_fail(err, "%s: unexpected argument '%s' (see %s --help)", spec->prog, argv[optind],
                spec->prog);
        result = NX_CLI_USAGE;
    }
    free(longopts);
    if (result == NX_CLI_RUN && spec->finish) {
        nx_err local = {{0}};
        if (spec->finish(spec->ctx, &local) != 0)
            result = nx_cli_refuse(spec->prog, &local, err);
    }
    if (result == NX_CLI_USAGE)
        one_line(err);
    return result;
}

nx_cli_result nx_cli_refuse(const char *prog, const nx_err *why, nx_err *err)
{
    nx_fail(err, "%s: %s (see %s --help)", prog, why->msg, prog);
    return NX_CLI_USAGE;
}

int nx_cli_check_deployment(const nx_opts *o, nx_err *err)
{
    if (o->replicas > 1 && o->cluster < o->replicas && o->url == NULL)
        return nx_fail(err, "--replicas %ld needs a cluster: add --cluster 3 or --url to one",
                       o->replicas);
    if (o->url && o->cluster)
        return nx_fail(err, "--url and --cluster exclude each other");
    return 0;
}

bool nx_cli_exits(nx_cli_result r, const nx_err *err, int *status)
{
    switch (r) {
    case NX_CLI_RUN:
        return false;
    case NX_CLI_DONE:
        *status = 0;
        return true;
    case NX_CLI_USAGE:
        break;
    }
    fprintf(stderr, "%s\n", err->msg);
    *status = NX_EXIT_USAGE;
    return true;
}

void nx_cli_parse_or_exit(int argc, char **argv, const nx_cli_spec *spec, nx_opts *o)
{
    nx_err err = {{0}};
    int status = 0;
    if (nx_cli_exits(nx_cli_parse(argc, argv, spec, o, &err), &err, &status))
        exit(status);
}
