/*
 * Alignment: from encoder distance within each contact stretch to a place
 * on the calf. Fits the footprint width-vs-distance profiles to the
 * anatomical width shape (narrow at the Achilles, widest over the
 * gastrocnemius bellies, narrower below the knee) for orientation, length
 * and each stretch's offset, then corrects each stretch against the
 * session's own profile by normalised cross-correlation. Runs at finish
 * and, for the live view's provisional places, when a stretch ends.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "engine_internal.h"

/*
 * Template footprint width across the calf, relative to the widest:
 * ~4 cm along the Achilles tendon (its free part, the lowest ~10 % of the
 * calf, is about as wide all along), widening over the muscle to ~11 cm
 * at the gastrocnemius bellies (65-75 % of the length: 70 %), ~9 cm just
 * below the knee (brief, anatomy); raised-cosine between.
 * Example: x = 0.05 -> 0.364, x = 0.7 -> 1, x = 1 -> 0.818.
 */
#define T_ANKLE (4.0 / 11.0)
#define T_KNEE (9.0 / 11.0)
#define T_TENDON_END 0.10
#define T_WIDEST 0.70

double rm_align_template(double x)
{
    if (x <= T_TENDON_END)
        return T_ANKLE;
    if (x >= 1.0)
        return T_KNEE;
    if (x < T_WIDEST)
        return T_ANKLE + (1.0 - T_ANKLE) * 0.5 *
                             (1.0 - cos(M_PI * (x - T_TENDON_END) /
                                        (T_WIDEST - T_TENDON_END)));
    return 1.0 - (1.0 - T_KNEE) * 0.5 *
                     (1.0 - cos(M_PI * (x - T_WIDEST) / (1.0 - T_WIDEST)));
}

/* Search ranges: calves are 28-40 cm (brief); encoder cm run a few %
 * long under foam compression, so search a wider 22-48. */
#define L_MIN_CM 22.0
#define L_MAX_CM 48.0
#define L_STEP_CM 0.5
/* Lengths searched, (L_MAX_CM - L_MIN_CM) / L_STEP_CM + 1 (change it with
 * them): L_MIN_CM + l * L_STEP_CM, l = 0..N_LEN-1. */
#define N_LEN 53
/* Offsets are tried on the profile bins' own grid (0.5 cm): every bin of
 * every tried offset then falls on one grid of calf places per length,
 * so the template is evaluated once per length, not once per bin and
 * offset. */
#define A_STEP_CM RM_BIN_CM
#define END_SLACK RM_ALIGN_END_SLACK
/* Template table entries: the calf grid at A_STEP_CM over [-slack,
 * 1 + slack] of the length, plus one entry beyond each end (parabolic
 * refinement looks one step outside the searched offsets). 48 cm:
 * floor(1.06 x 48 / 0.5) + 3 = 104 entries. */
#define TMPL_CAP 128
/* The grid loop scores TMPL_PAD offsets at a time (independent sums the
 * compiler can put in vector registers; the loop body is written out for
 * 4); extra ones are ignored. */
#define TMPL_PAD 4
/* Template table: cos() evaluated afresh every this many entries. */
#define TMPL_ANCHOR 16
/* Cross-correlation refinement looks this far either side (cm). */
#define XC_SEARCH_CM 4.0
/* Stretches voting on orientation and length. */
#define VOTERS 12
/* The rolled extent replaces the voted length when they differ by more
 * than this (cm): people turn within about 1 cm of the calf's ends. */
#define RELENGTH_CM 1.0

/* Bin centre of bin b, encoder cm relative to the stretch's enc0. */
static double bin_e(int b)
{
    return ((double)(b - RM_SBIN0) + 0.5) * RM_BIN_CM;
}

static double stretch_span(const rm_stretch *s)
{
    if (!s->wsum || s->bmax < s->bmin)
        return 0.0;
    return (double)(s->bmax - s->bmin + 1) * RM_BIN_CM;
}

