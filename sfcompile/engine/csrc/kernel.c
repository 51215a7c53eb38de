/* The SF kernel (see kernel.h for what it computes and how the program is laid out). */
#include "kernel.h"
#include "functions.h"

#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__) || defined(__clang__)
#define RESTRICT __restrict__
#else
#define RESTRICT
#endif

/* The row loops also in an AVX2 version, chosen when the process starts on a processor that has
 * it. Both versions do the same IEEE operations on each element (no reductions, no contraction:
 * -ffp-contract=off), so the results are the same bits. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__linux__)
#define VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define VECTOR_CLONES
#endif

/* Per triplet and triple t: the product P = R(r_ij) R(r_ik) [Q(r_jk)] and what the
 * derivative coefficients need of it:
 *   α_j = (∂P/∂r_ij)/r_ij + (∂P/∂r_jk)/r_jk,  α_k = (∂P/∂r_ik)/r_ik + (∂P/∂r_jk)/r_jk,
 *   β_j = P cos θ / r_ij²,  β_k = P cos θ / r_ik²,  γ = P / (r_ij r_ik),  δ = (∂P/∂r_jk)/r_jk.
 * A term T = P·A(cos θ) then has dT/dr_j = c_jj v_ij + c_jk v_ik, dT/dr_k = c_jk v_ij + c_kk v_ik
 * with c_jj = A α_j − A' β_j, c_kk = A α_k − A' β_k, c_jk = A' γ − A δ (A' = dA/dcos θ). */
enum { T_VALUE, T_ALPHA_J, T_ALPHA_K, T_BETA_J, T_BETA_K, T_GAMMA, T_DELTA, TRIPLE_FIELDS };

/* Scratch memory of one call, sized by the largest centre, group and list. */
typedef struct {
    idx_t *members;           /* [max_nb]: the pairs of the centre within the group's cutoff */
    idx_t *slot;              /* [max_nb]: their slots (offset from the centre's first pair) */
    idx_t *wanted;            /* [max_nb]: whose gradient is asked for (see Centre.all_slots) */
    double *radial, *dradial; /* [max_nb][max_r] */
    double *jk, *djk;         /* [max_q] */
    double *angular, *dangular; /* [max_a] */
    double *triple;           /* [max_t][TRIPLE_FIELDS] */
    double *gathered;         /* [TRIPLE_FIELDS * max_t + 2 * max_a]: one list's vectors */
    double *cells;            /* [max_cells] */
    double *s;                /* [max_slots][max_cells] */
    double *v;                /* [max_slots][3][max_cells] */
    double *gradient;         /* [max_width][3] */
    double *self;             /* [max_width][3] */
    double *chain;            /* [max_width][P] */
} Scratch;

static void scratch_free(Scratch *w)
{
    free(w->members);
    free(w->slot);
    free(w->wanted);
    free(w->radial);
    free(w->dradial);
    free(w->jk);
    free(w->djk);
    free(w->angular);
    free(w->dangular);
    free(w->triple);
    free(w->gathered);
    free(w->cells);
    free(w->s);
    free(w->v);
    free(w->gradient);
    free(w->self);
    free(w->chain);
}

static idx_t max_span(const idx_t *start, idx_t n)
{
    idx_t best = 0, k;
    for (k = 0; k < n; k++)
        if (start[k + 1] - start[k] > best) best = start[k + 1] - start[k];
    return best;
}

static idx_t max_of(const idx_t *values, idx_t n)
{
    idx_t best = 0, k;
    for (k = 0; k < n; k++)
        if (values[k] > best) best = values[k];
    return best;
}

static void *allocate(size_t count, int *failed)
{
    void *memory = malloc(count * sizeof(double) + sizeof(double));
    if (!memory) *failed = 1;
    return memory;
}

