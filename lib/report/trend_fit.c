/*
 * A spot's tenderness over the sessions' dates: an ordinary least-squares
 * line, the standard error of its slope, and a verdict (fading, steady,
 * growing, uncertain, not enough sessions) with the probability behind it
 * from Student's t. Every session counts, not the first and last alone.
 * Rule and numbers: docs/report-schema.md, "Trend JSON".
 */
#include <math.h>
#include <string.h>

#include "trend_internal.h"

/*
 * Continued fraction of the regularized incomplete beta function I_x(a,b)
 * (modified Lentz), valid for x < (a + 1) / (a + b + 2); the caller uses
 * the symmetry I_x(a,b) = 1 - I_{1-x}(b,a) otherwise.
 */
static double beta_cf(double a, double b, double x)
{
    const double tiny = 1e-300;
    double qab = a + b, qap = a + 1.0, qam = a - 1.0;
    double c = 1.0, d = 1.0 - qab * x / qap;
    if (fabs(d) < tiny)
        d = tiny;
    d = 1.0 / d;
    double h = d;
    for (int m = 1; m <= 200; m++) {
        int m2 = 2 * m;
        double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        d = fabs(d) < tiny ? tiny : d;
        c = 1.0 + aa / c;
        c = fabs(c) < tiny ? tiny : c;
        d = 1.0 / d;
        h *= d * c;
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        d = fabs(d) < tiny ? tiny : d;
        c = 1.0 + aa / c;
        c = fabs(c) < tiny ? tiny : c;
        d = 1.0 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1.0) < 1e-12)
            break;
    }
    return h;
}

static double beta_inc(double a, double b, double x)
{
    if (x <= 0.0)
        return 0.0;
    if (x >= 1.0)
        return 1.0;
    double lbt = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) +
                 b * log1p(-x);
    if (x < (a + 1.0) / (a + b + 2.0))
        return exp(lbt) * beta_cf(a, b, x) / a;
    return 1.0 - exp(lbt) * beta_cf(b, a, 1.0 - x) / b;
}

double rm_trend_t_cdf(double t, double dof)
{
    if (!isfinite(t))
        return t > 0 ? 1.0 : 0.0;
    double tail = 0.5 * beta_inc(dof / 2.0, 0.5, dof / (dof + t * t));
    return t > 0 ? 1.0 - tail : tail;
}

void rm_trend_fit(const double *t_d, const double *y, size_t n,
                  struct trend_fit *f)
{
    memset(f, 0, sizeof *f);
    f->slope = f->slope_se = f->change = f->change_se = NAN;
    f->first_fit = f->last_fit = f->mean = NAN;
    f->confidence = NAN;
    f->verdict = TREND_NOT_ENOUGH;
    double st = 0.0, sy = 0.0, lo = INFINITY, hi = -INFINITY;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(t_d[i]) && isfinite(y[i])) {
            st += t_d[i];
            sy += y[i];
            lo = fmin(lo, t_d[i]);
            hi = fmax(hi, t_d[i]);
            k++;
        }
    f->n = k;
    if (k == 0)
        return;
    double mt = st / (double)k, my = sy / (double)k;
    f->mean = my;
    f->span_d = hi - lo;
    /* Fewer sessions than the minimum, or all on one day: no line. */
    if (k < TREND_MIN_SESSIONS || f->span_d < TREND_MIN_SPAN_D)
        return;
    double sxx = 0.0, sxy = 0.0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(t_d[i]) && isfinite(y[i])) {
            sxx += (t_d[i] - mt) * (t_d[i] - mt);
            sxy += (t_d[i] - mt) * (y[i] - my);
        }
    double b = sxy / sxx, a = my - b * mt, ssr = 0.0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(t_d[i]) && isfinite(y[i])) {
            double r = y[i] - (a + b * t_d[i]);
            ssr += r * r;
        }
    double dof = (double)k - 2.0;
    /* Residuals of three or four sessions can line up by chance: the
     * scatter is never taken below what a steady spot shows from day to
     * day (TREND_NOISE_FLOOR). */
    double s = sqrt(ssr / dof);
    if (s < TREND_NOISE_FLOOR)
        s = TREND_NOISE_FLOOR;
    f->slope = b;
    f->slope_se = s / sqrt(sxx);
    f->change = b * f->span_d;
    f->change_se = f->slope_se * f->span_d;
    f->first_fit = a + b * lo;
    f->last_fit = a + b * hi;

    /* The change over the span, Delta ~ change + change_se x t(dof):
     * probabilities that it is below -m, inside +-m, above +m. */
    double m = TREND_MIN_CHANGE;
    double p_down = rm_trend_t_cdf((-m - f->change) / f->change_se, dof);
    double p_up = 1.0 - rm_trend_t_cdf((m - f->change) / f->change_se, dof);
    double p_flat = 1.0 - p_down - p_up;
    if (p_down >= TREND_DECIDE) {
        f->verdict = TREND_FADING;
        f->confidence = p_down;
    } else if (p_up >= TREND_DECIDE) {
        f->verdict = TREND_GROWING;
        f->confidence = p_up;
    } else if (p_flat >= TREND_DECIDE) {
        f->verdict = TREND_STEADY;
        f->confidence = p_flat;
    } else {
        /* None is likely enough: say so, with the likeliest's share. */
        f->verdict = TREND_UNCERTAIN;
        f->confidence = fmax(p_flat, fmax(p_down, p_up));
    }
}