/*
 * The template on the calf grid of one length: entry k is the calf place
 * x_k = -END_SLACK * len + (k - 1) * A_STEP_CM; entries 1..k_in lie on
 * the calf (with its slack), entries 0 and k_in + 1 just beyond.
 * Example: len 40 cm -> x_1 = -1.2 cm, k_in = floor(42.4 / 0.5) + 1 = 85
 * (x_85 = 40.8 cm), 87 entries.
 */
typedef struct fit_tmpl {
    double len_cm;
    int k_in;                 /* last entry on the calf; 0: none */
    /* template width and its square, 0 beyond the calf; TMPL_PAD zero
     * entries past the end let the grid loop run in whole groups */
    double t[TMPL_CAP + TMPL_PAD];
    double t2[TMPL_CAP + TMPL_PAD];
    unsigned char in[TMPL_CAP];
} fit_tmpl;

static void tmpl_build(fit_tmpl *T, double len)
{
    memset(T, 0, sizeof *T);
    T->len_cm = len;
    if (!(len > 0))
        return;
    double k_in = floor((1.0 + 2.0 * END_SLACK) * len / A_STEP_CM + 1e-6);
    if (!(k_in + 3.0 <= (double)TMPL_CAP))
        return; /* longer than any calf searched: nothing fits */
    T->k_in = (int)k_in + 1;
    /* rm_align_template() on an even grid: within each raised-cosine
     * segment the cosine's phase grows by the same step from entry to
     * entry, so it is rotated on (re-anchored every TMPL_ANCHOR entries
     * to keep the rounding near 1e-15) instead of calling cos() ~100
     * times per length. */
    int seg_prev = -1;
    double c = 1.0, s = 0.0, cd = 1.0, sd = 0.0;
    for (int k = 1; k <= T->k_in; k++) {
        double r = (-END_SLACK * len + (double)(k - 1) * A_STEP_CM) / len;
        double t;
        if (r <= T_TENDON_END || r >= 1.0) {
            t = rm_align_template(r);
            seg_prev = -1;
        } else {
            int seg = r < T_WIDEST;
            double x_lo = seg ? T_TENDON_END : T_WIDEST;
            double w = seg ? T_WIDEST - T_TENDON_END : 1.0 - T_WIDEST;
            if (seg != seg_prev || (k % TMPL_ANCHOR) == 0) {
                double th = M_PI * (r - x_lo) / w;
                c = cos(th);
                s = sin(th);
                if (seg != seg_prev) {
                    double d = M_PI * (A_STEP_CM / len) / w;
                    cd = cos(d);
                    sd = sin(d);
                }
                seg_prev = seg;
            } else {
                double c1 = c * cd - s * sd;
                s = s * cd + c * sd;
                c = c1;
            }
            t = seg ? T_ANKLE + (1.0 - T_ANKLE) * 0.5 * (1.0 - c)
                    : 1.0 - (1.0 - T_KNEE) * 0.5 * (1.0 - c);
        }
        T->t[k] = t;
        T->t2[k] = t * t;
        T->in[k] = 1;
    }
}

/*
 * The templates of the N_LEN searched lengths, built once per process on
 * first use and only read after (pthread_once: engines on other threads
 * wait for the one building it, then share it). A template depends on
 * its length alone, so every engine's fits read the same numbers they
 * built for themselves before; building them per engine was 8 % of the
 * engine fuzz target's instructions (docs/robustness.md). 118 kB, in the
 * library's only process-wide table (docs/api.md, "Threads").
 */
static fit_tmpl grid_tmpls[N_LEN];
static pthread_once_t grid_tmpls_once = PTHREAD_ONCE_INIT;

static void grid_tmpls_build(void)
{
    for (int l = 0; l < N_LEN; l++)
        tmpl_build(&grid_tmpls[l], L_MIN_CM + l * L_STEP_CM);
}

