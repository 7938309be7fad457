/*
 * rta/bom.h - a bill of materials, the input of a rules-of-origin verdict.
 *
 * Why: whether a product "originates" depends on what it is made of: the HS
 * code, origin and value of each material, sometimes its weight (textile
 * tolerances are by weight), the processes the producer performed, and the
 * price of the product on a stated basis (ex-works, FOB or transaction
 * value). A compliance officer keeps this as a file; rta reads it as JSON
 * (format in docs/origin.md, examples in examples/bom_*.json) and checks it
 * strictly: a fault names the file, line:column and the field, because a
 * silently misread value would turn into a wrong origin claim.
 *
 * Money is integer cents (one currency for the whole bill), weights integer
 * grams. A material whose origin is not known is kept as unknown and counts
 * as non-originating in every verdict.
 */
#ifndef RTA_BOM_H
#define RTA_BOM_H

#include "rta/code.h"
#include "rta/error.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum rta_price_basis {
    RTA_PRICE_EX_WORKS = 0, /* "ex-works": the price paid to the producer */
    RTA_PRICE_FOB,          /* "fob": free on board */
    RTA_PRICE_TRANSACTION   /* "transaction": the customs transaction value */
} rta_price_basis;

/* Bounds the reader enforces and rta_verdict checks, so that every sum of a
 * bill fits in int64: an amount, and the total of the material values, is
 * below $1 trillion (12 integer digits of dollars); a weight below 10^9 kg. */
#define RTA_BOM_MAX_CENTS INT64_C(99999999999999)
#define RTA_BOM_MAX_GRAMS INT64_C(999999999999)

/* "ex-works", "fob", "transaction". */
const char *rta_price_basis_name(rta_price_basis basis);

typedef struct rta_bom_material {
    rta_code hs;                  /* 4 to 10 digits (the heading at least) */
    char origin[3];               /* ISO 3166 alpha-2, upper case; "" = unknown */
    int64_t value_cents;          /* value of the material (>= 0) */
    int64_t weight_g;             /* net weight in grams; -1 when not given */
    const char *description;      /* "" if none */
    const char *const *processes; /* processes declared for this material by its
                                   * supplier ("weaving"), lower case */
    int nprocesses;
    long line; /* line of the material in the file (0 if built in code) */
} rta_bom_material;

/* A bill of materials. Filled by rta_bom_parse/rta_bom_read (then every
 * pointer is owned by the bom: free it with rta_bom_free), or built by a
 * caller in its own memory (then rta_bom_free must not be called on it). */
typedef struct rta_bom {
    rta_code hs;                  /* the product, 6 to 10 digits */
    const char *description;      /* "" if none */
    char producer_country[3];     /* where the product is made ("VN" by default) */
    rta_price_basis price_basis;  /* basis of price_cents */
    int64_t price_cents;          /* > 0 */
    int64_t net_cost_cents;       /* -1 when not declared */
    int64_t weight_g;             /* net weight of the product in grams; -1 if not given */
    const char *currency;         /* "USD" by default; informative only */
    const char *const *processes; /* processes the producer declares, lower case */
    int nprocesses;
    const rta_bom_material *materials;
    int nmaterials;
    const char *input; /* file name the bom was read from ("" if built in code) */
} rta_bom;

/* Parses a BOM JSON document of len bytes; input names it in errors. On
 * success *out is a new bom (free with rta_bom_free); on failure *out is NULL
 * and err says "input:line:col: field \"...\": what is wrong". */
rta_status rta_bom_parse(const char *text, size_t len, const char *input, rta_bom **out,
                         rta_error *err);

/* Reads and parses the file at path (gzip allowed). */
rta_status rta_bom_read(const char *path, rta_bom **out, rta_error *err);

/* Frees a bom returned by rta_bom_parse/rta_bom_read; NULL is allowed. */
void rta_bom_free(rta_bom *bom);

/* Sum of the material values, in cents (at most RTA_BOM_MAX_CENTS for a bill
 * the reader accepted). */
int64_t rta_bom_materials_total(const rta_bom *bom);

#ifdef __cplusplus
}
#endif

#endif
