/* Neighbour pairs of small structures, by brute force (a batch at once).
 *
 * For molecules of a few dozen atoms and for small periodic cells a cell list costs more than
 * it saves; here every pair (and every periodic image within reach) is tested. The pairs come
 * out sorted by central atom, then neighbour; the distance vectors and distances are rounded
 * as sfcompile/engine/neighbours.py rounds those it gets from vesin (positions wrapped into
 * the cell, cell vectors added one after the other, |r| = sqrt(fma(z, z, fma(x, x, y²)))), so
 * both paths give the same numbers (held against each other by the tests).
 */
#include "neighbours.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int grow(PairBuffer *out)
{
    idx_t capacity = out->capacity ? 2 * out->capacity : 1024;
    idx_t *i = realloc(out->i, sizeof(idx_t) * capacity);
    if (!i) return -1;
    out->i = i;
    idx_t *j = realloc(out->j, sizeof(idx_t) * capacity);
    if (!j) return -1;
    out->j = j;
    idx_t *shift = realloc(out->shift, sizeof(idx_t) * 3 * capacity);
    if (!shift) return -1;
    out->shift = shift;
    double *v = realloc(out->vector, sizeof(double) * 3 * capacity);
    if (!v) return -1;
    out->vector = v;
    double *r = realloc(out->r, sizeof(double) * capacity);
    if (!r) return -1;
    out->r = r;
    out->capacity = capacity;
    return 0;
}

void pair_buffer_free(PairBuffer *out)
{
    free(out->i);
    free(out->j);
    free(out->shift);
    free(out->vector);
    free(out->r);
    memset(out, 0, sizeof(*out));
}

static inline int push(PairBuffer *out, idx_t i, idx_t j, const idx_t *shift, const double *v,
                       double r)
{
    if (out->count == out->capacity && grow(out) != 0) return -1;
    out->i[out->count] = i;
    out->j[out->count] = j;
    memcpy(out->shift + 3 * out->count, shift, 3 * sizeof(idx_t));
    memcpy(out->vector + 3 * out->count, v, 3 * sizeof(double));
    out->r[out->count] = r;
    out->count++;
    return 0;
}

static inline double norm(const double *v)
{
    return sqrt(fma(v[2], v[2], fma(v[0], v[0], v[1] * v[1])));
}

/* Images reached along each cell vector: ceil(cutoff / plane spacing) + 1 (the positions are
 * wrapped, so two atoms differ by less than one cell vector in fractional terms). */
static void reach(const double *cell, double cutoff, idx_t *n)
{
    int k;
    double volume, cross[3][3];
    for (k = 0; k < 3; k++) {
        const double *a = cell + 3 * ((k + 1) % 3), *b = cell + 3 * ((k + 2) % 3);
        cross[k][0] = a[1] * b[2] - a[2] * b[1];
        cross[k][1] = a[2] * b[0] - a[0] * b[2];
        cross[k][2] = a[0] * b[1] - a[1] * b[0];
    }
    volume = fabs(cell[0] * cross[0][0] + cell[1] * cross[0][1] + cell[2] * cross[0][2]);
    for (k = 0; k < 3; k++) {
        double area = sqrt(cross[k][0] * cross[k][0] + cross[k][1] * cross[k][1]
                           + cross[k][2] * cross[k][2]);
        n[k] = (idx_t)ceil(cutoff * area / volume) + 1;
    }
}

int small_pairs(const double *positions, idx_t first, idx_t atoms, const double *cell,
                double cutoff, PairBuffer *out)
{
    idx_t a, b, s0, s1, s2, n[3] = {0, 0, 0};
    idx_t zero[3] = {0, 0, 0};
    if (cell) reach(cell, cutoff, n);
    for (a = 0; a < atoms; a++) {
        const double *pa = positions + 3 * a;
        for (b = 0; b < atoms; b++) {
            const double *pb = positions + 3 * b;
            double d[3] = {pb[0] - pa[0], pb[1] - pa[1], pb[2] - pa[2]};
            if (!cell) {
                double r;
                if (a == b) continue;
                r = norm(d);
                if (r < cutoff && push(out, first + a, first + b, zero, d, r) != 0) return -1;
                continue;
            }
            for (s0 = -n[0]; s0 <= n[0]; s0++)
                for (s1 = -n[1]; s1 <= n[1]; s1++)
                    for (s2 = -n[2]; s2 <= n[2]; s2++) {
                        idx_t shift[3] = {s0, s1, s2};
                        double v[3], r;
                        int x;
                        if (a == b && s0 == 0 && s1 == 0 && s2 == 0) continue;
                        for (x = 0; x < 3; x++) {
                            double t = d[x] + (double)s0 * cell[x];
                            t = t + (double)s1 * cell[3 + x];
                            v[x] = t + (double)s2 * cell[6 + x];
                        }
                        r = norm(v);
                        if (r < cutoff && push(out, first + a, first + b, shift, v, r) != 0)
                            return -1;
                    }
        }
    }
    return 0;
}