static int scratch_make(Scratch *w, const Program *p, const Neighbours *nb, const Output *out)
{
    idx_t groups = p->element_group_start[p->n_elements];
    idx_t n_lists = groups * (p->n_species * (p->n_species + 1) / 2 + 1);
    idx_t max_r = max_span(p->group_radial_start, groups);
    idx_t max_q = max_span(p->group_jk_start, groups);
    idx_t max_a = max_span(p->group_angular_start, groups);
    idx_t max_t = max_span(p->group_triple_start, groups);
    idx_t max_list = max_span(p->list_triple_start, n_lists) + max_span(p->list_a_start, n_lists);
    idx_t max_width = max_of(p->element_width, p->n_elements);
    idx_t max_cells = max_of(p->element_cells, p->n_elements);
    idx_t max_nb = 0, k;
    int failed = 0;
    for (k = 0; k < out->n_centres; k++) {
        idx_t atom = out->centre_atom[k];
        idx_t n = nb->pair_start[atom + 1] - nb->pair_start[atom];
        if (n > max_nb) max_nb = n;
    }
    max_nb += 1;
    w->members = allocate((size_t)max_nb, &failed);
    w->slot = allocate((size_t)max_nb, &failed);
    w->wanted = allocate((size_t)max_nb, &failed);
    w->radial = allocate((size_t)(max_nb * (max_r + 1)), &failed);
    w->dradial = allocate((size_t)(max_nb * (max_r + 1)), &failed);
    w->jk = allocate((size_t)max_q, &failed);
    w->djk = allocate((size_t)max_q, &failed);
    w->angular = allocate((size_t)max_a, &failed);
    w->dangular = allocate((size_t)max_a, &failed);
    w->triple = allocate((size_t)(TRIPLE_FIELDS * max_t), &failed);
    w->gathered = allocate((size_t)(TRIPLE_FIELDS * max_list + 2 * max_list), &failed);
    w->cells = allocate((size_t)max_cells, &failed);
    if (out->rows) {
        w->s = allocate((size_t)(max_nb * max_cells), &failed);
        w->v = allocate((size_t)(3 * max_nb * max_cells), &failed);
        w->gradient = allocate((size_t)(3 * max_width), &failed);
        w->self = allocate((size_t)(3 * max_width), &failed);
        w->chain = allocate((size_t)(max_width * (out->powers + 1)), &failed);
    }
    return failed ? -1 : 0;
}

/* Index of the unordered species pair (s, t) in row-major upper-triangle order. */
static inline idx_t pair_index(idx_t s, idx_t t, idx_t n)
{
    if (s > t) {
        idx_t u = s;
        s = t;
        t = u;
    }
    return s * n - s * (s - 1) / 2 + (t - s);
}

typedef struct {
    const Program *p;
    const Neighbours *nb;
    Scratch *w;
    Tally *tally;
    idx_t cells;      /* of the centre's element */
    int derivatives;
    /* the centre's own row is asked for, so the gradient with respect to every neighbour is
     * needed (its own is minus their sum); otherwise only those of neighbours with a row */
    int all_slots;
} Centre;

/* R factors of every neighbour within the group's cutoff: value and d/dr. */
static void radial_table(const Program *p, idx_t g, const Cutoff *cut, const Neighbours *nb,
                         idx_t n, Scratch *w, int derivatives)
{
    idx_t first = p->group_radial_start[g], count = p->group_radial_start[g + 1] - first;
    idx_t a, f;
    for (a = 0; a < n; a++) {
        double r = nb->pair_r[w->members[a]], fc = 0.0, dfc = 0.0;
        double *value = w->radial + a * count, *derivative = w->dradial + a * count;
        int have_fc = 0;
        for (f = 0; f < count; f++) {
            idx_t id = first + f;
            if (p->radial_kind[id] == FACTOR_GAUSSIAN) {
                double d = r - p->radial_a[id], eta = p->radial_b[id], e;
                if (!have_fc) {
                    cutoff_eval(cut, r, &fc, derivatives ? &dfc : NULL);
                    have_fc = 1;
                }
                e = exp((d * -eta) * d);
                value[f] = e * fc;
                derivative[f] = derivatives ? e * (dfc - 2.0 * eta * d * fc) : 0.0;
            } else {
                Window win = window_make((int)p->radial_core[id], p->radial_a[id],
                                         p->radial_b[id]);
                window_eval(&win, r, value + f, derivative + f);
            }
        }
    }
}

