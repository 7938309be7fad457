/*
 * rta/rate.h - the rate-of-duty text of the US HTS, understood.
 *
 * Why: USITC publishes rates as text ("16.5%", "3.9¢/kg", "5.6¢/kg + 4.5%",
 * "The duty provided in the applicable subheading + 25%", watch rates on the
 * case and the strap...). The duty engine needs them as numbers, and it must
 * never treat an unknown shape as zero. This module turns one rate text into a
 * fixed-size rta_rate without allocating: ad valorem parts in integer
 * millionths, specific parts in integer micro-dollars per unit, and every other
 * shape as a typed kind that keeps saying which extra input it needs.
 * An unknown shape is an error (RTA_ERR_PARSE) naming the text and the column.
 */
#ifndef RTA_RATE_H
#define RTA_RATE_H

#include "rta/error.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum rta_rate_kind {
    RTA_RATE_NONE = 0,   /* empty cell: nothing stated here (inherits in the tree) */
    RTA_RATE_FREE,       /* "Free" */
    RTA_RATE_AD_VALOREM, /* one ad valorem part on the full customs value */
    RTA_RATE_SPECIFIC,   /* one specific part per unit of the line's quantity */
    RTA_RATE_COMPOUND,   /* sum of two or more plain ad valorem / specific parts */
    /* Non-structured kinds: the parts may be filled where the text has numbers,
     * but computing the duty needs the extra input named in `needs`. */
    RTA_RATE_REFERENCE,     /* duty of another subheading/heading (+/- an adder) */
    RTA_RATE_COMPONENTS,    /* rates on components: watch case, strap, battery, jewels... */
    RTA_RATE_CONTENT,       /* on a content or partial quantity: lead content, drained weight */
    RTA_RATE_SLIDING_SCALE, /* "less X for each degree under N degrees ... not less than" */
    RTA_RATE_UNDER_BOND,    /* "Free, under bond, as prescribed in U.S. note N" */
    RTA_RATE_CONDITIONAL,   /* "Free, for such temporary periods as ..." */
    RTA_RATE_VALUE_BASIS,   /* a duty on another value: repairs, fair retail value, less US parts */
    RTA_RATE_SEE_NOTE,      /* "See additional U.S. note N" */
    RTA_RATE_NO_CHANGE,     /* "No change" (chapter 99) */
    RTA_RATE_SET,           /* ensembles and sets: the rate of the articles in it */
    RTA_RATE_KIND_COUNT
} rta_rate_kind;

/* Extra input a kind needs before a duty can be computed (bit mask). */
enum {
    RTA_NEED_QUANTITY = 1u << 0,         /* a quantity in the part's unit */
    RTA_NEED_REFERENCE_RATE = 1u << 1,   /* the rate of the referenced subheading */
    RTA_NEED_COMPONENT_VALUES = 1u << 2, /* values/counts of named components */
    RTA_NEED_CONTENT_QUANTITY = 1u << 3, /* quantity of a content (lead, drained weight...) */
    RTA_NEED_DEGREE = 1u << 4,           /* polarization degree or similar measure */
    RTA_NEED_NOTE = 1u << 5,             /* a U.S. note must be read by a person */
    RTA_NEED_OTHER_VALUE = 1u << 6,      /* a value other than the customs value */
    RTA_NEED_BOND = 1u << 7              /* entry under bond / temporary import conditions */
};

typedef enum rta_rate_part_kind {
    RTA_PART_AD_VALOREM = 1,
    RTA_PART_SPECIFIC = 2,
    /* SLIDING_SCALE only: the reduction per degree and the floor (never summed) */
    RTA_PART_STEP = 3,
    RTA_PART_MINIMUM = 4
} rta_rate_part_kind;

#define RTA_RATE_MAX_PARTS 6

/* One number of a rate with what it applies to.
 * Exactness: the integer fields hold the stated amount rounded half up to the
 * unit (millionths, micro-dollars); exact_num / exact_den hold it exactly in
 * the same unit, reduced, with exact_den == 1 when the integer is exact. Most
 * rates are exact; the HTS also prints "0.020668¢/kg" (206.68 micro-dollars:
 * micro_usd 207, exact 5167/25) and "33 1/3%" (333333 millionths, exact
 * 1000000/3). A duty engine that wants the last cent uses the fraction. */
