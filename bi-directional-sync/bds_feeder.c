#include "bds_feeder.h"

#include <string.h>

#include "bds_points.h"
#include "nx_stats.h"
#include "nx_wait.h"

static int publish_one(bds_feeder *f, int i)
{
    const bds_path *p = f->paths[i];
    uint8_t buf[BDS_POINT_DATA_MAX + 64];
    uint64_t index = atomic_load(&f->sent[i]);
    size_t n =
        bds_point_encode_indexed(buf, sizeof buf, p->origin, nx_wall_ns(), index, f->data_len);
    jsPubAck *ack = NULL;
    jsErrCode jerr = 0;
    natsStatus s = js_Publish(&ack, p->src_js, p->subject[0], buf, (int)n, NULL, &jerr);
    jsPubAck_Destroy(ack);
    if (s != NATS_OK)
        return nx_fail(&f->err, "feeding %s: point %llu not acked: %s (%d)", p->stream[0],
                       (unsigned long long)index, natsStatus_GetText(s), (int)jerr);
    atomic_fetch_add(&f->sent[i], 1);
    return 0;
}

static void *feed(void *arg)
{
    bds_feeder *f = arg;
    int64_t next = nx_now_ns();
    while (!atomic_load(&f->stop)) {
        for (int i = 0; i < 2; i++)
            if (publish_one(f, i) != 0) {
                f->rc = -1;
                return NULL;
            }
        /* A steady rate: the schedule, not the time each publish took. */
        next += (int64_t)f->interval_ms * 1000000;
        int64_t wait_ms = (next - nx_now_ns()) / 1000000;
        if (wait_ms > 0)
            nx_sleep_ms(wait_ms);
    }
    return NULL;
}

int bds_feeder_start(bds_feeder *f, const bds_path *a, const bds_path *b, size_t data_len,
                     int interval_ms, nx_err *err)
{
    memset(f, 0, sizeof *f);
    f->paths[0] = a;
    f->paths[1] = b;
    f->data_len = data_len;
    f->interval_ms = interval_ms;
    if (pthread_create(&f->thread, NULL, feed, f) != 0)
        return nx_fail(err, "cannot start the publishing thread");
    f->started = true;
    return 0;
}

int bds_feeder_stop(bds_feeder *f, nx_err *err)
{
    if (!f->started)
        return 0;
    atomic_store(&f->stop, true);
    pthread_join(f->thread, NULL);
    f->started = false;
    if (f->rc != 0)
        return nx_fail(err, "%s", f->err.msg);
    return 0;
}