/* Radial lists: a row of cells (one per R factor of the group) per neighbour. */
static void radial_terms(Centre *c, idx_t g, idx_t n)
{
    const Program *p = c->p;
    Scratch *w = c->w;
    idx_t count = p->group_radial_start[g + 1] - p->group_radial_start[g];
    idx_t lists = p->n_species + 1, a, f, which;
    for (a = 0; a < n; a++) {
        idx_t j = c->nb->pair_j[w->members[a]];
        const double *RESTRICT value = w->radial + a * count;
        const double *RESTRICT derivative = w->dradial + a * count;
        double inverse_r = 1.0 / c->nb->pair_r[w->members[a]];
        for (which = 0; which < 2; which++) {
            idx_t code = which ? p->n_species : c->nb->species[j];
            idx_t first = p->radial_cell[g * lists + code];
            double z = which ? c->nb->z[j] : 1.0;
            double *RESTRICT cells = w->cells + first;
            if (first < 0) continue;
            for (f = 0; f < count; f++) cells[f] += z * value[f];
            if (c->derivatives && w->wanted[a]) {
                double *RESTRICT s = w->s + w->slot[a] * c->cells + first;
                double scale = z * inverse_r;
                for (f = 0; f < count; f++) s[f] += scale * derivative[f];
            }
        }
    }
}

/* Geometry of a triplet (i; j, k). */
typedef struct {
    double vij[3], vik[3];
    double rij, rik, rjk;
    double cos_gaussian;  /* dot · ((1/r_ij)/r_ik), the Gaussian terms' rounding */
} Triplet;

/* cos θ rounded as n2p2 rounds it for the compact angular windows. */
static double window_cos(const Triplet *t)
{
    const double *a = t->vij, *b = t->vik;
    return fma(a[2], b[2], fma(a[0], b[0], a[1] * b[1])) * (1.0 / (t->rij * t->rik));
}

static void make_triplet(const Neighbours *nb, idx_t pj, idx_t pk, int need_jk, Triplet *t)
{
    const double *a = nb->pair_vector + 3 * pj, *b = nb->pair_vector + 3 * pk;
    double dot;
    memcpy(t->vij, a, sizeof(t->vij));
    memcpy(t->vik, b, sizeof(t->vik));
    t->rij = nb->pair_r[pj];
    t->rik = nb->pair_r[pk];
    dot = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    t->cos_gaussian = dot * ((1.0 / t->rij) / t->rik);
    t->rjk = 0.0;
    if (need_jk) {
        double dx = b[0] - a[0], dy = b[1] - a[1], dz = b[2] - a[2];
        t->rjk = sqrt(fma(dz, dz, fma(dx, dx, dy * dy)));
    }
}

/* The Q and A factors, and the triples, that the two lists of a species pair need. */
static void triplet_factors(const Program *p, idx_t g, idx_t pair, const Cutoff *cut,
                            const Triplet *t, idx_t ja, idx_t kb, Scratch *w, int derivatives)
{
    idx_t q0 = p->group_jk_start[g], a0 = p->group_angular_start[g];
    idx_t r0 = p->group_radial_start[g], t0 = p->group_triple_start[g];
    idx_t count = p->group_radial_start[g + 1] - r0, k;
    const double *rj = w->radial + ja * count, *drj = w->dradial + ja * count;
    const double *rk = w->radial + kb * count, *drk = w->dradial + kb * count;
    double fc = 0.0, dfc = 0.0, cos_window = 2.0;
    int have_fc = 0;
    for (k = p->need_jk_start[pair]; k < p->need_jk_start[pair + 1]; k++) {
        idx_t id = p->need_jk[k], local = id - q0;
        if (p->jk_kind[id] == FACTOR_GAUSSIAN) {
            double d = t->rjk - p->jk_a[id], eta = p->jk_b[id], e;
            if (!have_fc) {
                cutoff_eval(cut, t->rjk, &fc, derivatives ? &dfc : NULL);
                have_fc = 1;
            }
            e = exp((d * -eta) * d);
            w->jk[local] = e * fc;
            w->djk[local] = derivatives ? e * (dfc - 2.0 * eta * d * fc) : 0.0;
        } else {
            Window win = window_make((int)p->jk_core[id], p->jk_a[id], p->jk_b[id]);
            window_eval(&win, t->rjk, w->jk + local, w->djk + local);
        }
    }
    for (k = p->need_a_start[pair]; k < p->need_a_start[pair + 1]; k++) {
        idx_t id = p->need_a[k], local = id - a0;
        if (p->angular_kind[id] == FACTOR_GAUSSIAN) {
            double lambda = p->angular_a[id], zeta = p->angular_b[id];
            double base = t->cos_gaussian * lambda;
            base += 1.0;
            w->angular[local] = angular_power(base, zeta, (long)p->angular_izeta[id]);
            if (derivatives)
                w->dangular[local]
                    = lambda * angular_power_derivative(base, zeta, (long)p->angular_izeta[id]);
            continue;
        }
        if (cos_window > 1.5) cos_window = window_cos(t);
        if (cos_window <= -1.0 || cos_window >= 1.0) { /* n2p2 skips these compact terms */
            w->angular[local] = 0.0;
            w->dangular[local] = 0.0;
        } else {
            double theta = acos(cos_window), dvalue;
            Window win = window_make((int)p->angular_core[id], p->angular_a[id],
                                     p->angular_b[id]);
            window_eval(&win, theta, w->angular + local, &dvalue);
            /* dθ/dcos θ = -1/sin θ */
            w->dangular[local] = -dvalue / sqrt(1.0 - cos_window * cos_window);
        }
    }
    {
        double inv_rij = 1.0 / t->rij, inv_rik = 1.0 / t->rik;
        double inv_rjk = t->rjk > 0.0 ? 1.0 / t->rjk : 0.0;
        double cos_jj = t->cos_gaussian * inv_rij * inv_rij;
        double cos_kk = t->cos_gaussian * inv_rik * inv_rik;
        double inv_product = inv_rij * inv_rik;
        for (k = p->need_triple_start[pair]; k < p->need_triple_start[pair + 1]; k++) {
            idx_t id = p->need_triple[k];
            idx_t r = p->triple_radial[id] - r0, q = p->triple_jk[id];
            double *out = w->triple + TRIPLE_FIELDS * (id - t0);
            double radial = rj[r] * rk[r], value = radial, dq = 0.0, qv = 1.0, pjk;
            if (q >= 0) {
                qv = w->jk[q - q0];
                dq = w->djk[q - q0];
                value *= qv;
            }
            out[T_VALUE] = value;
            if (!derivatives) continue;
            pjk = radial * dq * inv_rjk;
            out[T_ALPHA_J] = drj[r] * rk[r] * qv * inv_rij + pjk;
            out[T_ALPHA_K] = rj[r] * drk[r] * qv * inv_rik + pjk;
            out[T_BETA_J] = value * cos_jj;
            out[T_BETA_K] = value * cos_kk;
            out[T_GAMMA] = value * inv_product;
            out[T_DELTA] = pjk;
        }
    }
}

