/* n2p2's cutoff functions and compact "bump" functions, with their derivatives.
 *
 * Formulas: n2p2-input-nn.md (cutoff_type 0-8; compact cores p1-p4, e and the "a" variants).
 * Rounding: n2p2's usual build (-O3 -march=native) fuses multiply-adds into FMA instructions,
 * and near the edge of their support the polynomials cancel (poly4: terms of size ~500 that
 * cancel to ~1e-5), so the last bits of every step show in the value. The values below follow
 * n2p2's evaluation order step by step, with fma() exactly where its build fuses; this file is
 * compiled with -ffp-contract=off so that nothing else is fused. Derivatives are the analytic
 * ones (no cancellation-sensitive reference for them exists beyond n2p2's own tolerance).
 */
#ifndef SFCOMPILE_FUNCTIONS_H
#define SFCOMPILE_FUNCTIONS_H

#include <math.h>

#define SF_PI 3.14159265358979323846
#define SF_E 2.71828182845904523536

enum { CUT_HARD, CUT_COS, CUT_TANHU, CUT_TANH, CUT_EXP, CUT_POLY1, CUT_POLY2, CUT_POLY3,
       CUT_POLY4 };
/* core codes of the compact functions (an "a" variant adds CORE_ASYMMETRIC) */
enum { CORE_P1 = 1, CORE_P2 = 2, CORE_P3 = 3, CORE_P4 = 4, CORE_E = 5 };
#define CORE_ASYMMETRIC 16

typedef struct {
    int type;
    double rc, r_ci, inv_width, inv_rc, tanh_pre;
} Cutoff;

static Cutoff cutoff_make(int type, double rc, double alpha)
{
    Cutoff c;
    double e = SF_E;
    double t = (e + 1.0 / e) / (e - 1.0 / e);
    c.type = type;
    c.rc = rc;
    c.r_ci = rc * alpha;
    c.inv_width = 1.0 / (rc - c.r_ci);
    c.inv_rc = 1.0 / rc;
    c.tanh_pre = t * t * t;  /* 1/tanh^3(1) as n2p2 computes it */
    return c;
}

/* The cores of x in [0, 1) (1 at 0, 0 at 1) and their derivatives d/dx. */
static inline double core_value(int core, double x)
{
    double x2, t;
    switch (core) {
    case CORE_P1:
        return fma((2.0 * x - 3.0) * x, x, 1.0);
    case CORE_P2:
        t = fma(fma(-6.0, x, 15.0), x, -10.0);
        return fma(t * x, x * x, 1.0);
    case CORE_P3:
        x2 = x * x;
        t = fma(x, fma(x, fma(20.0, x, -70.0), 84.0), -35.0);
        return fma(t * x2, x2, 1.0);
    case CORE_P4:
        x2 = x * x;
        t = fma(x, fma(x, fma(fma(-70.0, x, 315.0), x, -540.0), 420.0), -126.0);
        return fma(t * x, x2 * x2, 1.0);
    case CORE_E:
        if (x >= 1.0) return 0.0;
        return SF_E * exp(1.0 / fma(x, x, -1.0));
    }
    return 0.0;
}

static inline double core_derivative(int core, double x, double value)
{
    double u, u2;
    switch (core) {
    case CORE_P1:
        return 6.0 * x * (x - 1.0);
    case CORE_P2:
        u = x * (x - 1.0);
        return -30.0 * u * u;
    case CORE_P3:
        u = x * (x - 1.0);
        return 140.0 * u * u * u;
    case CORE_P4:
        u = x * (x - 1.0);
        u2 = u * u;
        return -630.0 * u2 * u2;
    case CORE_E:
        if (x >= 1.0) return 0.0;
        u = x * x - 1.0;
        return value * (-2.0 * x / (u * u));
    }
    return 0.0;
}

/* d/dx of ½(cos πx + 1). Out of line: where cos and sin of one argument meet in one function
 * the compiler calls sincos, which would cost every value-only evaluation a sine too. */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((noinline))
#endif
static double cos_slope(double x)
{
    return -0.5 * SF_PI * sin(SF_PI * x);
}

