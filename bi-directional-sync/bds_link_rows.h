/* The rows of the scale and paced sections: sourced-stream setup, the idle
 * link, a direction's sync, the link bytes per point each way, and the link
 * budget. Each writes its CSV rows and table lines through the report. */
#ifndef BDS_LINK_ROWS_H
#define BDS_LINK_ROWS_H

#include "bds_budget.h"
#include "bds_idle.h"
#include "bds_path.h"
#include "bds_repeat.h"
#include "bds_report.h"

/* cs is the case's common part ("streams=2", "streams=2 link=20kbit"). */
int bds_row_sync_setup(bds_report *rep, const char *cs, int streams, double seconds, nx_err *err);

int bds_rows_link_idle(bds_report *rep, const char *cs, const bds_idle_result *idle, nx_err *err);

int bds_row_sync(bds_report *rep, const bds_path *p, const char *cs, const bds_total *tot,
                 nx_err *err);

/* Link bytes per point both ways while syncing along p; idle NULL when the
 * run has no idle measurement of its own (paced). Fills cost for the
 * budget. */
int bds_rows_link_bytes(bds_report *rep, const bds_path *p, const char *cs, const bds_total *tot,
                        const bds_idle_result *idle, bds_link_cost *cost, nx_err *err);

/* Points/s that fit on 20 and 100 kbit/s at cost. */
int bds_rows_link_budget(bds_report *rep, const bds_path *p, const char *cs,
                         const bds_link_cost *cost, nx_err *err);

#endif