typedef struct rta_rate_part {
    rta_rate_part_kind kind;
    int64_t ad_valorem_millionths; /* 16.5% -> 165000 (ad valorem parts) */
    int64_t micro_usd;             /* 3.9 cents -> 39000; $1.035 -> 1035000 (other parts) */
    int64_t exact_num;             /* the amount exactly: exact_num / exact_den, same unit */
    int64_t exact_den;             /* >= 1; 1 when the integer field above is exact */
    int64_t per;                   /* divisor of the unit: 1000 in "89.6¢/1000", else 1 */
    char unit[24];                 /* canonical unit (rta/unit.h): "kg", "liter", "pf.liter",
                                      "doz.", "each", "clean kg"...; "" for ad valorem parts */
    char basis[80];                /* "" = customs value / line quantity; else what the part is on:
                                      "drained weight", "the value of the lead content",
                                      "the case", "over 7" (jewels)... For structured kinds it is
                                      "" or names the whole customs value ("the entire set") */
    int sign;                      /* +1, or -1 for a subtracted part ("minus 0.5%", a step) */
} rta_rate_part;

typedef struct rta_rate {
    rta_rate_kind kind;
    unsigned needs; /* RTA_NEED_* */
    int nparts;
    rta_rate_part parts[RTA_RATE_MAX_PARTS];
    /* REFERENCE, VALUE_BASIS, NO_CHANGE...: what the rate refers to, as printed
     * after the verb: "applicable subheading", "such subheading", "natural juice
     * in heading 2009", "9823.04.01-9823.04.54", "complete movement" (the cap of
     * a movement rate); "" if none. */
    char reference[128];
    /* SLIDING_SCALE ("3.6606¢/kg less 0.020668¢/kg for each degree under 100
     * degrees ... but not less than 3.143854¢/kg"): parts[0] is the base rate,
     * parts[1] the RTA_PART_STEP and parts[2] the RTA_PART_MINIMUM with their
     * exact fractions; these copies are rounded half up, micro-dollars per unit. */
    int64_t step_micro_usd;
    int64_t min_micro_usd;
    int64_t scale_degrees; /* 100 in "for each degree under 100 degrees", else 0 */
} rta_rate;

/* Parses one rate text (a General, Column 2, or one rate of the Special
 * column without its program list). `text` need not be NUL-terminated; `len`
 * bytes are read. Leading/trailing spaces are ignored; "" gives RTA_RATE_NONE.
 * HTML tags left in the data ("m<sup>2</sup>", "<u></u>"), newlines and
 * no-break spaces are read as the schedule prints them; a cell of punctuation
 * only (":" in 9913.95.01 Column 2) states no rate and gives RTA_RATE_NONE.
 * On an unknown shape returns RTA_ERR_PARSE and fills err with the text and
 * the 1-based byte column where understanding stopped (input name and line
 * left empty for the caller to fill). RTA_ERR_RANGE when a number overflows or
 * a text exceeds a fixed capacity (texts over 1023 bytes after cleaning, more
 * than RTA_RATE_MAX_PARTS parts). On error *out is RTA_RATE_NONE. Never
 * allocates; out and text must not be NULL (RTA_ERR_INVALID). */
rta_status rta_rate_parse(const char *text, size_t len, rta_rate *out, rta_error *err);

/* Stable lowercase name of a kind: "free", "ad_valorem", "specific", "compound",
 * "reference", "components", "content", "sliding_scale", "under_bond",
 * "conditional", "value_basis", "see_note", "no_change", "set", "none". */
const char *rta_rate_kind_name(rta_rate_kind kind);

/* 1 for free/ad_valorem/specific/compound/none (structured: the duty follows
 * from the parts, the customs value and the line quantity), else 0. */
int rta_rate_kind_is_structured(rta_rate_kind kind);

/* The shape of a rate text: every number replaced by N and spaces trimmed
 * ("46.3¢/kg + 14.9%" -> "N¢/kg + N%"). Writes a NUL-terminated string into
 * buf (truncated to size) and returns the length it needed. */
