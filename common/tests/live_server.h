/* The fixture of the live tests: one spawned JetStream server with a
 * connection and a JetStream context, in a temp dir of the test's own. */
#ifndef LIVE_SERVER_H
#define LIVE_SERVER_H

#include <nats/nats.h>

#include "nx_server.h"

typedef struct live_server {
    const char *tmp; /* TMPDIR of the test: the server's dir lives in it */
    nx_server *s;
    natsConnection *nc;
    jsCtx *js;
} live_server;

/* Spawns and connects (client_name names the connection); NULL, with the
 * reason on stderr, when any step fails. */
live_server *live_server_up(const char *client_name);

/* Tears everything down and removes the temp dir; returns 0, or -1 when
 * the server had left entries behind in it. */
int live_server_down(live_server *f);

#endif
