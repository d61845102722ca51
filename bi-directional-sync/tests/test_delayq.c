/* The relay's delay queue with an injected clock: nothing leaves before its
 * time, everything leaves in order, records split across pops keep their
 * time, a full queue takes nothing more, and the ring wraps intact. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bds_delayq.h"

static void holds_until_due_and_keeps_order(void **state)
{
    (void)state;
    bds_delayq q;
    assert_int_equal(bds_delayq_init(&q, 16, 4), 0);
    assert_int_equal(bds_delayq_next_due(&q), -1);
    bds_delayq_push(&q, (const uint8_t *)"abc", 3, 100);
    bds_delayq_push(&q, (const uint8_t *)"defg", 4, 200);
    uint8_t out[16];
    assert_int_equal(bds_delayq_pop(&q, out, sizeof out, 99), 0);
    assert_int_equal(bds_delayq_next_due(&q), 100);
    /* a pop smaller than the record takes part of it; the rest keeps time */
    assert_int_equal(bds_delayq_pop(&q, out, 2, 150), 2);
    assert_memory_equal(out, "ab", 2);
    assert_int_equal(bds_delayq_pop(&q, out, sizeof out, 150), 1);
    assert_memory_equal(out, "c", 1);
    assert_int_equal(bds_delayq_pop(&q, out, sizeof out, 200), 4);
    assert_memory_equal(out, "defg", 4);
    assert_true(bds_delayq_empty(&q));
    bds_delayq_free(&q);
}

static void full_queue_and_wrap(void **state)
{
    (void)state;
    bds_delayq q;
    assert_int_equal(bds_delayq_init(&q, 8, 2), 0);
    bds_delayq_push(&q, (const uint8_t *)"12345", 5, 0);
    assert_int_equal(bds_delayq_space(&q), 3);
    bds_delayq_push(&q, (const uint8_t *)"678", 3, 0);
    assert_int_equal(bds_delayq_space(&q), 0);
    bds_delayq_push(&q, (const uint8_t *)"9", 1, 0); /* refused: full */
    uint8_t out[16];
    assert_int_equal(bds_delayq_pop(&q, out, 5, 0), 5);
    /* records are full until one is taken: one left now, bytes wrap */
    bds_delayq_push(&q, (const uint8_t *)"abcd", 4, 1);
    assert_int_equal(bds_delayq_pop(&q, out, sizeof out, 1), 7);
    assert_memory_equal(out, "678abcd", 7);
    bds_delayq_free(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(holds_until_due_and_keeps_order),
        cmocka_unit_test(full_queue_and_wrap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
