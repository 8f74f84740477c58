/*
 * calib.c - the reliability table of the engine's confidence. A
 * confidence is honest (calibrated) when, among the findings stated with
 * confidence about c, about c are right; the table shows that per bin
 * and sums it up twice: the expected calibration error (ECE: the
 * count-weighted mean of |share right - mean confidence| over the bins,
 * how far the stated numbers are from the observed ones) and the Brier
 * score (mean squared difference between confidence and 0/1 outcome,
 * which also rewards confidence that separates right from wrong).
 */
#include <math.h>
#include <stdio.h>

#include "calib.h"

static const double edge[CAL_BINS] = { 0.25, 0.5, 0.75, 0.9, INFINITY };

void calib_add(calib *c, int kind, double conf, int right)
{
    if (kind < 0 || kind >= K_COUNT)
        return;
    double x = isfinite(conf) ? conf : 0.0;
    x = x < 0 ? 0 : x > 1 ? 1 : x;
    int b = 0;
    while (x >= edge[b])
        b++;
    c->n[kind][b]++;
    c->right[kind][b] += right != 0;
    c->conf[kind][b] += x;
    c->brier[kind] += (x - (right != 0)) * (x - (right != 0));
}

void calib_sum(calib *a, const calib *b)
{
    for (int k = 0; k < K_COUNT; k++) {
        for (int i = 0; i < CAL_BINS; i++) {
            a->n[k][i] += b->n[k][i];
            a->right[k][i] += b->right[k][i];
            a->conf[k][i] += b->conf[k][i];
        }
        a->brier[k] += b->brier[k];
    }
}

void calib_print(const calib *c)
{
    static const char *const name[K_COUNT] = { "hold line", "pass line",
                                               "hold pos 1cm", "hold pos 2cm",
                                               "peak" };
    printf("confidence calibration (per bin: count, share right; conf: "
           "mean confidence; ECE: count-weighted |right - conf| over the "
           "bins; Brier: mean (conf - right)^2)\n");
    printf("  %-12s %6s %12s %12s %12s %12s %12s %5s %5s %6s %6s\n", "kind",
           "n", "[0,.25)", "[.25,.5)", "[.5,.75)", "[.75,.9)", "[.9,1]",
           "conf", "right", "ECE", "Brier");
    for (int k = 0; k < K_COUNT; k++) {
        long n = 0, r = 0;
        double s = 0, ece = 0;
        for (int i = 0; i < CAL_BINS; i++) {
            n += c->n[k][i];
            r += c->right[k][i];
            s += c->conf[k][i];
        }
        if (!n)
            continue;
        printf("  %-12s %6ld", name[k], n);
        for (int i = 0; i < CAL_BINS; i++) {
            long m = c->n[k][i];
            if (!m) {
                printf(" %12s", "-");
                continue;
            }
            double acc = (double)c->right[k][i] / (double)m;
            ece += fabs(acc - c->conf[k][i] / (double)m) * (double)m;
            printf(" %6ld %5.3f", m, acc);
        }
        printf(" %5.3f %5.3f %6.3f %6.3f\n", s / (double)n,
               (double)r / (double)n, ece / (double)n,
               c->brier[k] / (double)n);
    }
}