/* The template of length len: the shared table's when len is one of the
 * searched lengths (exactly: the vote's L_MIN_CM + l * L_STEP_CM, or a
 * length rounded to that grid), else built into *scratch. The same
 * tmpl_build() either way. */
static const fit_tmpl *tmpl_get(double len, fit_tmpl *scratch)
{
    double l = (len - L_MIN_CM) / L_STEP_CM;
    if (l >= 0.0 && l < (double)N_LEN) {
        int i = (int)l;
        if (L_MIN_CM + i * L_STEP_CM == len) {
            pthread_once(&grid_tmpls_once, grid_tmpls_build);
            return &grid_tmpls[i];
        }
    }
    tmpl_build(scratch, len);
    return scratch;
}

/*
 * A voter's costs, kept between fits. The live view refits at every
 * stretch end on all stretches so far; the voters are mostly the same
 * finished stretches each time, and a finished stretch's profile never
 * changes, so its best_offset() cost for each (direction, length) is the
 * same double every time: it is computed once and looked up after. A
 * slot is recognised by the profile itself (bin range, widths and tick
 * counts, bit for bit), not by the stretch's index or address, so a
 * slot can never answer for other numbers (an engine that starts over,
 * a freed stretch whose memory is reused).
 */
typedef struct voter_costs {
    int used;                      /* holds a profile */
    int bmin, bmax;
    float wsum[RM_SBINS], n[RM_SBINS]; /* bins bmin..bmax */
    unsigned char have[2][N_LEN];  /* [dir > 0][length]: cost computed */
    double cost[2][N_LEN];
} voter_costs;

/* One owner, one thread at a time (the engine: rm_engine_tmpls). VOTERS
 * slots: a fit's voters always find one (slots not voting in this fit
 * are the ones replaced). ~30 kB. */
struct rm_align_tmpls {
    voter_costs v[VOTERS];
    unsigned long scored;          /* costs computed (unit tests) */
};

rm_align_tmpls *rm_align_tmpls_new(void)
{
    /* Not zeroed (30 kB, most never read): a slot's profile and costs
     * are written when it is taken. */
    rm_align_tmpls *c = rm_realloc_array(NULL, 1, sizeof *c);
    if (c) {
        for (int k = 0; k < VOTERS; k++)
            c->v[k].used = 0;
        c->scored = 0;
    }
    return c;
}

void rm_align_tmpls_free(rm_align_tmpls *c)
{
    rm_free(c);
}

unsigned long rm_align_tmpls_scored(const rm_align_tmpls *c)
{
    return c ? c->scored : 0;
}

/* Whether slot v holds stretch s's profile, bit for bit. */
static int costs_match(const voter_costs *v, const rm_stretch *s)
{
    if (!v->used || v->bmin != s->bmin || v->bmax != s->bmax)
        return 0;
    size_t nb = (size_t)(s->bmax - s->bmin + 1);
    return memcmp(v->wsum, s->wsum, nb * sizeof *s->wsum) == 0 &&
           memcmp(v->n, s->n, nb * sizeof *s->n) == 0;
}

/* Whether s's costs can be kept: a profile of at most RM_SBINS bins. */
static int costs_keepable(const rm_stretch *s)
{
    return s->wsum && s->n && s->bmax >= s->bmin &&
           s->bmax - s->bmin + 1 <= RM_SBINS;
}

/* Slot v now holds s's profile, no costs yet. */
static void costs_take(voter_costs *v, const rm_stretch *s)
{
    size_t nb = (size_t)(s->bmax - s->bmin + 1);
    v->used = 1;
    v->bmin = s->bmin;
    v->bmax = s->bmax;
    memcpy(v->wsum, s->wsum, nb * sizeof *s->wsum);
    memcpy(v->n, s->n, nb * sizeof *s->n);
    memset(v->have, 0, sizeof v->have);
}

/* Each voter's slot in c (kept[j], NULL when its costs cannot be kept):
 * first the slots already holding a voter's profile, then free ones (or
 * ones no voter of this fit holds) for the rest. */
