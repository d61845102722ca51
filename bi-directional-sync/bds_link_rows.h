/* The rows of the scale and paced sections: sourced-stream setup, the idle
 * link, a direction's sync, the link bytes per point each way, and the link
 * budget. Each writes its CSV rows and table lines through the report. */
#ifndef SYNC_LINK_ROWS_H
#define SYNC_LINK_ROWS_H

#include "bds_budget.h"
#include "bds_idle.h"
#include "bds_path.h"
#include "bds_repeat.h"
#include "bds_report.h"

/* cs is the case's common part ("streams=2", "streams=2 link=20kbit"). */
int row_sync_setup(report *rep, const char *cs, int streams, double seconds, nx_err *err);

int rows_link_idle(report *rep, const char *cs, const idle_result *idle, nx_err *err);

int row_sync(report *rep, const sync_path *p, const char *cs, const sync_total *tot, nx_err *err);

/* Link bytes per point both ways while syncing along p; idle NULL when the
 * run has no idle measurement of its own (paced). Fills cost for the
 * budget. */
int rows_link_bytes(report *rep, const sync_path *p, const char *cs, const sync_total *tot,
                    const idle_result *idle, link_cost *cost, nx_err *err);

/* Points/s that fit on 20 and 100 kbit/s at cost. */
int rows_link_budget(report *rep, const sync_path *p, const char *cs, const link_cost *cost,
                     nx_err *err);

#endif