/* A row of cells: cells += value · A. (Loops over restrict parameters: they vectorise.) */
VECTOR_CLONES
static void row_values(double *RESTRICT cells, const double *RESTRICT A, double value, idx_t n)
{
    idx_t y;
    for (y = 0; y < n; y++) cells[y] += value * A[y];
}

/* Per cell of a row, a triplet's c_jj, c_kk (into s_j, s_k) and c_jk times the other vector
 * (into v_j, v_k), from the triple's fields ``tr`` and the A factors and their derivatives. */
VECTOR_CLONES
static void row_derivatives(double *RESTRICT sj, double *RESTRICT sk, double *RESTRICT vjx,
                            double *RESTRICT vjy, double *RESTRICT vjz, double *RESTRICT vkx,
                            double *RESTRICT vky, double *RESTRICT vkz,
                            const double *RESTRICT A, const double *RESTRICT dA,
                            const double *RESTRICT tr, const double *RESTRICT vij,
                            const double *RESTRICT vik, idx_t n)
{
    const double alpha_j = tr[T_ALPHA_J], alpha_k = tr[T_ALPHA_K];
    const double beta_j = tr[T_BETA_J], beta_k = tr[T_BETA_K];
    const double gamma = tr[T_GAMMA], delta = tr[T_DELTA];
    const double ikx = vik[0], iky = vik[1], ikz = vik[2];
    const double ijx = vij[0], ijy = vij[1], ijz = vij[2];
    idx_t y;
    for (y = 0; y < n; y++) {
        double a = A[y], da = dA[y];
        double cjk = da * gamma - a * delta;
        sj[y] += a * alpha_j - da * beta_j;
        sk[y] += a * alpha_k - da * beta_k;
        vjx[y] += cjk * ikx;
        vjy[y] += cjk * iky;
        vjz[y] += cjk * ikz;
        vkx[y] += cjk * ijx;
        vky[y] += cjk * ijy;
        vkz[y] += cjk * ijz;
    }
}