static void costs_assign(rm_align_tmpls *c, const rm_stretch *st,
                         const size_t *voters, size_t n_vote,
                         voter_costs **kept)
{
    unsigned char taken[VOTERS] = { 0 };
    for (size_t j = 0; j < n_vote; j++) {
        kept[j] = NULL;
        if (!c || !costs_keepable(&st[voters[j]]))
            continue;
        for (int k = 0; k < VOTERS && !kept[j]; k++)
            if (!taken[k] && costs_match(&c->v[k], &st[voters[j]])) {
                taken[k] = 1;
                kept[j] = &c->v[k];
            }
    }
    for (size_t j = 0; j < n_vote; j++) {
        if (kept[j] || !c || !costs_keepable(&st[voters[j]]))
            continue;
        for (int k = 0; k < VOTERS && !kept[j]; k++)
            if (!taken[k]) {
                taken[k] = 1;
                kept[j] = &c->v[k];
                costs_take(kept[j], &st[voters[j]]);
            }
    }
}

/*
 * One stretch's width profile as the fit reads it, in calf order for one
 * encoder direction (dir > 0: bin bmin first): per bin its tick count n,
 * n * m and n * m^2, m the bin's mean width (mm); empty bins weigh 0.
 */
typedef struct fit_prof {
    int nb;                   /* bins, bmax - bmin + 1; 0: nothing to fit */
    double e_lo, e_hi;        /* encoder cm of the first and last bin */
    double w_all, smm;        /* sums of n and of n m^2 over the stretch */
    double n[RM_SBINS], nm[RM_SBINS], nmm[RM_SBINS];
} fit_prof;

static void prof_build(fit_prof *p, const rm_stretch *s, int dir)
{
    p->nb = 0;
    p->w_all = p->smm = 0.0;
    if (!s->wsum || !s->n || s->bmax < s->bmin ||
        s->bmax - s->bmin + 1 > RM_SBINS)
        return;
    p->nb = s->bmax - s->bmin + 1;
    p->e_lo = bin_e(s->bmin);
    p->e_hi = bin_e(s->bmax);
    for (int b = s->bmin; b <= s->bmax; b++) {
        int j = dir > 0 ? b - s->bmin : s->bmax - b;
        double n = s->n[b - s->bmin];
        double m = n > 0 ? s->wsum[b - s->bmin] / n : 0.0;
        if (!(n > 0))
            n = 0.0;
        p->n[j] = n;
        p->nm[j] = n * m;
        p->nmm[j] = n * m * m;
        p->w_all += n;
        p->smm += n * m * m;
    }
}

/* Offsets tried for a profile: i = 0..n_a-1, offset lo + i * A_STEP_CM
 * puts its calf-order bin j on template entry i + j + 1. */
static int offsets(const fit_prof *p, int dir, const fit_tmpl *T, double *lo)
{
    *lo = dir > 0 ? -END_SLACK * T->len_cm - p->e_lo
                  : -END_SLACK * T->len_cm + p->e_hi;
    return T->k_in - p->nb + 1;
}

/*
 * Weighted least squares of the stretch's mean widths against gain x
 * template at offset i (any i from -1 to n_a), gain fitted in closed
 * form. Bins placed past the calf ends cost as if the width were wrong
 * by half.
 */
static double cost_at(const fit_prof *p, const fit_tmpl *T, int i,
                      double *gain)
{
    double smt = 0, stt = 0, smm = 0, w_out = 0;
    for (int j = 0; j < p->nb; j++) {
        int k = i + j + 1;
        double n = p->n[j];
        if (k < 0 || k >= TMPL_CAP || !T->in[k]) {
            w_out += n;
            continue;
        }
        double t = T->t[k];
        smt += p->nm[j] * t;
        stt += n * t * t;
        smm += p->nmm[j];
    }
    if (p->w_all <= 0)
        return INFINITY;
    double g = stt > 0 ? smt / stt : 0.0;
    if (gain)
        *gain = g;
    double sse = smm - g * smt; /* sum n (m - g t)^2 at the optimum g */
    double mean_sq = (smm + 1e-9) / (p->w_all - w_out + 1e-9);
    return sse + w_out * 0.25 * mean_sq;
}

