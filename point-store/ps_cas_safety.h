/* Whether compare-and-set is safe on this server: which JetStream errors
 * mean "another writer got there first" (retry), and what to say about a
 * release known to lose updates on a replicated stream. The releases come
 * from common/nx_version.h (NX_FEAT_CAS_R3_SAFE, nats-io/nats-server#4319,
 * fixed in 2.9.21); nothing else here compares versions. */
#ifndef PS_CAS_SAFETY_H
#define PS_CAS_SAFETY_H

#include <nats/nats.h>
#include <stdbool.h>
#include <stddef.h>

#include "ps_ctx.h"

/* "wrong last sequence: N" (one server, R1) */
#define PS_ERR_WRONG_LAST_SEQ 10071
/* "wrong last sequence" without N: what a replicated stream answers on
 * newer servers when another publish to the subject is in flight */
#define PS_ERR_WRONG_LAST_SEQ_CONST 10164
/* "expected last sequence per subject temporarily unavailable" (503) */
#define PS_ERR_LAST_SEQ_NOT_READY 10163

/* A lost race: read again and retry. */
bool ps_cas_conflict(jsErrCode jerr);

/* The server could not check the expectation yet: retry, no race lost. */
bool ps_cas_not_ready(jsErrCode jerr);

/* Whether this run's deployment is one where expected-last-subject-seq
 * holds: always on R1, on R3 from the release that fixed #4319. */
bool ps_cas_expected_safe(const ps_ctx *c);

/* "; nats-server 2.9.10 does not serialize ... (nats-io/nats-server#4319,
 * fixed in 2.9.21)" when the run is on such a release with replicas > 1,
 * else "". Returns buf. */
const char *ps_cas_known_loss(const ps_ctx *c, char *buf, size_t len);

/* One line: is compare-and-set safe here, measured and per the version
 * table ("compare-and-set on R3 with nats-server 2.15.1: safe, 0 of 400
 * lost (releases >= 2.9.21 serialize it, nats-server#4319)"). */
void ps_cas_print_verdict(const ps_ctx *c, long lost, long made);

#endif
