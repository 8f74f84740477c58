/* Transports: fd and pty byte moving, timeouts, end of stream, hang-up,
 * custom ops, the USB id list and picking the one board. */
#define _XOPEN_SOURCE 700
#include <check.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "rollmap.h"

START_TEST(test_transport_fd_reads_bytes_then_times_out)
{
    int p[2];
    ck_assert_int_eq(pipe(p), 0);
    rm_transport *t = NULL;
    ck_assert_int_eq(rm_transport_open_fd(p[0], p[1], 1, NULL, &t, NULL),
                     RM_OK);
    ck_assert_int_eq(rm_transport_write(t, (const uint8_t *)"ab\0c", 4, 100),
                     RM_OK);
    uint8_t buf[16];
    size_t got = 0;
    ck_assert_int_eq(rm_transport_read(t, buf, sizeof buf, &got, 100), RM_OK);
    ck_assert_uint_eq(got, 4);
    ck_assert_int_eq(memcmp(buf, "ab\0c", 4), 0);
    ck_assert_int_eq(rm_transport_read(t, buf, sizeof buf, &got, 20),
                     RM_ERR_TIMEOUT);
    ck_assert_uint_eq(got, 0);
    rm_transport_close(t);
}
END_TEST

START_TEST(test_transport_fd_reports_end_of_stream)
{
    int p[2];
    ck_assert_int_eq(pipe(p), 0);
    rm_transport *t = NULL;
    ck_assert_int_eq(rm_transport_open_fd(p[0], p[0], 1, "pipe", &t, NULL),
                     RM_OK);
    ck_assert_str_eq(rm_transport_label(t), "pipe");
    close(p[1]);
    uint8_t buf[4];
    size_t got = 99;
    ck_assert_int_eq(rm_transport_read(t, buf, sizeof buf, &got, 100), RM_OK);
    ck_assert_uint_eq(got, 0);
    rm_transport_close(t);
}
END_TEST

/* A pty master standing in for the board; returns the master fd. */
static int open_pty(char *slave, size_t cap)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    ck_assert_int_ge(m, 0);
    ck_assert_int_eq(grantpt(m), 0);
    ck_assert_int_eq(unlockpt(m), 0);
    strncpy(slave, ptsname(m), cap - 1);
    slave[cap - 1] = '\0';
    return m;
}

START_TEST(test_transport_tty_is_raw_both_ways)
{
    char slave[128];
    int m = open_pty(slave, sizeof slave);
    rm_transport *t = NULL;
    ck_assert_int_eq(rm_transport_open_tty(slave, 115200, &t, NULL), RM_OK);
    /* Bytes cooked mode would eat or translate: NUL, ^C, LF, CR, XON/XOFF. */
    const uint8_t odd[] = { 0x00, 0x03, 0x0a, 0x0d, 0x11, 0x13, 0x7f, 0xff };
    ck_assert_int_eq(write(m, odd, sizeof odd), (ssize_t)sizeof odd);
    uint8_t buf[32];
    size_t have = 0, got = 0;
    while (have < sizeof odd &&
           rm_transport_read(t, buf + have, sizeof buf - have, &got, 500) ==
               RM_OK && got)
        have += got;
    ck_assert_uint_eq(have, sizeof odd);
    ck_assert_int_eq(memcmp(buf, odd, sizeof odd), 0);
    ck_assert_int_eq(rm_transport_write(t, odd, sizeof odd, 100), RM_OK);
    have = 0;
    while (have < sizeof odd) {
        ssize_t r = read(m, buf + have, sizeof buf - have);
        ck_assert_int_gt(r, 0);
        have += (size_t)r;
    }
    ck_assert_int_eq(memcmp(buf, odd, sizeof odd), 0);
    rm_transport_close(t);
    close(m);
}
END_TEST

START_TEST(test_transport_tty_hangup_is_io_error)
{
    char slave[128];
    int m = open_pty(slave, sizeof slave);
    rm_transport *t = NULL;
    ck_assert_int_eq(rm_transport_open_tty(slave, 0, &t, NULL), RM_OK);
    close(m); /* the board goes away */
    uint8_t buf[4];
    size_t got = 0;
    ck_assert_int_eq(rm_transport_read(t, buf, sizeof buf, &got, 200),
                     RM_ERR_IO);
    ck_assert_ptr_nonnull(strstr(rm_transport_errmsg(t), "read"));
    rm_transport_close(t);
}
END_TEST