/*
 * Best offset of one stretch for (dir, len) into *a_out (NULL: the cost
 * alone), and its gain into *g_out (NULL: not wanted); returns its cost,
 * INFINITY if it cannot fit.
 * Every searched offset keeps the whole stretch on the calf, so the grid
 * is two correlations of the profile with the template table (bin by
 * bin, each offset's sums in the same order); the parabola through the
 * grid minimum and its neighbours refines it.
 */
static double best_offset(const fit_prof *p, int dir, const fit_tmpl *T,
                          double *a_out, double *g_out)
{
    double lo;
    int n_a = offsets(p, dir, T, &lo);
    if (p->nb <= 0 || p->w_all <= 0 || n_a < 1 || T->k_in <= 0)
        return INFINITY;
    /* n_a + nb <= k_in + 1 < TMPL_CAP: every entry read below exists
     * (those past k_in are zero and only feed the ignored offsets). */
    double smt[TMPL_CAP + TMPL_PAD], stt[TMPL_CAP + TMPL_PAD];
    int n_grp = (n_a + TMPL_PAD - 1) / TMPL_PAD * TMPL_PAD;
    /* The bins with ticks (empty ones add nothing). */
    int jj[RM_SBINS], n_j = 0;
    for (int j = 0; j < p->nb; j++)
        if (p->n[j] > 0)
            jj[n_j++] = j;
    /* Four offsets at a time, their sums in registers over the bins in
     * calf order: the same additions in the same order as summing bin by
     * bin into smt[] and stt[], without storing the sums at every bin. */
    for (int i = 0; i < n_grp; i += TMPL_PAD) {
        double m0 = 0.0, m1 = 0.0, m2 = 0.0, m3 = 0.0;
        double q0 = 0.0, q1 = 0.0, q2 = 0.0, q3 = 0.0;
        for (int k = 0; k < n_j; k++) {
            int j = jj[k];
            double nm = p->nm[j], n = p->n[j];
            const double *t = T->t + j + 1 + i, *t2 = T->t2 + j + 1 + i;
            m0 += nm * t[0];
            m1 += nm * t[1];
            m2 += nm * t[2];
            m3 += nm * t[3];
            q0 += n * t2[0];
            q1 += n * t2[1];
            q2 += n * t2[2];
            q3 += n * t2[3];
        }
        smt[i] = m0;
        smt[i + 1] = m1;
        smt[i + 2] = m2;
        smt[i + 3] = m3;
        stt[i] = q0;
        stt[i + 1] = q1;
        stt[i + 2] = q2;
        stt[i + 3] = q3;
    }
    /* No bin of a searched offset lies off the calf: no penalty term. */
    for (int i = 0; i < n_a; i++) {
        double g = stt[i] > 0 ? smt[i] / stt[i] : 0.0;
        smt[i] = p->smm - g * smt[i]; /* now the cost */
        stt[i] = g;                   /* and the gain */
    }
    double best = INFINITY, best_g = 0;
    int best_i = 0;
    for (int i = 0; i < n_a; i++)
        if (smt[i] < best) {
            best = smt[i];
            best_i = i;
            best_g = stt[i];
        }
    if (g_out)
        *g_out = best_g;
    if (!a_out)
        return best; /* the vote needs the cost alone */
    double best_a = lo + (double)best_i * A_STEP_CM;
    /* Parabolic refinement around the grid minimum; beyond the grid's
     * ends the neighbour has bins off the calf and is scored apart. */
    double cm = best_i > 0 ? smt[best_i - 1] : cost_at(p, T, best_i - 1, NULL);
    double cp = best_i + 1 < n_a ? smt[best_i + 1]
                                 : cost_at(p, T, best_i + 1, NULL);
    best_a += rm_vertex_offset(cm, best, cp, 0, 1.0) * A_STEP_CM;
    *a_out = best_a;
    return best;
}

