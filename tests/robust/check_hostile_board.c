/*
 * A hostile board: `rollmap record -p -` ($ROLLMAP) talks over its
 * stdin/stdout to a fake board whose descriptor carries terminal control
 * sequences in its firmware and serial strings (ESC, BEL, C1 CSI), which
 * the host prints and stores. Checks that record still records (exit 1
 * when the board hangs up, every frame kept) and that the strings reach
 * the session file as sent, and that neither `rollmap info` nor record's
 * own banner prints them raw (regression: the banner once did).
 */
#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rollmap.h"

#define FIRMWARE "fw\033]0;pwned\007\033[2J"
#define SERIAL "sn\302\2332J\033[31m"
#define FRAMES 200

typedef struct board {
    int out;
    rm_descriptor desc;
    int started;
} board;

static void send_frame(board *b, const uint8_t *buf, size_t len)
{
    while (len) {
        ssize_t n = write(b->out, buf, len);
        if (n <= 0)
            return;
        buf += n;
        len -= (size_t)n;
    }
}

static void on_command(const rm_command *c, void *user)
{
    board *b = user;
    uint8_t buf[RM_WIRE_MAX_FRAME];
    size_t len = 0;
    if (c->type == RM_CMD_IDENTIFY &&
        rm_wire_encode_descriptor(&b->desc, buf, sizeof buf, &len) == RM_OK)
        send_frame(b, buf, len);
    rm_ack a = { .request_id = c->request_id, .command = (uint8_t)c->type,
                 .result = RM_ACK_OK, .version = RM_WIRE_VERSION };
    if (rm_wire_encode_ack(&a, buf, sizeof buf, &len) == RM_OK)
        send_frame(b, buf, len);
    if (c->type == RM_CMD_START)
        b->started = 1;
}

/* Contains any C0 (but \t \n \r), DEL, C1 byte or UTF-8 C1 (C2 80..9F). */
static int has_raw_controls(const char *path)
{
    FILE *f = fopen(path, "rb");
    int c, prev = 0, bad = 0;
    while (f && (c = fgetc(f)) != EOF) {
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f ||
            (prev == 0xc2 && c >= 0x80 && c <= 0x9f) ||
            (prev != 0xc2 && c >= 0x80 && c <= 0x9f && (prev & 0xe0) != 0xc0 &&
             (prev & 0xf0) != 0xe0 && (prev & 0xf8) != 0xf0 &&
             (prev & 0xc0) != 0x80))
            bad = 1;
        prev = c;
    }
    if (f)
        fclose(f);
    return bad;
}

START_TEST(test_hostile_descriptor_strings_are_recorded_and_escaped)
{
    const char *rollmap = getenv("ROLLMAP");
    if (!rollmap || access(rollmap, X_OK) != 0) {
        fprintf(stderr, "check_hostile_board: ROLLMAP not set; skipped\n");
        return;
    }
    signal(SIGPIPE, SIG_IGN);
    char dir[] = "/tmp/rollmap-hostile-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char wav[128], err_path[128], info_path[128];
    snprintf(wav, sizeof wav, "%s/h.wav", dir);
    snprintf(err_path, sizeof err_path, "%s/record.err", dir);
    snprintf(info_path, sizeof info_path, "%s/info.txt", dir);

    int to_rec[2], from_rec[2];
    ck_assert_int_eq(pipe(to_rec), 0);
    ck_assert_int_eq(pipe(from_rec), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        dup2(to_rec[0], STDIN_FILENO);
        dup2(from_rec[1], STDOUT_FILENO);
        int e = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(e, STDERR_FILENO);
        close(to_rec[1]);
        close(from_rec[0]);
        execl(rollmap, "rollmap", "record", "-p", "-", "-q", "--leg", "left",
              "-o", wav, (char *)NULL);
        _exit(127);
    }
    close(to_rec[0]);
    close(from_rec[1]);

    board b = { .out = to_rec[1] };
    rm_descriptor_rev_a(&b.desc);
    snprintf(b.desc.firmware, sizeof b.desc.firmware, "%s", FIRMWARE);
    snprintf(b.desc.serial, sizeof b.desc.serial, "%s", SERIAL);
    rm_decoder_callbacks cb = { .on_command = on_command, .user = &b };
    rm_decoder *dec = NULL;
    ck_assert_int_eq(rm_decoder_new(&cb, &dec, NULL), RM_OK);
    /* Serve commands until START, then stream and hang up. */
    uint8_t in[512];
    while (!b.started) {
        ssize_t n = read(from_rec[0], in, sizeof in);
        if (n <= 0)
            break;
        rm_decoder_feed(dec, in, (size_t)n);
    }
    ck_assert_msg(b.started, "record never sent START");
    for (uint32_t i = 0; i < FRAMES; i++) {
        rm_frame f;
        memset(&f, 0, sizeof f);
        f.seq = i;
        f.time_us = i * 12500u;
        for (int c = 0; c < 12; c++)
            f.cells[c] = (int32_t)(i * 10u + (uint32_t)c);
        uint8_t buf[RM_WIRE_MAX_FRAME];
        size_t len = 0;
        ck_assert_int_eq(rm_wire_encode_frame(&f, 12, buf, sizeof buf, &len),
                         RM_OK);
        send_frame(&b, buf, len);
    }
    close(to_rec[1]); /* the board hangs up */
    int status = 0;
    waitpid(pid, &status, 0);
    close(from_rec[0]);
    rm_decoder_free(dec);
    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), 1); /* board closed: runtime */

    /* The file has every frame and the strings exactly as sent. */
    rm_session *s = NULL;
    rm_error err = { 0 };
    ck_assert_msg(rm_session_open(wav, &s, &err) == RM_OK, "%s", err.msg);
    ck_assert_uint_eq(rm_session_frame_count(s), FRAMES);
    ck_assert_str_eq(rm_session_get_meta(s)->desc.firmware, FIRMWARE);
    ck_assert_str_eq(rm_session_get_meta(s)->desc.serial, SERIAL);
    rm_session_close(s);

    /* info shows them escaped. */
    char cmd[512];
    snprintf(cmd, sizeof cmd, "'%s' info '%s' > '%s' 2>&1", rollmap, wav,
             info_path);
    ck_assert_int_eq(system(cmd), 0);
    ck_assert_msg(!has_raw_controls(info_path),
                  "rollmap info printed the board's strings raw");
    ck_assert_msg(!has_raw_controls(err_path),
                  "record's banner printed the board's strings raw");
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hostile_board");
    TCase *tc = tcase_create("descriptor");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_hostile_descriptor_strings_are_recorded_and_escaped);
    suite_add_tcase(s, tc);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