/* One angular list's terms of one triplet: its grid of cells (triples × A factors). */
static void angular_list(Centre *c, idx_t g, idx_t list, double zz, const Triplet *t,
                         idx_t slot_j, idx_t slot_k, int derivatives)
{
    const Program *p = c->p;
    Scratch *w = c->w;
    idx_t first = p->angular_cell[list];
    idx_t t0 = p->group_triple_start[g], a0 = p->group_angular_start[g];
    idx_t nt = p->list_triple_start[list + 1] - p->list_triple_start[list];
    idx_t na = p->list_a_start[list + 1] - p->list_a_start[list];
    const idx_t *triples = p->list_triple + p->list_triple_start[list];
    const idx_t *angulars = p->list_a + p->list_a_start[list];
    double *A = w->gathered, *dA = w->gathered + na;
    idx_t stride = c->cells, x, y;
    for (y = 0; y < na; y++) A[y] = zz * w->angular[angulars[y] - a0];
    if (derivatives)
        for (y = 0; y < na; y++) dA[y] = zz * w->dangular[angulars[y] - a0];
    for (x = 0; x < nt; x++) {
        const double *tr = w->triple + TRIPLE_FIELDS * (triples[x] - t0);
        idx_t row = first + x * na;
        row_values(w->cells + row, A, tr[T_VALUE], na);
        if (derivatives) {
            double *vj = w->v + 3 * slot_j * stride + row, *vk = w->v + 3 * slot_k * stride + row;
            row_derivatives(w->s + slot_j * stride + row, w->s + slot_k * stride + row, vj,
                            vj + stride, vj + 2 * stride, vk, vk + stride, vk + 2 * stride, A, dA,
                            tr, t->vij, t->vik, na);
        }
    }
}

static void angular_terms(Centre *c, idx_t g, const Cutoff *cut, idx_t n)
{
    const Program *p = c->p;
    const Neighbours *nb = c->nb;
    Scratch *w = c->w;
    idx_t n_pairs = p->n_species * (p->n_species + 1) / 2, lists = n_pairs + 1;
    idx_t weighted = g * lists + n_pairs;
    idx_t a, b;
    for (a = 0; a < n; a++) {
        idx_t j = nb->pair_j[w->members[a]], sj = nb->species[j];
        for (b = a + 1; b < n; b++) {
            idx_t k = nb->pair_j[w->members[b]], pair = pair_index(sj, nb->species[k], p->n_species);
            idx_t list = g * lists + pair, need = g * n_pairs + pair;
            int derivatives = c->derivatives && (w->wanted[a] || w->wanted[b]);
            Triplet t;
            c->tally->triplets++;
            if (p->angular_cell[list] < 0 && p->angular_cell[weighted] < 0) continue;
            make_triplet(nb, w->members[a], w->members[b],
                         p->need_jk_start[need + 1] > p->need_jk_start[need], &t);
            triplet_factors(p, g, need, cut, &t, a, b, w, derivatives);
            if (p->angular_cell[list] >= 0)
                angular_list(c, g, list, 1.0, &t, w->slot[a], w->slot[b], derivatives);
            if (p->angular_cell[weighted] >= 0)
                angular_list(c, g, weighted, nb->z[j] * nb->z[k], &t, w->slot[a], w->slot[b],
                             derivatives);
        }
    }
}

/* Chain factors φ'_p(G) = p g^(p-1) scale, g = (G - shift) scale, for the centre's SFs. */
static void chain_factors(const Output *out, idx_t element, const double *values, idx_t width,
                          double *chain)
{
    idx_t k, q, powers = out->powers;
    const double *shift = out->shift + out->element_offset[element];
    const double *scale = out->scale + out->element_offset[element];
    for (k = 0; k < width; k++) {
        double g = (values[k] - shift[k]) * scale[k], power = 1.0;
        for (q = 0; q < powers; q++) {
            chain[k * powers + q] = (double)(q + 1) * power * scale[k];
            power *= g;
        }
    }
}

VECTOR_CLONES
static void add_rows(const Output *out, idx_t element, idx_t row, const double *gradient,
                     idx_t width, const double *chain)
{
    idx_t x, k, q, powers = out->powers;
    for (x = 0; x < 3; x++) {
        double *target = out->rows + (row * 3 + x) * out->n_columns
                         + out->element_column[element];
        for (k = 0; k < width; k++) {
            double d = gradient[3 * k + x];
            if (d == 0.0) continue;
            for (q = 0; q < powers; q++) target[k * powers + q] += chain[k * powers + q] * d;
        }
    }
}

/* Every slot's gradient of the centre's SFs (from the cells), the centre's own gradient, and
 * each of them times the chain factors into the rows of its atom. */
