/* The SF kernel: values (and derivatives) of every SF of a batch of centres.
 *
 * A *program* (made once per run by sfcompile/engine/program.py) describes the SFs of every
 * central element, grouped by cutoff radius. Each SF is a product of factors:
 *   radial  (types 2, 12, 20, 23):  W · R(r_ij)
 *   angular (3, 9, 13, 21, 22, 24, 25): W · R(r_ij) · R(r_ik) · [Q(r_jk)] · A(cos θ_ijk)
 * R is a Gaussian exp(-η (r - r_s)²) times the global cutoff function, or a compact window;
 * Q the same of r_jk for the "narrow" types; A (1 + λ cos θ)^ζ or a compact window of θ; W a
 * constant (2^(1-ζ)) times Z_j (Z_j Z_k) for the weighted types. A *triple* is the radial part
 * R(r_ij) R(r_ik) [Q(r_jk)] of angular terms. Every factor and triple of a cutoff group is
 * computed once per neighbour (R) or per triplet (Q, A, triples), not once per SF.
 *
 * Cells. The SFs of a group that sum over the same neighbour species (or unordered species
 * pair; or, for the weighted types, over all) form a *list*, and its terms are accumulated on a
 * grid of cells: for a radial list one cell per R factor of the group, for an angular list one
 * cell per (triple, A factor) of the list. Per neighbour or triplet the kernel adds a whole row
 * of cells at once (a product of two short vectors: no per-SF indexing), and at the end of a
 * centre each SF takes its cell times its constant weight. The terms of a cell are added in
 * the order the kernel visits them (neighbours, then pairs of neighbours, as listed): the
 * result depends on nothing but the structure.
 *
 * Derivatives: per centre i, the gradient of each cell with respect to the position of every
 * neighbour slot (a pair of the list; periodic images are separate slots) is built as
 *   dC/dr_j = S_j v_ij + V_j      (S_j: scalar, V_j: a vector, per cell)
 * and dG/dr_i = -Σ_j dG/dr_j. A consumer then adds φ'_p(G) · dG/dr_a into the rows of the
 * atoms a (kernel.c: consume).
 */
#ifndef SFCOMPILE_KERNEL_H
#define SFCOMPILE_KERNEL_H

#include <stdint.h>

typedef int64_t idx_t;

enum { FACTOR_GAUSSIAN = 0, FACTOR_WINDOW = 1 };

typedef struct {
    /* elements (programs) */
    idx_t n_elements;
    const idx_t *element_group_start; /* [n_elements + 1] */
    const idx_t *element_width;       /* [n_elements]: SFs (value columns) of the element */
    const idx_t *element_cells;       /* [n_elements]: cells of the element's lists */
    const idx_t *element_offset;      /* [n_elements]: first SF of the element in sf_cell */
    /* per SF: its cell and constant weight */
    const idx_t *sf_cell;
    const double *sf_weight;
    /* cutoff groups */
    const double *group_cutoff;       /* [G] */
    const idx_t *group_radial_start;  /* [G + 1] into the R factors */
    const idx_t *group_jk_start;      /* [G + 1] into the Q factors */
    const idx_t *group_angular_start; /* [G + 1] into the A factors */
    const idx_t *group_triple_start;  /* [G + 1] into the triples */
    /* factors: kind (FACTOR_*), core code (windows), parameters a, b:
     * R, Q: Gaussian (a = r_s, b = η) or window (a = left, b = right, in length units)
     * A: Gaussian (a = λ, b = ζ; izeta: ζ if a whole number in 1..1024, else 0) or window
     *    (a, b = the angles in radians) */
    const idx_t *radial_kind, *radial_core;
    const double *radial_a, *radial_b;
    const idx_t *jk_kind, *jk_core;
    const double *jk_a, *jk_b;
    const idx_t *angular_kind, *angular_core, *angular_izeta;
    const double *angular_a, *angular_b;
    /* triples: R factor and Q factor (-1 for the wide types) */
    const idx_t *triple_radial, *triple_jk;
    /* lists. n_species codes; radial lists per group: one per species code, then one of the
     * weighted types (n_species + 1 per group); angular lists per group: one per unordered
     * species pair (s <= t, row-major upper triangle), then the weighted one. A list's first
     * cell, or -1 when it has no SF; an angular list's triples and A factors (its grid:
     * cell = first + triple position · (A factors of the list) + A position); and, per
     * species pair, every Q factor, A factor and triple its two lists need. */
    idx_t n_species;
    const idx_t *radial_cell;        /* [G * (n_species + 1)] */
    const idx_t *angular_cell;       /* [G * (n_pairs + 1)] */
    const idx_t *list_triple_start, *list_triple; /* [G * (n_pairs + 1) + 1] */
    const idx_t *list_a_start, *list_a;
    const idx_t *need_jk_start, *need_jk;         /* [G * n_pairs + 1] */
    const idx_t *need_a_start, *need_a;
    const idx_t *need_triple_start, *need_triple;
    /* the global cutoff function */
    int cutoff_type;
    double alpha;
} Program;

typedef struct {
    idx_t n_atoms;
    const idx_t *species;      /* [n_atoms]: code 0 .. n_species-1 */
    const double *z;           /* [n_atoms]: atomic number, for the weighted types */
    const idx_t *pair_start;   /* [n_atoms + 1] */
    const idx_t *pair_j;       /* neighbour atom of each pair */
    const double *pair_vector; /* [pairs][3]: r_j - r_i (of the periodic image) */
    const double *pair_r;      /* [pairs] */
} Neighbours;

typedef struct {
    idx_t n_centres;
    const idx_t *centre_atom;    /* [n_centres] */
    const idx_t *centre_element; /* [n_centres]: program */
    const idx_t *centre_row;     /* [n_centres]: offset of its values in ``values`` */
    double *values;
    /* derivatives (all NULL: values only) */
    const idx_t *atom_row;       /* [n_atoms]: row of the atom in ``rows`` or -1 */
    idx_t powers;                /* P: columns per SF */
    const idx_t *element_column; /* [n_elements]: first column of the element's SFs */
    const idx_t *element_offset; /* [n_elements]: first entry of the element's SFs in shift/scale */
    const double *shift, *scale; /* per SF: g = (G - shift) * scale; column p: g^p (p = 1..P) */
    idx_t n_columns;
    double *rows;                /* [rows][3][n_columns] */
} Output;

typedef struct {
    idx_t pairs;    /* centre-neighbour pairs visited within a cutoff */
    idx_t triplets; /* unordered neighbour pairs visited */
} Tally;

/* 0 on success, -1 when memory could not be allocated. */
int sf_evaluate(const Program *program, const Neighbours *neighbours, const Output *output,
                Tally *tally);

#endif
