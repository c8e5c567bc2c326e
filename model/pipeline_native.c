/* model/pipeline_native.c: model/pipeline.py's _play_fast in C, for the benches' predictor.

   The same rules 1-5 of model/pipeline.py's docstring and the same scheduler step as
   model/scheduler.py's stepper (bit-parallel per level, Fig 10), on the same tables
   (scheduler._tables), with the state in local arrays. Results are not computed here:
   every job gets an id, and Python (model/native.py) computes the values with the model's
   own finish() and maps ids to values. model/tests/test_pipeline.py holds this equal to the
   literal outputs()/clock() loop on every kind of run, cycle by cycle.

   Built by model/native.py with the machine's C compiler (cc, gcc or g++; -O2 -shared). */

#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MAX_DEPTH 8
#define MAX_STREAMS 16
#define MAX_OPTS 16
#define MAX_LEVELS 64
#define MAX_QUEUE (4 * MAX_DEPTH)

typedef struct {
    int32_t depth, kind;            /* kind 0: a scheduler (PE or tile), 1: dense (one row per step) */
    int32_t n, streams;             /* lanes; pending masks per queue row (1 PE, ROWS tile) */
    int32_t nlevels, nopt;
    uint64_t full;
    uint64_t level_mask[MAX_LEVELS];
    int32_t opt_row[MAX_OPTS], opt_shift[MAX_OPTS];
} Plan;

typedef struct {                    /* the model's state, in and out */
    int32_t count;                  /* queued rows */
    uint64_t pend[MAX_QUEUE * MAX_STREAMS];
    uint8_t last[MAX_QUEUE];
    int64_t src[MAX_QUEUE];         /* per queued row: beat index * MAX_DEPTH + row, or -1 - k for carried row k */
    int32_t job_len;                /* good beats of the job being received */
    int32_t carry;                  /* the job being received began before this run */
    int32_t qlen;                   /* queued job ids (results whose last row arrived) */
    int64_t queue[MAX_QUEUE];
    int32_t op_valid, op_last, out_valid, err;
    int64_t op_result, out_data;    /* job ids */
} State;

/* One scheduler step on a window of depth rows (one stream's masks); returns AS. */
static int step_one(const Plan *p, uint64_t *w) {
    const int n = p->n;
    for (int l = 0; l < p->nlevels; l++) {
        uint64_t pending = p->level_mask[l];
        for (int k = 0; k < p->nopt; k++) {
            const int row = p->opt_row[k], shift = p->opt_shift[k];
            const uint64_t x = w[row];
            if (!x) continue;
            uint64_t take;
            if (shift) take = ((x >> shift) | (x << (n - shift))) & p->full & pending;
            else take = x & pending;
            if (take) {
                pending &= ~take;
                w[row] = x & ~(shift ? (((take << shift) | (take >> (n - shift))) & p->full) : take);
                if (!pending) break;
            }
        }
    }
    int as_rows = 0;
    while (as_rows < p->depth && !w[as_rows]) as_rows++;
    return as_rows;
}

static void pop_rows(State *s, int adv, int R) {
    memmove(s->pend, s->pend + adv * R, sizeof(uint64_t) * (size_t)((s->count - adv) * R));
    memmove(s->last, s->last + adv, (size_t)(s->count - adv));
    memmove(s->src, s->src + adv, sizeof(int64_t) * (size_t)(s->count - adv));
    s->count -= adv;
}

/* Returns the number of cycles played (the run's length), or -1 - idx when the control
   arrays ended first (idx = beats accepted). Per cycle: samples[c] and out_id[c] (the job
   id out_data shows). Per job completed (last beat pushed): its beats, in order, as
   job_beats[job_off[j] .. job_off[j+1]), job_cont[j] = 1 if it continues the job the run
   began with. New job ids are first_id, first_id + 1, ... Returns the state in *s. */
