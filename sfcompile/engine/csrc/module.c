/* Python bindings of the SF kernel and of the small-structure neighbour search.
 *
 * Arrays cross as buffers (numpy arrays, C-contiguous, float64 or int64); no numpy C API, so
 * the extension builds against any numpy. The Python side (sfcompile/engine/native.py) checks
 * shapes and makes every array; here only the element types and sizes are checked again. The
 * GIL is released while the kernel runs.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <string.h>

#include "kernel.h"
#include "neighbours.h"

#define MAX_VIEWS 64

typedef struct {
    Py_buffer views[MAX_VIEWS];
    int count;
} Views;

static void views_release(Views *v)
{
    int k;
    for (k = 0; k < v->count; k++) PyBuffer_Release(&v->views[k]);
    v->count = 0;
}

/* A view of ``object`` as a C-contiguous array of 8-byte items ('d': float64, 'q': int64);
 * NULL (with an exception set) otherwise. A None gives NULL without an exception when
 * ``optional``. */
static void *array(Views *v, PyObject *object, char kind, int writable, Py_ssize_t *length,
                   int optional)
{
    Py_buffer *view;
    const char *format;
    int flags = PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (writable ? PyBUF_WRITABLE : 0);
    if (object == Py_None && optional) {
        if (length) *length = 0;
        return NULL;
    }
    if (v->count == MAX_VIEWS) {
        PyErr_SetString(PyExc_RuntimeError, "too many arrays");
        return NULL;
    }
    view = &v->views[v->count];
    if (PyObject_GetBuffer(object, view, flags) != 0) return NULL;
    v->count++;
    format = view->format ? view->format : "B";
    if (*format == '<' || *format == '=' || *format == '@') format++;
    if (view->itemsize != 8 || strlen(format) != 1
        || (kind == 'd' && format[0] != 'd')
        || (kind == 'q' && format[0] != 'q' && format[0] != 'l')) {
        PyErr_Format(PyExc_TypeError, "expected an array of %s, got format '%s'",
                     kind == 'd' ? "float64" : "int64", view->format ? view->format : "?");
        return NULL;
    }
    if (length) *length = view->len / 8;
    return view->buf;
}

#define GET(target, object, kind, writable)                                                  \
    do {                                                                                     \
        target = array(&views, object, kind, writable, NULL, 0);                             \
        if (!target) goto fail;                                                              \
    } while (0)

/* evaluate(program: tuple, neighbours: tuple, output: tuple) -> (pairs, triplets) */
static PyObject *py_evaluate(PyObject *self, PyObject *args)
{
    PyObject *prog, *nbs, *outs, *result = NULL;
    Program p;
    Neighbours nb;
    Output out;
    Tally tally = {0, 0};
    Views views;
    Py_ssize_t length;
    int status;
    (void)self;
    views.count = 0;
    memset(&p, 0, sizeof(p));
    if (!PyArg_ParseTuple(args, "O!O!O!", &PyTuple_Type, &prog, &PyTuple_Type, &nbs,
                          &PyTuple_Type, &outs))
        return NULL;
    if (PyTuple_GET_SIZE(prog) != 42 || PyTuple_GET_SIZE(nbs) != 6
        || PyTuple_GET_SIZE(outs) != 12) {
        PyErr_SetString(PyExc_ValueError, "evaluate: wrong number of arrays");
        return NULL;
    }
#define P(k) PyTuple_GET_ITEM(prog, k)
    p.n_elements = PyLong_AsLongLong(P(0));
    p.n_species = PyLong_AsLongLong(P(1));
    p.cutoff_type = (int)PyLong_AsLong(P(2));
    p.alpha = PyFloat_AsDouble(P(3));
    if (PyErr_Occurred()) return NULL;
    GET(p.element_group_start, P(4), 'q', 0);
    GET(p.element_width, P(5), 'q', 0);
    GET(p.element_cells, P(6), 'q', 0);
    GET(p.element_offset, P(7), 'q', 0);
    GET(p.sf_cell, P(8), 'q', 0);
    GET(p.sf_weight, P(9), 'd', 0);
    GET(p.group_cutoff, P(10), 'd', 0);
    GET(p.group_radial_start, P(11), 'q', 0);
    GET(p.group_jk_start, P(12), 'q', 0);
    GET(p.group_angular_start, P(13), 'q', 0);
    GET(p.group_triple_start, P(14), 'q', 0);
    GET(p.radial_kind, P(15), 'q', 0);
    GET(p.radial_core, P(16), 'q', 0);
    GET(p.radial_a, P(17), 'd', 0);
    GET(p.radial_b, P(18), 'd', 0);
    GET(p.jk_kind, P(19), 'q', 0);
    GET(p.jk_core, P(20), 'q', 0);
    GET(p.jk_a, P(21), 'd', 0);
    GET(p.jk_b, P(22), 'd', 0);
    GET(p.angular_kind, P(23), 'q', 0);
    GET(p.angular_core, P(24), 'q', 0);
    GET(p.angular_izeta, P(25), 'q', 0);
    GET(p.angular_a, P(26), 'd', 0);
    GET(p.angular_b, P(27), 'd', 0);
    GET(p.triple_radial, P(28), 'q', 0);
    GET(p.triple_jk, P(29), 'q', 0);
    GET(p.radial_cell, P(30), 'q', 0);
    GET(p.angular_cell, P(31), 'q', 0);
    GET(p.list_triple_start, P(32), 'q', 0);
    GET(p.list_triple, P(33), 'q', 0);
    GET(p.list_a_start, P(34), 'q', 0);
    GET(p.list_a, P(35), 'q', 0);
    GET(p.need_jk_start, P(36), 'q', 0);
    GET(p.need_jk, P(37), 'q', 0);
    GET(p.need_a_start, P(38), 'q', 0);
    GET(p.need_a, P(39), 'q', 0);
    GET(p.need_triple_start, P(40), 'q', 0);
    GET(p.need_triple, P(41), 'q', 0);
#undef P
#define N(k) PyTuple_GET_ITEM(nbs, k)
    nb.species = array(&views, N(0), 'q', 0, &length, 0);
    if (!nb.species) goto fail;
    nb.n_atoms = (idx_t)length;
    GET(nb.z, N(1), 'd', 0);
    GET(nb.pair_start, N(2), 'q', 0);
    GET(nb.pair_j, N(3), 'q', 0);
    GET(nb.pair_vector, N(4), 'd', 0);
    GET(nb.pair_r, N(5), 'd', 0);
#undef N
#define O(k) PyTuple_GET_ITEM(outs, k)
    memset(&out, 0, sizeof(out));
    out.centre_atom = array(&views, O(0), 'q', 0, &length, 0);
    if (!out.centre_atom) goto fail;
    out.n_centres = (idx_t)length;
    GET(out.centre_element, O(1), 'q', 0);
    GET(out.centre_row, O(2), 'q', 0);
    GET(out.values, O(3), 'd', 1);
    out.powers = PyLong_AsLongLong(O(4));
    out.n_columns = PyLong_AsLongLong(O(5));
    if (PyErr_Occurred()) goto fail;
    out.rows = array(&views, O(6), 'd', 1, NULL, 1);
    if (out.rows) {
        GET(out.atom_row, O(7), 'q', 0);
        GET(out.element_column, O(8), 'q', 0);
        GET(out.element_offset, O(9), 'q', 0);
        GET(out.shift, O(10), 'd', 0);
        GET(out.scale, O(11), 'd', 0);
    } else if (PyErr_Occurred()) {
        goto fail;
    }
#undef O
    Py_BEGIN_ALLOW_THREADS
    status = sf_evaluate(&p, &nb, &out, &tally);
    Py_END_ALLOW_THREADS
    if (status != 0)
        PyErr_NoMemory();
    else
        result = Py_BuildValue("LL", (long long)tally.pairs, (long long)tally.triplets);
fail:
    views_release(&views);
    return result;
}