static void stretch_views(rm_stretch *st, size_t n_st, const double *gains,
                          rm_pview *v)
{
    for (size_t k = 0; k < n_st; k++) {
        v[k].bmin = st[k].bmin;
        v[k].bmax = st[k].bmax;
        v[k].wsum = st[k].wsum;
        v[k].n = st[k].n;
        v[k].gain = gains[k];
        v[k].offset_cm = &st[k].offset_cm;
        v[k].placed = &st[k].placed;
    }
}

/* Every stretch of at least place_span_cm placed on the template at
 * out->length_cm, then refined on the others (twice); out->gain set. */
static rm_status place_all(rm_stretch *st, size_t n_st, double place_span_cm,
                           rm_align *out)
{
    for (size_t k = 0; k < n_st; k++)
        st[k].placed = 0;
    double *gains = rm_calloc(n_st ? n_st : 1, sizeof *gains);
    if (!gains)
        return RM_ERR_NOMEM;
    /* On the stack (~7 kB), as in rm_align_place_one(): allocating and
     * clearing them cost more than the placing at every live refit. */
    fit_prof pp;
    fit_tmpl scratch;
    const fit_tmpl *T = tmpl_get(out->length_cm, &scratch);
    double gsum = 0, gw = 0;
    for (size_t k = 0; k < n_st; k++) {
        rm_stretch *s = &st[k];
        if (stretch_span(s) < place_span_cm)
            continue;
        double a, g;
        prof_build(&pp, s, out->dir);
        s->fit_cost = best_offset(&pp, out->dir, T, &a, &g);
        if (!isfinite(s->fit_cost) || g <= 0)
            continue;
        s->placed = 1;
        s->offset_cm = a;
        gains[k] = g;
        gsum += g * stretch_span(s);
        gw += stretch_span(s);
    }
    out->gain = gw > 0 ? gsum / gw : 0;
    for (size_t k = 0; k < n_st; k++)
        st[k].gain = gains[k];
    rm_pview *v = rm_calloc(n_st, sizeof *v);
    rm_status rc = v ? RM_OK : RM_ERR_NOMEM;
    if (v) {
        stretch_views(st, n_st, gains, v);
        rc = rm_align_refine(v, n_st, v, n_st, out, XC_SEARCH_CM);
        if (rc == RM_OK)
            rc = rm_align_refine(v, n_st, v, n_st, out, XC_SEARCH_CM);
    }
    rm_free(v);
    rm_free(gains);
    return rc;
}

/* The stretches long enough to show the shape, at most VOTERS of the
 * longest (an hour's session has hundreds; a dozen settle the shape).
 * Returns how many (indices in voters). */
static size_t pick_voters(const rm_stretch *st, size_t n_st,
                          double min_span_cm, size_t *voters)
{
    size_t n_vote = 0;
    for (size_t k = 0; k < n_st; k++) {
        double span = stretch_span(&st[k]);
        if (span < min_span_cm)
            continue;
        if (n_vote < VOTERS) {
            voters[n_vote++] = k;
            continue;
        }
        size_t shortest = 0;
        for (size_t j = 1; j < n_vote; j++)
            if (stretch_span(&st[voters[j]]) <
                stretch_span(&st[voters[shortest]]))
                shortest = j;
        if (span > stretch_span(&st[voters[shortest]]))
            voters[shortest] = k;
    }
    return n_vote;
}

/* The voters of one fit: their stretches, kept costs and profiles. */
typedef struct vote {
    const rm_stretch *st;
    const size_t *voters;
    voter_costs *kept[VOTERS];   /* NULL: not kept, computed every time */
    rm_align_tmpls *c;
    fit_prof *vp;                /* [2 j + (dir > 0)], built when needed */
    unsigned char built[2 * VOTERS];
} vote;

/* Voter j's best_offset() cost for (dir, length l): the kept one, or
 * computed (and kept). */
static double voter_cost(vote *v, size_t j, int dir, int l)
{
    int d = dir > 0;
    voter_costs *kc = v->kept[j];
    if (kc && kc->have[d][l])
        return kc->cost[d][l];
    fit_prof *p = &v->vp[2 * j + (size_t)d];
    if (!v->built[2 * j + (size_t)d]) {
        prof_build(p, &v->st[v->voters[j]], dir);
        v->built[2 * j + (size_t)d] = 1;
    }
    fit_tmpl scratch; /* unused: every length searched is in the table */
    double cost = best_offset(p, dir,
                              tmpl_get(L_MIN_CM + l * L_STEP_CM, &scratch),
                              NULL, NULL);
    if (kc) {
        kc->cost[d][l] = cost;
        kc->have[d][l] = 1;
        v->c->scored++;
    }
    return cost;
}

/* Orientation and length: each voter takes its best offset for every
 * candidate; the pair with the least total cost wins (*dir 0: none). */
static rm_status vote_shape(rm_align_tmpls *c, const rm_stretch *st,
                            const size_t *voters, size_t n_vote, int *dir_out,
                            double *len_out)
{
    vote v = { .st = st, .voters = voters, .c = c };
    /* Not zeroed: prof_build() writes every bin best_offset() reads. */
    v.vp = rm_realloc_array(NULL, 2 * n_vote, sizeof *v.vp);
    if (!v.vp)
        return RM_ERR_NOMEM;
    costs_assign(c, st, voters, n_vote, v.kept);
    double best = INFINITY;
    *dir_out = 0;
    *len_out = 0;
    for (int dir = -1; dir <= 1; dir += 2) {
        for (int l = 0; l < N_LEN; l++) {
            /* Costs are sums of squares (>= 0): once the total passes
             * the best so far, the remaining voters cannot bring it
             * back, so they are not scored. */
            double total = 0;
            for (size_t j = 0; j < n_vote && total < best; j++)
                total += voter_cost(&v, j, dir, l);
            if (total < best) {
                best = total;
                *dir_out = dir;
                *len_out = L_MIN_CM + l * L_STEP_CM;
            }
        }
    }
    rm_free(v.vp);
    if (!isfinite(best))
        *dir_out = 0;
    return RM_OK;
}

/*
 * The length the template vote picks is often several cm long: a longer
 * template gives every voter more room for its offset, and a flat tendon
 * and knee let the shape stretch at little cost. The stretches' places
 * relative to each other come out far better than that length
 * (docs/engine.md, tuning log), so the rolled extent of the placed
 * anchors (placement.c) becomes the calf. People roll end to end
 * (brief), so the extent is the better length: when it differs by more
 * than the ~1 cm band people turn in, every stretch is placed again on
 * the template of that length. The offsets then read the shape at its
 * true scale, and the anchors (placement.c: the stretches that rolled
 * most of this length) are found.
 * Example: vote 44.5 cm, placed stretches reach 1.2-33.0 cm: extent
 * 32.3 cm (bin edges), placed again at 32.5 cm.
 */
static rm_status relength(rm_stretch *st, size_t n_st, double place_span_cm,
                          rm_align *out)
{
    rm_pview *v = rm_calloc(n_st, sizeof *v);
    double *gains = rm_calloc(n_st, sizeof *gains);
    if (!v || !gains) {
        rm_free(v);
        rm_free(gains);
        return RM_ERR_NOMEM;
    }
    for (size_t k = 0; k < n_st; k++)
        gains[k] = st[k].gain;
    stretch_views(st, n_st, gains, v);
    rm_align ext = *out;
    rm_align_ends(v, n_st, 0.0, &ext);
    rm_free(v);
    rm_free(gains);
    double len = floor(ext.length_cm / L_STEP_CM + 0.5) * L_STEP_CM;
    if (len >= L_MIN_CM && len <= L_MAX_CM &&
        fabs(len - out->length_cm) > RELENGTH_CM) {
        out->length_cm = len;
        return place_all(st, n_st, place_span_cm, out);
    }
    return RM_OK;
}

