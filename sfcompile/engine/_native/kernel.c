/* The SF kernel (see kernel.h for what it computes and how the program is laid out). */
#include "kernel.h"
#include "functions.h"

#include <stdlib.h>
#include <string.h>

/* Scratch memory of one call, sized by the largest centre and group. */
typedef struct {
    idx_t *members;        /* [max_nb]: the pairs of the centre within the group's cutoff */
    idx_t *slot;           /* [max_nb]: their slots (offset from the centre's first pair) */
    double *radial, *dradial; /* [max_nb][max_r] */
    double *jk, *djk;      /* [max_q] */
    double *angular, *dangular; /* [max_a] */
    double *s;             /* [max_slots][max_width] */
    double *v;             /* [max_slots][max_width][3] */
    double *self;          /* [max_width][3] */
    double *chain;         /* [max_width][P] */
} Scratch;

static void scratch_free(Scratch *w)
{
    free(w->members);
    free(w->slot);
    free(w->radial);
    free(w->dradial);
    free(w->jk);
    free(w->djk);
    free(w->angular);
    free(w->dangular);
    free(w->s);
    free(w->v);
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

static int scratch_make(Scratch *w, const Program *p, const Neighbours *nb, const Output *out)
{
    idx_t groups = p->element_group_start[p->n_elements];
    idx_t max_nb = 0, max_width = 0, k, n;
    idx_t max_r = max_span(p->group_radial_start, groups);
    idx_t max_q = max_span(p->group_jk_start, groups);
    idx_t max_a = max_span(p->group_angular_start, groups);
    int derivatives = out->rows != NULL;
    memset(w, 0, sizeof(*w));
    for (k = 0; k < out->n_centres; k++) {
        idx_t atom = out->centre_atom[k];
        n = nb->pair_start[atom + 1] - nb->pair_start[atom];
        if (n > max_nb) max_nb = n;
    }
    for (k = 0; k < p->n_elements; k++)
        if (p->element_width[k] > max_width) max_width = p->element_width[k];
    max_nb += 1;
    w->members = malloc(sizeof(idx_t) * max_nb);
    w->slot = malloc(sizeof(idx_t) * max_nb);
    w->radial = malloc(sizeof(double) * (max_nb * (max_r + 1)));
    w->dradial = malloc(sizeof(double) * (max_nb * (max_r + 1)));
    w->jk = malloc(sizeof(double) * (max_q + 1));
    w->djk = malloc(sizeof(double) * (max_q + 1));
    w->angular = malloc(sizeof(double) * (max_a + 1));
    w->dangular = malloc(sizeof(double) * (max_a + 1));
    if (!w->members || !w->slot || !w->radial || !w->dradial || !w->jk || !w->djk || !w->angular
        || !w->dangular)
        return -1;
    if (derivatives) {
        w->s = malloc(sizeof(double) * (max_nb * (max_width + 1)));
        w->v = malloc(sizeof(double) * (3 * max_nb * (max_width + 1)));
        w->self = malloc(sizeof(double) * (3 * (max_width + 1)));
        w->chain = malloc(sizeof(double) * ((max_width + 1) * (out->powers + 1)));
        if (!w->s || !w->v || !w->self || !w->chain) return -1;
    }
    return 0;
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

/* R factors of every neighbour within the group's cutoff: value and d/dr. */
static void radial_table(const Program *p, idx_t g, const Cutoff *cut, const Neighbours *nb,
                         const idx_t *pairs, idx_t n, Scratch *w)
{
    idx_t first = p->group_radial_start[g], count = p->group_radial_start[g + 1] - first;
    idx_t a, f;
    for (a = 0; a < n; a++) {
        double r = nb->pair_r[pairs[a]], fc = 0.0, dfc = 0.0;
        double *value = w->radial + a * count, *derivative = w->dradial + a * count;
        int have_fc = 0;
        for (f = 0; f < count; f++) {
            idx_t id = first + f;
            if (p->radial_kind[id] == FACTOR_GAUSSIAN) {
                double d = r - p->radial_a[id], eta = p->radial_b[id], e;
                if (!have_fc) {
                    cutoff_eval(cut, r, &fc, &dfc);
                    have_fc = 1;
                }
                e = exp((d * -eta) * d);
                value[f] = e * fc;
                derivative[f] = e * (dfc - 2.0 * eta * d * fc);
            } else {
                Window win = window_make((int)p->radial_core[id], p->radial_a[id],
                                         p->radial_b[id]);
                window_eval(&win, r, value + f, derivative + f);
            }
        }
    }
}

/* Geometry of a triplet (i; j, k), and what the SFs of its species pair need of it. */
typedef struct {
    double vij[3], vik[3];
    double rij, rik, rjk;
    double cos_gaussian;  /* dot · ((1/r_ij)/r_ik), the Gaussian terms' rounding */
    double cos_window;    /* rounded as n2p2 rounds it for the compact windows */
    int window_edge;      /* cos θ = ±1: n2p2 skips the compact angular terms */
} Triplet;

static void triplet_factors(const Program *p, idx_t g, idx_t list, const Cutoff *cut,
                            Triplet *t, Scratch *w, int derivatives)
{
    idx_t q0 = p->group_jk_start[g], a0 = p->group_angular_start[g];
    idx_t k;
    for (k = p->list_jk_start[list]; k < p->list_jk_start[list + 1]; k++) {
        idx_t id = p->list_jk[k], local = id - q0;
        if (p->jk_kind[id] == FACTOR_GAUSSIAN) {
            double fc, dfc, d = t->rjk - p->jk_a[id], eta = p->jk_b[id], e;
            cutoff_eval(cut, t->rjk, &fc, &dfc);
            e = exp((d * -eta) * d);
            w->jk[local] = e * fc;
            w->djk[local] = e * (dfc - 2.0 * eta * d * fc);
        } else {
            Window win = window_make((int)p->jk_core[id], p->jk_a[id], p->jk_b[id]);
            window_eval(&win, t->rjk, w->jk + local, w->djk + local);
        }
    }
    for (k = p->list_a_start[list]; k < p->list_a_start[list + 1]; k++) {
        idx_t id = p->list_a[k], local = id - a0;
        if (p->angular_kind[id] == FACTOR_GAUSSIAN) {
            double lambda = p->angular_a[id], zeta = p->angular_b[id];
            double base = t->cos_gaussian * lambda;
            base += 1.0;
            w->angular[local] = angular_power(base, zeta, (long)p->angular_izeta[id]);
            if (derivatives)
                w->dangular[local]
                    = lambda * angular_power_derivative(base, zeta, (long)p->angular_izeta[id]);
        } else if (t->window_edge) {
            w->angular[local] = 0.0;
            w->dangular[local] = 0.0;
        } else {
            double theta = acos(t->cos_window), dvalue;
            Window win = window_make((int)p->angular_core[id], p->angular_a[id],
                                     p->angular_b[id]);
            window_eval(&win, theta, w->angular + local, &dvalue);
            /* dθ/dcos θ = -1/sin θ */
            w->dangular[local] = -dvalue / sqrt(1.0 - t->cos_window * t->cos_window);
        }
    }
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
    t->cos_window = fma(a[2], b[2], fma(a[0], b[0], a[1] * b[1])) * (1.0 / (t->rij * t->rik));
    t->window_edge = t->cos_window <= -1.0 || t->cos_window >= 1.0;
    t->rjk = 0.0;
    if (need_jk) {
        double dx = b[0] - a[0], dy = b[1] - a[1], dz = b[2] - a[2];
        t->rjk = sqrt(fma(dz, dz, fma(dx, dx, dy * dy)));
    }
}

typedef struct {
    const Program *p;
    const Neighbours *nb;
    const Output *out;
    Scratch *w;
    Tally *tally;
    idx_t width;
    double *values;
    int derivatives;
} Centre;

static void radial_terms(Centre *c, idx_t g, const idx_t *pairs, idx_t n)
{
    const Program *p = c->p;
    idx_t r0 = p->group_radial_start[g], count = p->group_radial_start[g + 1] - r0;
    idx_t a, k;
    for (a = 0; a < n; a++) {
        idx_t j = c->nb->pair_j[pairs[a]], s = c->nb->species[j];
        idx_t list = g * p->n_species + s;
        const double *value = c->w->radial + a * count, *derivative = c->w->dradial + a * count;
        double inverse_r = 1.0 / c->nb->pair_r[pairs[a]];
        double *slot_s = c->derivatives ? c->w->s + c->w->slot[a] * c->width : NULL;
        for (k = p->radial_list_start[list]; k < p->radial_list_start[list + 1]; k++) {
            idx_t sf = p->radial_list[k], f = p->sf_radial[sf] - r0;
            idx_t column = p->sf_column[sf];
            double weight = p->sf_weight[sf] * (p->sf_weighted[sf] ? c->nb->z[j] : 1.0);
            c->values[column] += weight * value[f];
            if (slot_s) slot_s[column] += weight * derivative[f] * inverse_r;
        }
    }
}

static void angular_terms(Centre *c, idx_t g, const Cutoff *cut, const idx_t *pairs, idx_t n)
{
    const Program *p = c->p;
    const Neighbours *nb = c->nb;
    Scratch *w = c->w;
    idx_t r0 = p->group_radial_start[g], rcount = p->group_radial_start[g + 1] - r0;
    idx_t q0 = p->group_jk_start[g], a0 = p->group_angular_start[g];
    idx_t n_pairs = p->n_species * (p->n_species + 1) / 2;
    idx_t a, b, k;
    for (a = 0; a < n; a++) {
        idx_t j = nb->pair_j[pairs[a]], sj = nb->species[j];
        const double *rj = w->radial + a * rcount, *drj = w->dradial + a * rcount;
        for (b = a + 1; b < n; b++) {
            idx_t kk = nb->pair_j[pairs[b]], sk = nb->species[kk];
            idx_t list = g * n_pairs + pair_index(sj, sk, p->n_species);
            idx_t first = p->angular_list_start[list], last = p->angular_list_start[list + 1];
            const double *rk = w->radial + b * rcount, *drk = w->dradial + b * rcount;
            double zz = nb->z[j] * nb->z[kk];
            Triplet t;
            c->tally->triplets++;
            if (first == last) continue;
            make_triplet(nb, pairs[a], pairs[b],
                         p->list_jk_start[list + 1] > p->list_jk_start[list], &t);
            triplet_factors(p, g, list, cut, &t, w, c->derivatives);
            if (!c->derivatives) {
                for (k = first; k < last; k++) {
                    idx_t sf = p->angular_list[k], f = p->sf_radial[sf] - r0;
                    double weight = p->sf_weight[sf] * (p->sf_weighted[sf] ? zz : 1.0);
                    double term = rj[f] * rk[f];
                    if (p->sf_jk[sf] >= 0) term *= w->jk[p->sf_jk[sf] - q0];
                    term *= w->angular[p->sf_angular[sf] - a0];
                    c->values[p->sf_column[sf]] += weight * term;
                }
                continue;
            }
            {
                double inv_rij = 1.0 / t.rij, inv_rik = 1.0 / t.rik;
                double inv_rjk = t.rjk > 0.0 ? 1.0 / t.rjk : 0.0;
                double cos = t.cos_gaussian, inv_product = inv_rij * inv_rik;
                double cos_jj = cos * inv_rij * inv_rij, cos_kk = cos * inv_rik * inv_rik;
                idx_t slot_j = w->slot[a], slot_k = w->slot[b];
                double *s_j = w->s + slot_j * c->width, *s_k = w->s + slot_k * c->width;
                double *v_j = w->v + 3 * slot_j * c->width, *v_k = w->v + 3 * slot_k * c->width;
                for (k = first; k < last; k++) {
                    idx_t sf = p->angular_list[k], f = p->sf_radial[sf] - r0;
                    idx_t column = p->sf_column[sf];
                    double weight = p->sf_weight[sf] * (p->sf_weighted[sf] ? zz : 1.0);
                    double q = 1.0, dq = 0.0, angular, dangular, radial, term;
                    double d_rij, d_rik, d_rjk, d_cos, c_jj, c_kk, c_jk;
                    if (p->sf_jk[sf] >= 0) {
                        q = w->jk[p->sf_jk[sf] - q0];
                        dq = w->djk[p->sf_jk[sf] - q0];
                    }
                    angular = w->angular[p->sf_angular[sf] - a0];
                    dangular = w->dangular[p->sf_angular[sf] - a0];
                    radial = rj[f] * rk[f];
                    term = radial;
                    if (p->sf_jk[sf] >= 0) term *= q;
                    term *= angular;
                    c->values[column] += weight * term;
                    d_rij = weight * drj[f] * rk[f] * q * angular;
                    d_rik = weight * rj[f] * drk[f] * q * angular;
                    d_rjk = weight * radial * dq * angular * inv_rjk;
                    d_cos = weight * radial * q * dangular;
                    c_jj = d_rij * inv_rij - d_cos * cos_jj + d_rjk;
                    c_kk = d_rik * inv_rik - d_cos * cos_kk + d_rjk;
                    c_jk = d_cos * inv_product - d_rjk;
                    s_j[column] += c_jj;
                    s_k[column] += c_kk;
                    v_j[3 * column] += c_jk * t.vik[0];
                    v_j[3 * column + 1] += c_jk * t.vik[1];
                    v_j[3 * column + 2] += c_jk * t.vik[2];
                    v_k[3 * column] += c_jk * t.vij[0];
                    v_k[3 * column + 1] += c_jk * t.vij[1];
                    v_k[3 * column + 2] += c_jk * t.vij[2];
                }
            }
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

/* Fold the scalar parts into the vectors, form the centre's own gradient, and add every
 * gradient, times the chain factors, to the rows of its atom. */
static void consume(Centre *c, idx_t centre, idx_t element, idx_t first_pair, idx_t slots)
{
    const Output *out = c->out;
    Scratch *w = c->w;
    idx_t width = c->width, slot, k, x;
    idx_t atom = out->centre_atom[centre];
    memset(w->self, 0, sizeof(double) * 3 * width);
    chain_factors(out, element, c->values, width, w->chain);
    for (slot = 0; slot < slots; slot++) {
        const double *vector = c->nb->pair_vector + 3 * (first_pair + slot);
        double *s = w->s + slot * width, *v = w->v + 3 * slot * width;
        idx_t row = out->atom_row[c->nb->pair_j[first_pair + slot]];
        for (k = 0; k < width; k++) {
            for (x = 0; x < 3; x++) {
                v[3 * k + x] += s[k] * vector[x];
                w->self[3 * k + x] -= v[3 * k + x];
            }
        }
        if (row >= 0) add_rows(out, element, row, v, width, w->chain);
    }
    if (out->atom_row[atom] >= 0) add_rows(out, element, out->atom_row[atom], w->self, width,
                                           w->chain);
}

int sf_evaluate(const Program *p, const Neighbours *nb, const Output *out, Tally *tally)
{
    Scratch w;
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
    for (centre = 0; centre < out->n_centres; centre++) {
        idx_t atom = out->centre_atom[centre], element = out->centre_element[centre];
        idx_t first_pair = nb->pair_start[atom], slots = nb->pair_start[atom + 1] - first_pair;
        Centre c;
        c.p = p;
        c.nb = nb;
        c.out = out;
        c.w = &w;
        c.tally = tally;
        c.width = p->element_width[element];
        c.values = out->values + out->centre_row[centre];
        c.derivatives = out->rows != NULL;
        memset(c.values, 0, sizeof(double) * c.width);
        if (c.derivatives) {
            memset(w.s, 0, sizeof(double) * slots * c.width);
            memset(w.v, 0, sizeof(double) * 3 * slots * c.width);
        }
        for (g = p->element_group_start[element]; g < p->element_group_start[element + 1]; g++) {
            double rc = p->group_cutoff[g];
            idx_t n = 0, s;
            for (s = 0; s < slots; s++) {
                if (nb->pair_r[first_pair + s] < rc) {
                    w.members[n] = first_pair + s;
                    w.slot[n] = s;
                    n++;
                }
            }
            tally->pairs += n;
            radial_table(p, g, cuts + g, nb, w.members, n, &w);
            radial_terms(&c, g, w.members, n);
            angular_terms(&c, g, cuts + g, w.members, n);
        }
        if (c.derivatives) consume(&c, centre, element, first_pair, slots);
    }
    free(cuts);
    scratch_free(&w);
    return 0;
}