size_t rta_rate_shape(const char *text, size_t len, char *buf, size_t size);

/* ---- the Special column: "Free (A+,AU,BH) 3.5% (JO) See 9823.xx" ---- */

#define RTA_SPECIAL_MAX_GROUPS   16
#define RTA_SPECIAL_MAX_PROGRAMS 48

typedef struct rta_special_program {
    char code[6]; /* as printed, marker kept: "AU", "A+", "A*", "P+" */
    int group;    /* index into rta_special.rates */
} rta_special_program;

typedef struct rta_special {
    int ngroups;
    rta_rate rates[RTA_SPECIAL_MAX_GROUPS];
    /* Where each group's rate text is in the cell (byte offset and length,
     * spaces trimmed): "Free" and "3.5%" in "Free (A+,AU) 3.5% (JO)". */
    size_t rate_offset[RTA_SPECIAL_MAX_GROUPS];
    size_t rate_length[RTA_SPECIAL_MAX_GROUPS];
    /* Index of a group printed without a program list, which applies to every
     * program (chapter 99: "The duty provided in the applicable subheading +
     * 25%"); -1 if none. Only a cell holding one rate and no list has one. */
    int all_group;
    int nprograms;
    rta_special_program programs[RTA_SPECIAL_MAX_PROGRAMS];
} rta_special;

/* Parses a Special column cell into rate groups and their program codes.
 * A program list is a parenthesis of codes (1-3 capital letters, an optional
 * "+" or "*" marker) separated by commas or spaces; the printed slips "(PA
 * (PA)", ".OM", "E IL" and a trailing comma are read as the codes they mean,
 * and a code listed twice for one rate is kept once. Parentheses that are not
 * code lists ("(see U.S. note 4 ...)", "3(e)") belong to the rate text.
 * "" gives ngroups = 0. Errors as rta_rate_parse, with the column in the whole
 * cell; RTA_ERR_RANGE past RTA_SPECIAL_MAX_GROUPS or _PROGRAMS. Never
 * allocates. */
rta_status rta_special_parse(const char *text, size_t len, rta_special *out, rta_error *err);

/* Looks up the rate a program code gets ("AU"; a marker on the printed code,
 * "A+" or "A*", matches the bare "A" too; an exact match wins). A cell with
 * an all_group answers it for every code. Returns NULL if the program is not
 * listed. The pointer is borrowed from sp. */
const rta_rate *rta_special_find(const rta_special *sp, const char *code);

/* ---- JSON rendering, used by the CLI and the server ---- */

/* Writes the JSON object of the contract for one column:
 *   {"text": ..., "kind": ..., "structured": true|false,
 *    "ad_valorem_millionths": N (where exactly one ad valorem part),
 *    "specific": [{"micro_usd": N, "unit": "kg", "per": N, "basis": "..."}],
 *    "parts": [{"kind": "ad_valorem"|"specific"|"step"|"minimum", ...,
 *               "sign": 1, "exact": {"num": N, "den": N} (when rounded)}],
 *    "reference": "..." (when set), "scale_degrees": N (sliding scale),
 *    "needs": ["quantity", "reference_rate", "component_values",
 *              "content_quantity", "degree", "note", "other_value", "bond"]}
 * snprintf-style: writes at most size bytes (NUL-terminated when size > 0; buf
 * may be NULL when size is 0) and returns the length needed. `text` is the
 * original cell text (NUL-terminated; NULL gives ""); invalid UTF-8 in it is
 * written as U+FFFD so the output is always valid JSON. */
size_t rta_rate_to_json(const rta_rate *rate, const char *text, char *buf, size_t size);

/* Same for the Special column:
 *   {"text": ..., "groups": [{"rate": "Free", "kind": "free", ...,
 *                              "programs": ["A+", "AU"]}],
 *    "programs": [{"code": "AU", "rate": "Free", "kind": "free", ...}]}
 * where "..." are the fields of rta_rate_to_json and "rate" is the group's
 * text in the cell. */
size_t rta_special_to_json(const rta_special *sp, const char *text, char *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif
