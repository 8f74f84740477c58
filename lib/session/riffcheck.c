/*
 * A look at a WAV file's chunk list before libsndfile parses it: a 'LIST'
 * chunk whose sub-chunk claims more bytes than the LIST holds (size
 * 0xfffffff8, say) sends libsndfile 1.2.0's header parser into a loop
 * that runs for minutes on a 1.7 KB file (found by the session fuzz
 * target; tests/fuzz/crashes/session/). Such a file is refused here. Cost:
 * at most MAX_CHUNKS small reads, no allocation.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "session_internal.h"

#define MAX_CHUNKS 256

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

/* Sub-chunks of the LIST whose body is [from, to): each must fit. */
static int list_ok(int fd, uint64_t from, uint64_t to)
{
    uint64_t pos = from + 4; /* after the list type ("INFO") */
    for (int n = 0; pos + 8 <= to && n < MAX_CHUNKS; n++) {
        unsigned char h[8];
        if (pread(fd, h, 8, (off_t)pos) != 8)
            return 0;
        uint64_t size = le32(h + 4);
        if (pos + 8 + size > to)
            return 0;
        pos += 8 + size + (size & 1);
    }
    return 1;
}

rm_status rm_riff_check(int fd, char *why, size_t why_len)
{
    struct stat st;
    unsigned char h[12];
    if (fstat(fd, &st) != 0 || pread(fd, h, 12, 0) != 12 ||
        memcmp(h, "RIFF", 4) != 0 || memcmp(h + 8, "WAVE", 4) != 0)
        return RM_OK; /* not plain RIFF/WAVE: libsndfile says what it is */
    uint64_t end = (uint64_t)st.st_size, pos = 12;
    for (int n = 0; pos + 8 <= end && n < MAX_CHUNKS; n++) {
        if (pread(fd, h, 8, (off_t)pos) != 8)
            break;
        uint64_t size = le32(h + 4);
        if (!memcmp(h, "data", 4))
            break; /* samples: their length is checked against the file */
        if (!memcmp(h, "LIST", 4) &&
            !list_ok(fd, pos + 8, pos + 8 + size < end ? pos + 8 + size : end))
            return rm_msg_set(why, why_len, RM_ERR_FORMAT,
                              "a 'LIST' chunk at byte %llu holds a part "
                              "longer than itself",
                              (unsigned long long)pos);
        pos += 8 + size + (size & 1);
    }
    return RM_OK;
}