rm_status rm_align_fit(rm_align_tmpls *c, rm_stretch *st, size_t n_st,
                       double min_span_cm, double place_span_cm,
                       rm_align *out)
{
    memset(out, 0, sizeof *out);
    out->dir = 1;
    for (size_t k = 0; k < n_st; k++)
        st[k].placed = 0;
    size_t voters[VOTERS];
    size_t n_vote = pick_voters(st, n_st, min_span_cm, voters);
    if (n_vote == 0)
        return RM_OK;
    int dir;
    double len;
    rm_status rc = vote_shape(c, st, voters, n_vote, &dir, &len);
    if (rc != RM_OK || dir == 0)
        return rc;
    out->found = 1;
    out->dir = dir;
    out->length_cm = len;
    rc = place_all(st, n_st, place_span_cm, out);
    if (rc != RM_OK)
        return rc;
    return relength(st, n_st, place_span_cm, out);
}

/*
 * The calf's ends. The width shape tells which end is the ankle and how
 * stretches sit relative to each other, but where the tendon widens into
 * muscle and where the bellies peak vary by +-5 % of the length between
 * people (+-2 cm): too loose for absolute places. People roll from just
 * above the heel to just below the knee crease (brief), so the farthest
 * the contact reached toward each end, over every placed stretch, plus
 * end_margin_cm, is the calf. Bins need MIN_END_TICKS ticks so a single
 * stray tick does not move an end.
 * Example: rolled from 1.1 to 37.3 cm of the provisional frame with a
 * 0.75 cm margin -> ankle at 0.35, length 37.7 cm.
 */
#define MIN_END_TICKS 2.0

double rm_align_ends(const rm_pview *v, size_t n, double margin_cm,
                     rm_align *al)
{
    if (!al->found)
        return 0.0;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t k = 0; k < n; k++) {
        if (!*v[k].placed)
            continue;
        for (int b = v[k].bmin; b <= v[k].bmax; b++) {
            if (v[k].n[b - v[k].bmin] < MIN_END_TICKS)
                continue;
            double x = *v[k].offset_cm + al->dir * bin_e(b);
            if (x < lo)
                lo = x;
            if (x > hi)
                hi = x;
        }
    }
    if (!isfinite(lo) || !isfinite(hi))
        return 0.0;
    /* Bin centres: the contact reached half a bin further. */
    lo -= 0.5 * RM_BIN_CM + margin_cm;
    hi += 0.5 * RM_BIN_CM + margin_cm;
    al->length_cm = hi - lo;
    return -lo;
}

double rm_align_pos(const rm_align *a, const rm_stretch *s, double enc_cm)
{
    if (!a->found || !s || !s->placed)
        return NAN;
    rm_calf_pos m = { s->offset_cm, 1.0, s->enc0_cm };
    return rm_calf_x(&m, a->dir, enc_cm);
}

rm_status rm_align_place_one(rm_align_tmpls *c, const rm_stretch *s,
                             const rm_align *al, double *offset_cm)
{
    (void)c; /* the templates are the process's (tmpl_get) */
    *offset_cm = NAN;
    if (!al->found || !s->wsum || s->bmax < s->bmin)
        return RM_OK;
    /* On the stack (~7 kB): this runs every few seconds of contact while
     * streaming, where an allocation and its zeroing cost as much as the
     * fit itself. */
    fit_prof p;
    fit_tmpl scratch;
    prof_build(&p, s, al->dir);
    const fit_tmpl *T = tmpl_get(al->length_cm, &scratch);
    double a;
    double cost = best_offset(&p, al->dir, T, &a, NULL);
    if (isfinite(cost))
        *offset_cm = a;
    return RM_OK;
}
