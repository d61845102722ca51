/* The fast-ingest batch replies as nats-server 2.15.1 sends them (captured
 * from a run) and the gap, error and unknown messages the publisher must
 * count rather than skip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tsd_fastack.h"

static tsd_fast_kind parse(const char *text, tsd_fast_msg *m)
{
    return tsd_fast_parse(text, strlen(text), m);
}

static void flow_acks_and_the_final_puback(void **state)
{
    (void)state;
    tsd_fast_msg m;
    assert_int_equal(parse("{\"type\":\"ack\",\"seq\":0,\"msgs\":100}", &m), TSD_FAST_FLOW);
    assert_int_equal(m.seq, 0);
    assert_int_equal(m.msgs, 100);
    assert_int_equal(parse("{\"seq\":1900,\"ack_msgs\":50}", &m), TSD_FAST_FLOW);
    assert_int_equal(m.msgs, 50);
    assert_int_equal(
        parse("{\"stream\":\"NODES\",\"seq\":2000,\"batch\":\"X1\",\"count\":2000}", &m),
        TSD_FAST_PUBACK);
    assert_string_equal(m.batch, "X1");
    assert_int_equal(m.count, 2000);
    assert_int_equal(m.seq, 2000);
    assert_false(m.has_error);
}

static void gaps_errors_and_the_rest_are_never_flow(void **state)
{
    (void)state;
    tsd_fast_msg m;
    assert_int_equal(parse("{\"type\":\"gap\",\"last_seq\":10,\"seq\":15}", &m), TSD_FAST_GAP);
    assert_int_equal(tsd_fast_lost(&m), 4);
    assert_int_equal(parse("{\"error\":{\"code\":400,\"description\":\"batch publish not "
                           "enabled\"}}",
                           &m),
                     TSD_FAST_ERROR);
    assert_string_equal(m.error, "batch publish not enabled");
    /* An error that ends the batch comes as a PubAck with the error set. */
    assert_int_equal(parse("{\"error\":{\"code\":400,\"description\":\"x\"},\"batch\":\"B\","
                           "\"count\":7}",
                           &m),
                     TSD_FAST_PUBACK);
    assert_true(m.has_error);
    assert_int_equal(m.count, 7);
    assert_int_equal(parse("{\"type\":\"ack\",\"seq\":5,\"msgs\":0}", &m), TSD_FAST_UNKNOWN);
    assert_int_equal(parse("{\"type\":\"other\",\"seq\":5,\"msgs\":3}", &m), TSD_FAST_UNKNOWN);
    assert_int_equal(parse("not json", &m), TSD_FAST_UNKNOWN);
    assert_int_equal(parse("{}", &m), TSD_FAST_UNKNOWN);
    assert_int_equal(tsd_fast_lost(&m), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(flow_acks_and_the_final_puback),
        cmocka_unit_test(gaps_errors_and_the_rest_are_never_flow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
