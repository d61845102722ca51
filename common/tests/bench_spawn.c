/* Spawn-to-ready time of a JetStream server: fork until the ports file
 * names the client port, median of 20 starts. Prints against the 100 ms
 * target; never fails on time (this machine is shared and noisy). */
#include <stdio.h>
#include <stdlib.h>

#include "nx_server.h"
#include "nx_stats.h"

int main(void)
{
    enum { STARTS = 20 };
    double ready[STARTS], total[STARTS];
    for (int i = 0; i < STARTS; i++) {
        nx_server_config cfg;
        nx_server_config_init(&cfg);
        nx_server *s = NULL;
        nx_err err;
        int64_t t0 = nx_now_ns();
        if (nx_server_start(&s, &cfg, &err) != 0) {
            fprintf(stderr, "bench_spawn: %s\n", err.msg);
            return 1;
        }
        total[i] = (double)(nx_now_ns() - t0) / 1e6;
        ready[i] = nx_server_ready_ms(s);
        nx_server_destroy(s);
    }
    double med_ready = nx_median(ready, STARTS);
    double med_total = nx_median(total, STARTS);
    printf("spawn-to-ready median over %d starts: %.1f ms (target <= 100 ms: %s); "
           "with temp dir, config and /varz: %.1f ms\n",
           STARTS, med_ready, med_ready <= 100.0 ? "met" : "MISSED", med_total);
    return 0;
}
