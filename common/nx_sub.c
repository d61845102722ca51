#include "nx_sub.h"

#define FLUSH_TIMEOUT_MS 10000

void nx_sub_close(natsConnection *nc, natsSubscription *sub)
{
    if (sub == NULL)
        return;
    natsSubscription_Unsubscribe(sub);
    natsConnection_FlushTimeout(nc, FLUSH_TIMEOUT_MS);
    natsSubscription_Destroy(sub);
}
