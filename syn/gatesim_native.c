/* The library-delay (inertial) gate-level step of syn/gatesim.py in C: GateSim.evaluate_inertial
 * is the specification (same semantics, same counts; syn/test_power.py holds them equal).
 *
 * One call = one clock cycle. From the previous cycle's settled values (prev) and the present
 * ones (V: new inputs and flip-flop outputs), every net that changed is counted; the ops (one
 * output pin of one cell) that read a changed net are evaluated at that time and their output
 * is scheduled one cell delay later. An op evaluated again before its pending value matures
 * replaces it (inertial delay, rejection limit = delay); an evaluation that gives the present
 * value cancels it. Events live on a timing wheel of max-delay + 1 slots. Each net is one
 * 64-bit word (bit i = simulator lane i); transitions are counted per lane in bit-sliced
 * counters (planes[k * n + net] = bit k of each lane's count), for the lanes in `active`.
 *
 * An op's function is its truth table (bit m = the output for input minterm m, input j = bit j
 * of m; at most 5 inputs), evaluated bit-parallel by Shannon expansion.
 *
 * Returns the tick of the last transition, -1 if a counter overflowed, -2 if out of memory.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t u64;

#define MAX_IN 5

int32_t gatesim_max_in(void) { return MAX_IN; }

static inline u64 eval_tt(uint32_t tt, int k, const u64 *x) {
    u64 v[1 << MAX_IN];
    int m = 1 << k;
    for (int i = 0; i < m; i++) v[i] = ((tt >> i) & 1u) ? ~(u64)0 : 0;
    for (int j = 0; j < k; j++) {
        m >>= 1;
        for (int i = 0; i < m; i++) v[i] = (x[j] & v[2 * i + 1]) | (~x[j] & v[2 * i]);
    }
    return v[0];
}

typedef struct { int64_t *ops; int64_t len, cap; } Slot;

static int push(Slot *s, int64_t op) {
    if (s->len == s->cap) {
        int64_t cap = s->cap ? 2 * s->cap : 64;
        int64_t *p = realloc(s->ops, (size_t)cap * sizeof *p);
        if (!p) return -1;
        s->ops = p;
        s->cap = cap;
    }
    s->ops[s->len++] = op;
    return 0;
}

/* +1 per lane bit of d & active to net's counters; 0, or -1 on overflow */
static inline int count(u64 *planes, int64_t n, int32_t bits, int64_t net, u64 c) {
    for (int32_t k = 0; k < bits && c; k++) {
        u64 p = planes[(int64_t)k * n + net];
        planes[(int64_t)k * n + net] = p ^ c;
        c &= p;
    }
    return c ? -1 : 0;
}

int64_t gatesim_inertial(int64_t n, int64_t nops, const int64_t *op_out, const int32_t *op_ticks,
                         const int32_t *op_nin, const int64_t *op_in, int32_t in_stride,
                         const uint32_t *op_tt, const int64_t *fan_ptr, const int64_t *fan_ops,
                         u64 *V, u64 *prev, u64 *planes, int32_t counter_bits, u64 active) {
    int32_t maxd = 1;
    for (int64_t o = 0; o < nops; o++)
        if (op_ticks[o] > maxd) maxd = op_ticks[o];
    int64_t W = (int64_t)maxd + 1;
    int64_t *pend_t = malloc((size_t)(nops ? nops : 1) * sizeof *pend_t);
    u64 *pend_v = malloc((size_t)(nops ? nops : 1) * sizeof *pend_v);
    int64_t *stamp = malloc((size_t)(nops ? nops : 1) * sizeof *stamp);
    int64_t *dirty = malloc((size_t)(nops ? nops : 1) * sizeof *dirty);
    int64_t *changed = malloc((size_t)(n ? n : 1) * sizeof *changed);
    Slot *wheel = calloc((size_t)W, sizeof *wheel);
    int64_t ret = 0, last = 0, queued = 0, nchanged = 0, t = 0;
    if (!pend_t || !pend_v || !stamp || !dirty || !changed || !wheel) { ret = -2; goto out; }
    for (int64_t o = 0; o < nops; o++) { pend_t[o] = -1; stamp[o] = -1; }

    for (int64_t i = 0; i < n; i++) {
        u64 d = V[i] ^ prev[i];
        if (d) {
            changed[nchanged++] = i;
            if (count(planes, n, counter_bits, i, d & active)) { ret = -1; goto out; }
        }
    }
    for (;;) {
        /* evaluate every op reading a net that changed at t */
        int64_t nd = 0;
        for (int64_t c = 0; c < nchanged; c++) {
            int64_t net = changed[c];
            for (int64_t f = fan_ptr[net]; f < fan_ptr[net + 1]; f++) {
                int64_t o = fan_ops[f];
                if (stamp[o] != t) { stamp[o] = t; dirty[nd++] = o; }
            }
        }
        for (int64_t i = 0; i < nd; i++) {
            int64_t o = dirty[i];
            u64 x[MAX_IN];
            for (int j = 0; j < op_nin[o]; j++) x[j] = V[op_in[o * in_stride + j]];
            u64 v = eval_tt(op_tt[o], op_nin[o], x);
            if (v == V[op_out[o]]) { pend_t[o] = -1; continue; }
            int64_t due = t + op_ticks[o];
            pend_t[o] = due;
            pend_v[o] = v;
            if (push(&wheel[due % W], o)) { ret = -2; goto out; }
            queued++;
        }
        /* the next time anything is due; mature what still is */
        nchanged = 0;
        while (queued && !nchanged) {
            t++;
            Slot *s = &wheel[t % W];
            queued -= s->len;
            for (int64_t i = 0; i < s->len; i++) {
                int64_t o = s->ops[i];
                if (pend_t[o] != t) continue;      /* replaced or cancelled since */
                pend_t[o] = -1;
                int64_t net = op_out[o];
                u64 d = pend_v[o] ^ V[net];
                if (!d) continue;
                V[net] = pend_v[o];
                changed[nchanged++] = net;
                if (count(planes, n, counter_bits, net, d & active)) { ret = -1; goto out; }
                last = t;
            }
            s->len = 0;
        }
        if (!nchanged) break;
    }
    memcpy(prev, V, (size_t)n * sizeof *V);
    ret = last;
out:
    if (wheel) for (int64_t i = 0; i < W; i++) free(wheel[i].ops);
    free(wheel); free(pend_t); free(pend_v); free(stamp); free(dirty); free(changed);
    return ret;
}