/* f_c(r) and (if ``df`` is not NULL) df_c/dr of the global cutoff function; 0 for r >= r_c. */
static inline void cutoff_eval(const Cutoff *c, double r, double *f, double *df)
{
    double x, t, value, derivative = 0.0;
    if (r >= c->rc) {
        *f = 0.0;
        if (df) *df = 0.0;
        return;
    }
    switch (c->type) {
    case CUT_HARD:
        *f = 1.0;
        if (df) *df = 0.0;
        return;
    case CUT_TANHU:
    case CUT_TANH:
        t = tanh(1.0 - r * c->inv_rc);
        value = (c->type == CUT_TANH ? c->tanh_pre * t : t) * (t * t);
        *f = value;
        if (df)
            *df = -3.0 * (c->type == CUT_TANH ? c->tanh_pre : 1.0) * t * t * (1.0 - t * t)
                  * c->inv_rc;
        return;
    }
    if (r < c->r_ci) {
        *f = 1.0;
        if (df) *df = 0.0;
        return;
    }
    x = (r - c->r_ci) * c->inv_width;
    if (x < 0.0) x = 0.0;
    if (x > 1.0) x = 1.0;
    switch (c->type) {
    case CUT_COS:
        value = 0.5 * (cos(SF_PI * x) + 1.0);
        if (df) derivative = cos_slope(x);
        break;
    case CUT_EXP:
        value = core_value(CORE_E, x);
        if (df) derivative = core_derivative(CORE_E, x, value);
        break;
    default: /* poly1 .. poly4 are the cores p1 .. p4 */
        value = core_value(c->type - CUT_POLY1 + CORE_P1, x);
        if (df) derivative = core_derivative(c->type - CUT_POLY1 + CORE_P1, x, value);
        break;
    }
    *f = value;
    if (df) *df = derivative * c->inv_width;
}

/* A compact window C(v; left, right) = core(|v - m|/w) (the "a" variants: core((2 - y) y)),
 * zero unless left < v < right; and dC/dv. ``scale`` = 1/w, ``centre`` = m. */
typedef struct {
    int core;       /* CORE_* (with CORE_ASYMMETRIC for an "a" variant applied to v) */
    double left, right, centre, scale;
} Window;

static Window window_make(int core, double left, double right)
{
    Window w;
    w.core = core;
    w.left = left;
    w.right = right;
    w.centre = (right + left) / 2.0;
    w.scale = 1.0 / ((right - left) / 2.0);
    return w;
}

static inline int window_eval(const Window *w, double v, double *value, double *derivative)
{
    double d, y, dy, c, f;
    int core;
    if (!(v > w->left && v < w->right)) {
        *value = 0.0;
        *derivative = 0.0;
        return 0;
    }
    d = (v - w->centre) * w->scale;
    y = fabs(d);
    if (y > 1.0) y = 1.0;
    dy = (d < 0.0 ? -w->scale : w->scale);
    core = w->core & ~CORE_ASYMMETRIC;
    if (w->core & CORE_ASYMMETRIC) {
        dy *= 2.0 - 2.0 * y;
        y = (2.0 - y) * y;
    }
    c = core_value(core, y);
    f = core_derivative(core, y, c);
    *value = c;
    *derivative = f * dy;
    return 1;
}

/* base^zeta for the Gaussian angular factor (0 for base <= 0), an integer zeta by repeated
 * squaring; and d/dbase. */
static inline double power_int(double square, long n)
{
    double out = 1.0;
    int started = 0;
    while (n) {
        if (n & 1) {
            out = started ? out * square : square;
            started = 1;
        }
        n >>= 1;
        if (n) square *= square;
    }
    return out;
}

static inline double angular_power(double base, double zeta, long izeta)
{
    if (izeta > 0) return power_int(base > 0.0 ? base : 0.0, izeta);
    return base > 0.0 ? pow(base, zeta) : 0.0;
}

static inline double angular_power_derivative(double base, double zeta, long izeta)
{
    if (base <= 0.0) return 0.0;
    if (izeta > 0) return zeta * (izeta == 1 ? 1.0 : power_int(base, izeta - 1));
    return zeta * pow(base, zeta - 1.0);
}

#endif