START_TEST(test_transport_tty_refuses_non_terminal_and_odd_baud)
{
    rm_transport *t = (rm_transport *)1;
    rm_error e = { 0 };
    ck_assert_int_eq(rm_transport_open_tty("/dev/null", 0, &t, &e), RM_ERR_IO);
    ck_assert_ptr_null(t);
    ck_assert_ptr_nonnull(strstr(e.msg, "not a terminal"));
    ck_assert_int_eq(rm_transport_open_tty("/dev/null", 12345, &t, &e),
                     RM_ERR_ARG);
    ck_assert_int_eq(rm_transport_open_tty("/nonexistent/tty", 0, &t, &e),
                     RM_ERR_NODEV);
}
END_TEST

START_TEST(test_transport_serial_unknown_port_is_nodev)
{
    rm_transport *t = (rm_transport *)1;
    rm_error e = { 0 };
    ck_assert_int_eq(rm_transport_open_serial("/dev/rollmap-no-such-port", 0,
                                              &t, &e),
                     RM_ERR_NODEV);
    ck_assert_ptr_null(t);
    ck_assert_ptr_nonnull(strstr(e.msg, "/dev/rollmap-no-such-port"));
}
END_TEST

static size_t liar_cap;

static rm_status liar_read(void *impl, uint8_t *buf, size_t cap, size_t *got,
                           unsigned timeout_ms)
{
    (void)impl; (void)buf; (void)timeout_ms;
    liar_cap = cap;
    *got = cap + 1; /* a broken transport claims more than it may */
    return RM_OK;
}

static rm_status null_write(void *impl, const uint8_t *buf, size_t len,
                            unsigned timeout_ms)
{
    (void)impl; (void)buf; (void)len; (void)timeout_ms;
    return RM_OK;
}

START_TEST(test_transport_custom_overlong_read_is_refused)
{
    static const rm_transport_ops ops = { .name = "liar", .read = liar_read,
                                          .write = null_write };
    rm_transport *t = NULL;
    ck_assert_int_eq(rm_transport_new(&ops, NULL, NULL, &t, NULL), RM_OK);
    ck_assert_str_eq(rm_transport_label(t), "liar");
    uint8_t buf[8];
    size_t got = 0;
    ck_assert_int_eq(rm_transport_read(t, buf, sizeof buf, &got, 0),
                     RM_ERR_IO);
    ck_assert_uint_eq(got, 0);
    ck_assert_uint_eq(liar_cap, sizeof buf);
    rm_transport_close(t);

    static const rm_transport_ops no_read = { .name = "x", .write = null_write };
    t = (rm_transport *)1;
    ck_assert_int_eq(rm_transport_new(&no_read, NULL, NULL, &t, NULL),
                     RM_ERR_ARG);
    ck_assert_ptr_null(t);
}
END_TEST

START_TEST(test_usb_board_kind_knows_the_documented_ids)
{
    ck_assert_ptr_nonnull(rm_usb_board_kind(0x2341, 0x0043)); /* Uno R3 */
    ck_assert_ptr_nonnull(rm_usb_board_kind(0x2341, 0x0001)); /* Uno */
    ck_assert_ptr_nonnull(rm_usb_board_kind(0x1a86, 0x7523)); /* CH340 */
    ck_assert_ptr_nonnull(rm_usb_board_kind(0x0403, 0x6001)); /* FTDI */
    ck_assert_ptr_null(rm_usb_board_kind(0x046d, 0xc52b));    /* a mouse */
    ck_assert_ptr_null(rm_usb_board_kind(-1, -1));
}
END_TEST

static rm_port_info port(const char *name, int vid, int pid)
{
    rm_port_info p;
    memset(&p, 0, sizeof p);
    strcpy(p.name, name);
    p.usb = vid >= 0;
    p.usb_vid = vid;
    p.usb_pid = pid;
    p.board = rm_usb_board_kind(vid, pid);
    return p;
}

