/* The fleet's measurements of one fleet size and layout, and the CSV rows
 * and table lines they become (ops fleet_spawn, fleet_setup,
 * fleet_hub_cost, fleet_idle_bytes, fleet_sync_up, fleet_sync_down,
 * fleet_storm; documented in results/SCHEMA.md). */
#ifndef BDS_FLEET_ROWS_H
#define BDS_FLEET_ROWS_H

#include <stdint.h>

#include "bds_fleet.h"
#include "bds_fleet_cost.h"
#include "bds_fleet_flow.h"
#include "bds_report.h"

/* Points per second each leaf (and the hub) publishes under load and in
 * the storm: a device reporting a few props a second. */
#define BDS_FLEET_RATE 10

typedef struct bds_fleet_storm {
    double hub_down_s;      /* SIGTERM until the restarted hub accepts clients */
    double reconnect_s;     /* from then until /leafz lists every leaf */
    double complete_up_s;   /* from then until every hub copy holds every leaf point */
    double complete_down_s; /* and until every leaf's copy holds every hub point */
    uint64_t published;     /* leaf points published from the stop to the end */
} bds_fleet_storm;

typedef struct bds_fleet_result {
    int n;
    bds_fleet_layout layout;
    size_t payload;
    double setup_s;
    bds_cost base; /* the hub alone, before any leaf */
    bds_cost idle, loaded;
    uint64_t up_points, down_points; /* burst deliveries */
    double up_s, down_s;
    bds_fleet_storm storm;
    bds_fleet_check check, storm_check;
} bds_fleet_result;

/* layout names the fleet the spawn was for. */
int bds_row_fleet_spawn(bds_report *rep, const bds_fleet *f, const char *layout, nx_err *err);

/* The rows of one layout up to the storm, once its copies were checked
 * (written before the storm, so a failed storm keeps them). */
int bds_rows_fleet(bds_report *rep, const bds_fleet_result *r, nx_err *err);

/* The storm's rows, after its read-back. */
int bds_rows_fleet_storm(bds_report *rep, const bds_fleet_result *r, nx_err *err);

#endif
