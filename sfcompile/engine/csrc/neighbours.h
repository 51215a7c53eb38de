#ifndef SFCOMPILE_NEIGHBOURS_H
#define SFCOMPILE_NEIGHBOURS_H

#include "kernel.h"

typedef struct {
    idx_t count, capacity;
    idx_t *i, *j, *shift;
    double *vector, *r;
} PairBuffer;

/* Every pair (both directions) of ``atoms`` atoms (positions wrapped into ``cell`` if it is not
 * NULL: 3 cell vectors as rows) closer than ``cutoff``, appended to ``out`` with atom indices
 * offset by ``first``. 0 on success, -1 when memory ran out. */
int small_pairs(const double *positions, idx_t first, idx_t atoms, const double *cell,
                double cutoff, PairBuffer *out);
void pair_buffer_free(PairBuffer *out);

#endif