START_TEST(test_ports_pick_board_one_none_several)
{
    rm_port_info ports[3] = {
        port("/dev/ttyS0", -1, -1),
        port("/dev/ttyACM0", 0x2341, 0x0043),
        port("/dev/ttyUSB0", 0x046d, 0xc52b),
    };
    size_t idx = 99;
    char why[256];
    ck_assert_int_eq(rm_ports_pick_board(ports, 3, &idx, why, sizeof why),
                     RM_OK);
    ck_assert_uint_eq(idx, 1);

    ck_assert_int_eq(rm_ports_pick_board(ports, 1, &idx, why, sizeof why),
                     RM_ERR_NODEV);
    ck_assert_ptr_nonnull(strstr(why, "no board found"));
    ck_assert_int_eq(rm_ports_pick_board(NULL, 0, &idx, why, sizeof why),
                     RM_ERR_NODEV);

    ports[2] = port("/dev/ttyUSB0", 0x1a86, 0x7523);
    ck_assert_int_eq(rm_ports_pick_board(ports, 3, &idx, why, sizeof why),
                     RM_ERR_NODEV);
    ck_assert_ptr_nonnull(strstr(why, "2 boards"));
    ck_assert_ptr_nonnull(strstr(why, "/dev/ttyACM0"));
    ck_assert_ptr_nonnull(strstr(why, "/dev/ttyUSB0"));
    /* A tiny buffer is cut, never overrun. */
    char small[8];
    ck_assert_int_eq(rm_ports_pick_board(ports, 3, &idx, small, sizeof small),
                     RM_ERR_NODEV);
    ck_assert_uint_lt(strlen(small), sizeof small);
}
END_TEST

START_TEST(test_ports_list_gives_a_freeable_array)
{
    rm_port_info *ports = NULL;
    size_t n = 99;
    ck_assert_int_eq(rm_ports_list(&ports, &n, NULL), RM_OK);
    ck_assert_ptr_nonnull(ports);
    for (size_t i = 0; i < n; i++) {
        ck_assert_uint_gt(strlen(ports[i].name), 0);
        if (!ports[i].usb)
            ck_assert_ptr_null(ports[i].board);
    }
    rm_ports_free(ports);
}
END_TEST

START_TEST(test_transport_sim_rejects_unknown_scenario_and_speed)
{
    rm_transport *t = (rm_transport *)1;
    ck_assert_int_eq(rm_transport_open_sim("no-such-scenario", NULL, &t, NULL),
                     RM_ERR_ARG);
    ck_assert_ptr_null(t);
    rm_vboard_options o = { .speed = -1.0 };
    ck_assert_int_eq(rm_transport_open_sim("short", &o, &t, NULL), RM_ERR_ARG);
    ck_assert_ptr_null(t);
}
END_TEST

START_TEST(test_transport_sim_is_silent_until_asked)
{
    rm_transport *t = NULL;
    ck_assert_int_eq(rm_transport_open_sim("short", NULL, &t, NULL), RM_OK);
    ck_assert_str_eq(rm_transport_label(t), "sim:short");
    uint8_t buf[64];
    size_t got = 0;
    ck_assert_int_eq(rm_transport_read(t, buf, sizeof buf, &got, 30),
                     RM_ERR_TIMEOUT);
    rm_transport_close(t);
}
END_TEST

Suite *transport_suite(void)
{
    Suite *s = suite_create("transport");
    TCase *fd = tcase_create("fd");
    tcase_add_test(fd, test_transport_fd_reads_bytes_then_times_out);
    tcase_add_test(fd, test_transport_fd_reports_end_of_stream);
    tcase_add_test(fd, test_transport_tty_is_raw_both_ways);
    tcase_add_test(fd, test_transport_tty_hangup_is_io_error);
    tcase_add_test(fd, test_transport_tty_refuses_non_terminal_and_odd_baud);
    suite_add_tcase(s, fd);
    TCase *ser = tcase_create("serial");
    tcase_add_test(ser, test_transport_serial_unknown_port_is_nodev);
    tcase_add_test(ser, test_usb_board_kind_knows_the_documented_ids);
    tcase_add_test(ser, test_ports_pick_board_one_none_several);
    tcase_add_test(ser, test_ports_list_gives_a_freeable_array);
    suite_add_tcase(s, ser);
    TCase *cu = tcase_create("custom");
    tcase_add_test(cu, test_transport_custom_overlong_read_is_refused);
    tcase_add_test(cu, test_transport_sim_rejects_unknown_scenario_and_speed);
    tcase_add_test(cu, test_transport_sim_is_silent_until_asked);
    suite_add_tcase(s, cu);
    return s;
}