static void consume(Centre *c, const Output *out, idx_t centre, idx_t element, const double *values,
                    idx_t first_pair, idx_t slots)
{
    const Program *p = c->p;
    Scratch *w = c->w;
    idx_t width = p->element_width[element], slot, k, x;
    const idx_t *cell = p->sf_cell + p->element_offset[element];
    const double *weight = p->sf_weight + p->element_offset[element];
    idx_t atom = out->centre_atom[centre];
    memset(w->self, 0, sizeof(double) * 3 * width);
    chain_factors(out, element, values, width, w->chain);
    for (slot = 0; slot < slots; slot++) {
        const double *vector = c->nb->pair_vector + 3 * (first_pair + slot);
        const double *s = w->s + slot * c->cells, *v = w->v + 3 * slot * c->cells;
        idx_t row = out->atom_row[c->nb->pair_j[first_pair + slot]];
        if (row < 0 && !c->all_slots) continue;
        for (k = 0; k < width; k++) {
            idx_t m = cell[k];
            for (x = 0; x < 3; x++) {
                double d = weight[k] * (s[m] * vector[x] + v[x * c->cells + m]);
                w->gradient[3 * k + x] = d;
                w->self[3 * k + x] -= d;
            }
        }
        if (row >= 0) add_rows(out, element, row, w->gradient, width, w->chain);
    }
    if (c->all_slots) add_rows(out, element, out->atom_row[atom], w->self, width, w->chain);
}

static void evaluate_centre(Centre *c, const Output *out, const Cutoff *cuts, idx_t centre)
{
    const Program *p = c->p;
    const Neighbours *nb = c->nb;
    Scratch *w = c->w;
    idx_t atom = out->centre_atom[centre], element = out->centre_element[centre];
    idx_t first_pair = nb->pair_start[atom], slots = nb->pair_start[atom + 1] - first_pair;
    idx_t width = p->element_width[element], g, k;
    const idx_t *cell = p->sf_cell + p->element_offset[element];
    const double *weight = p->sf_weight + p->element_offset[element];
    double *values = out->values + out->centre_row[centre];
    c->cells = p->element_cells[element];
    c->all_slots = c->derivatives && out->atom_row[atom] >= 0;
    memset(w->cells, 0, sizeof(double) * c->cells);
    if (c->derivatives) {
        memset(w->s, 0, sizeof(double) * slots * c->cells);
        memset(w->v, 0, sizeof(double) * 3 * slots * c->cells);
    }
    for (g = p->element_group_start[element]; g < p->element_group_start[element + 1]; g++) {
        double rc = p->group_cutoff[g];
        idx_t n = 0, s;
        for (s = 0; s < slots; s++) {
            if (nb->pair_r[first_pair + s] < rc) {
                w->members[n] = first_pair + s;
                w->slot[n] = s;
                w->wanted[n] = c->derivatives
                               && (c->all_slots || out->atom_row[nb->pair_j[first_pair + s]] >= 0);
                n++;
            }
        }
        c->tally->pairs += n;
        radial_table(p, g, cuts + g, nb, n, w, c->derivatives);
        radial_terms(c, g, n);
        angular_terms(c, g, cuts + g, n);
    }
    for (k = 0; k < width; k++) values[k] = weight[k] * w->cells[cell[k]];
    if (c->derivatives) consume(c, out, centre, element, values, first_pair, slots);
}

int sf_evaluate(const Program *p, const Neighbours *nb, const Output *out, Tally *tally)
{
    Scratch w;
    Centre c;
    idx_t centre, g;
    idx_t groups = p->element_group_start[p->n_elements];
    Cutoff *cuts = malloc(sizeof(Cutoff) * (groups + 1));
    memset(&w, 0, sizeof(w));
    if (!cuts || scratch_make(&w, p, nb, out) != 0) {
        free(cuts);
        scratch_free(&w);
        return -1;
    }
    for (g = 0; g < groups; g++)
        cuts[g] = cutoff_make(p->cutoff_type, p->group_cutoff[g], p->alpha);
    c.p = p;
    c.nb = nb;
    c.w = &w;
    c.tally = tally;
    c.cells = 0;
    c.derivatives = out->rows != NULL;
    c.all_slots = 0;
    for (centre = 0; centre < out->n_centres; centre++) evaluate_centre(&c, out, cuts, centre);
    free(cuts);
    scratch_free(&w);
    return 0;
}