static PyObject *as_bytes(const void *data, idx_t count, size_t size)
{
    return PyBytes_FromStringAndSize(data ? (const char *)data : "", (Py_ssize_t)(count * size));
}

/* small_pairs(positions, offsets, cells, periodic, cutoff) -> (i, j, shifts, vectors, r) as
 * bytes: every pair of the structures [offsets[s], offsets[s+1]) of the batch. */
static PyObject *py_small_pairs(PyObject *self, PyObject *args)
{
    PyObject *positions_o, *offsets_o, *cells_o, *periodic_o, *result = NULL;
    double cutoff;
    const double *positions, *cells;
    const idx_t *offsets, *periodic;
    Py_ssize_t structures;
    Views views;
    PairBuffer buffer;
    int status = 0;
    idx_t s;
    (void)self;
    views.count = 0;
    memset(&buffer, 0, sizeof(buffer));
    if (!PyArg_ParseTuple(args, "OOOOd", &positions_o, &offsets_o, &cells_o, &periodic_o,
                          &cutoff))
        return NULL;
    GET(positions, positions_o, 'd', 0);
    offsets = array(&views, offsets_o, 'q', 0, &structures, 0);
    if (!offsets) goto fail;
    structures -= 1;
    GET(cells, cells_o, 'd', 0);
    GET(periodic, periodic_o, 'q', 0);
    Py_BEGIN_ALLOW_THREADS
    for (s = 0; s < structures && status == 0; s++) {
        idx_t first = offsets[s], atoms = offsets[s + 1] - first;
        status = small_pairs(positions + 3 * first, first, atoms,
                             periodic[s] ? cells + 9 * s : NULL, cutoff, &buffer);
    }
    Py_END_ALLOW_THREADS
    views_release(&views);
    if (status != 0) {
        pair_buffer_free(&buffer);
        return PyErr_NoMemory();
    }
    result = Py_BuildValue(
        "NNNNN", as_bytes(buffer.i, buffer.count, sizeof(idx_t)),
        as_bytes(buffer.j, buffer.count, sizeof(idx_t)),
        as_bytes(buffer.shift, 3 * buffer.count, sizeof(idx_t)),
        as_bytes(buffer.vector, 3 * buffer.count, sizeof(double)),
        as_bytes(buffer.r, buffer.count, sizeof(double)));
    pair_buffer_free(&buffer);
    return result;
fail:
    views_release(&views);
    pair_buffer_free(&buffer);
    return NULL;
}

static PyMethodDef methods[] = {
    {"evaluate", py_evaluate, METH_VARARGS,
     "evaluate(program, neighbours, output) -> (pairs, triplets): SF values (and derivatives) "
     "of a batch of centres."},
    {"small_pairs", py_small_pairs, METH_VARARGS,
     "small_pairs(positions, offsets, cells, periodic, cutoff) -> (i, j, shifts, vectors, r): "
     "neighbour pairs of small structures by brute force."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_native",
    "sfcompile's compiled SF kernel (see sfcompile/engine/native.py).", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__native(void) { return PyModule_Create(&module); }
