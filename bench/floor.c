/*
 * The floor of the offline benchmark: a bare libsndfile loop that reads
 * every frame of a session as 32-bit integers, as the session reader does,
 * and nothing else. `rollmap report` time is quoted as a ratio to this.
 *
 *   floor FILE.wav [BLOCK_FRAMES]     (default 4096 frames per read)
 *
 * Prints "frames N checksum C" on stdout; the checksum (a sum of each
 * frame's last channel, the sequence number) proves the data arrived
 * while adding almost nothing to the loop (one add per frame).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <sndfile.h>

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: floor FILE.wav [BLOCK_FRAMES]\n");
        return 2;
    }
    long block = argc == 3 ? strtol(argv[2], NULL, 10) : 4096;
    if (block < 1 || block > 1L << 20) {
        fprintf(stderr, "floor: block must be 1..1048576 frames\n");
        return 2;
    }
    SF_INFO info = { 0 };
    SNDFILE *sf = sf_open(argv[1], SFM_READ, &info);
    if (!sf) {
        fprintf(stderr, "floor: %s: %s\n", argv[1], sf_strerror(NULL));
        return 1;
    }
    int *buf = malloc((size_t)block * (size_t)info.channels * sizeof *buf);
    if (!buf) {
        fprintf(stderr, "floor: out of memory\n");
        sf_close(sf);
        return 1;
    }
    uint64_t frames = 0, sum = 0;
    sf_count_t n;
    while ((n = sf_readf_int(sf, buf, block)) > 0) {
        size_t ch = (size_t)info.channels;
        for (size_t i = 0; i < (size_t)n; i++)
            sum += (uint32_t)buf[i * ch + ch - 1];
        frames += (uint64_t)n;
    }
    int bad = sf_error(sf) != SF_ERR_NO_ERROR;
    if (bad)
        fprintf(stderr, "floor: %s: %s\n", argv[1], sf_strerror(sf));
    free(buf);
    sf_close(sf);
    printf("frames %" PRIu64 " checksum %016" PRIx64 "\n", frames, sum);
    return bad;
}