int64_t play(const Plan *p, State *s, int64_t nbeats, const int32_t *beat_rows, const uint8_t *beat_last,
             const int64_t *beat_pend, const uint64_t *pend_flat,
             int64_t cycles, const uint8_t *rst, const uint8_t *bubble, const uint8_t *ready, int64_t tail,
             uint8_t *samples, int64_t *out_id, int64_t first_id,
             int64_t *job_beats, int64_t *job_off, uint8_t *job_cont, int64_t *njobs_out, int64_t *cur_beats,
             int64_t *ncur_out) {
    const int depth = p->depth, room = 2 * depth, R = p->kind == 0 ? p->streams : 0;
    int64_t idx = 0, end = -1, njobs = 0, nbeat_entries = 0, ncur = 0;
    int holding = 0;
    int64_t c;
    job_off[0] = 0;
    for (c = 0; c < cycles; c++) {
        const int count = s->count;
        const int in_ready = count <= room;
        const int r = rst[c] != 0;
        const int valid = idx < nbeats && !r && (holding || !bubble[c]);
        const int rdy = ready[c] != 0;
        samples[c] = (uint8_t)(r | valid << 1 | in_ready << 2 | s->out_valid << 3 | rdy << 4 | s->err << 5
                               | (count < depth ? count : depth) << 6);
        out_id[c] = s->out_data;
        const int accepted = valid && in_ready;
        if (r) {                                                        /* rule 5 */
            s->count = 0;
            s->job_len = 0;
            s->carry = 0;
            ncur = 0;
            s->qlen = 0;
            s->op_valid = s->op_last = s->out_valid = s->err = 0;
            s->op_result = s->out_data = 0;                             /* id 0 is the value 0 */
        } else {
            const int enable = rdy || !s->out_valid;                    /* rule 4 */
            int stepped = 0, job_end = 0, adv = 0;
            if (enable && count) {                                      /* rule 3 */
                if (p->kind == 1) {
                    stepped = 1;
                    job_end = s->last[0];
                    adv = 1;
                } else {
                    const int lim = count < depth ? count : depth;
                    int job_rows = depth, has_last = 0;
                    for (int k = 0; k < lim; k++)
                        if (s->last[k]) { job_rows = k + 1; has_last = 1; break; }
                    if (count >= depth || has_last) {
                        int as_min = depth + 1;
                        for (int q = 0; q < R; q++) {
                            uint64_t w[MAX_DEPTH];
                            for (int k = 0; k < depth; k++) w[k] = k < job_rows ? s->pend[k * R + q] : 0;
                            const int as_rows = step_one(p, w);
                            for (int k = 0; k < job_rows; k++) s->pend[k * R + q] = w[k];
                            if (as_rows < as_min) as_min = as_rows;
                        }
                        stepped = 1;
                        job_end = has_last && as_min >= job_rows;
                        adv = as_min < job_rows ? as_min : job_rows;
                    }
                }
            }
            if (enable) {
                if (s->op_valid && s->op_last) s->out_data = s->op_result;
                s->out_valid = s->op_valid && s->op_last;
                s->op_valid = stepped;
                s->op_last = job_end;
                if (job_end) {
                    s->op_result = s->queue[0];
                    memmove(s->queue, s->queue + 1, sizeof(int64_t) * (size_t)(s->qlen - 1));
                    s->qlen--;
                }
            }
            if (adv) pop_rows(s, adv, R);
            if (accepted) {                                             /* rules 1, 2 */
                const int rows = beat_rows[idx];
                if (rows < 1 || rows > depth) {
                    s->err = 1;
                } else {
                    const uint64_t *pm = pend_flat + beat_pend[idx];
                    for (int k = 0; k < rows; k++) {
                        for (int q = 0; q < R; q++) s->pend[(s->count + k) * R + q] = pm[k * R + q];
                        s->last[s->count + k] = k == rows - 1 && beat_last[idx];
                        s->src[s->count + k] = idx * MAX_DEPTH + k;
                    }
                    s->count += rows;
                    s->job_len++;
                    cur_beats[ncur++] = idx;
                    if (beat_last[idx]) {
                        for (int64_t k = 0; k < ncur; k++) job_beats[nbeat_entries++] = cur_beats[k];
                        job_cont[njobs] = (uint8_t)s->carry;
                        job_off[++njobs] = nbeat_entries;
                        s->queue[s->qlen++] = first_id + njobs - 1;
                        s->job_len = 0;
                        s->carry = 0;
                        ncur = 0;
                    }
                }
            }
        }
        if (accepted) {
            idx++;
            holding = 0;
        } else {
            holding = valid;
        }
        if (end < 0 && idx == nbeats && !(s->count || s->job_len || s->op_valid || s->out_valid)) end = c + tail;
        if (end >= 0 && c >= end) break;
    }
    *njobs_out = njobs;
    *ncur_out = ncur;
    if (c >= cycles) return -1 - idx;
    return c + 1;
}

int32_t limits(int32_t which) {
    switch (which) {
    case 0: return MAX_DEPTH;
    case 1: return MAX_STREAMS;
    case 2: return MAX_OPTS;
    case 3: return MAX_LEVELS;
    case 4: return MAX_QUEUE;
    default: return (int32_t)sizeof(State);
    }
}

#ifdef __cplusplus
}
#endif
