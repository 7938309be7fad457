/*
 * rta/negotiation.h - a bilateral tariff negotiation kept in the store:
 * delegations, rounds, offer and request lists with immutable versions, and
 * the status of each line across rounds.
 *
 * Why: a negotiation is a sequence of sessions (ministerial, technical,
 * working group) in which each delegation tables offers (what it gives) and
 * requests (what it asks), line by line, and revises them. The technical team
 * needs the history (who changed what, when), the current text, and "what is
 * still open" as a query. These are user data: they live in their own tables
 * of the store and survive `rta import`.
 *
 * Model (docs/negotiation.md):
 * - a negotiation has exactly two parties (delegations), ISO 3166 alpha-2
 *   codes present in the store's country table; each party's market code is
 *   its own code (the customs territory whose tariff it negotiates);
 * - rounds are numbered from 1 per negotiation, with a date, place, level and
 *   topic;
 * - a list is identified by (negotiation, party, round, kind); it has status
 *   draft -> exchanged, or withdrawn, and versions 1, 2, ...; a version is
 *   immutable (the store refuses UPDATE and DELETE on it): a change is a new
 *   version with its author and time;
 * - a line item is (negotiation, party, kind, scope); its status (agreed,
 *   outstanding, withdrawn) is an append-only history of events, each with
 *   the round it was decided in; no event = outstanding.
 *
 * Confidentiality: every read takes a `viewer` delegation. A draft list is
 * visible only to its own delegation; exchanged and withdrawn lists to both.
 * Reading another delegation's draft fails with RTA_ERR_NOT_FOUND ("no list
 * ... visible to delegation X"), the same answer as for a list that does not
 * exist, so the refusal does not disclose what the other side is drafting.
 * viewer "" or NULL sees only exchanged and withdrawn lists.
 *
 * Writes are single transactions: a failure changes nothing.
 */
#ifndef RTA_NEGOTIATION_H
#define RTA_NEGOTIATION_H

#include "rta/date.h"
#include "rta/error.h"
#include "rta/lines.h"
#include "rta/snapshot.h"
#include "rta/store.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RTA_NEG_NAME_MAX 64  /* negotiation names: [a-z0-9_-], 1..63 chars, start alnum */
#define RTA_NEG_TEXT_MAX 256 /* titles, places, topics, authors, members: 0..255 bytes */

typedef struct rta_neg_party {
    char code[3];                /* ISO 3166 alpha-2 ("VN") */
    char market[3];              /* the market whose tariff this party negotiates ("VN") */
    char name[RTA_NEG_TEXT_MAX]; /* country name from the store */
} rta_neg_party;

typedef struct rta_negotiation {
    int64_t id;
    char name[RTA_NEG_NAME_MAX];
    char title[RTA_NEG_TEXT_MAX];
    rta_neg_party parties[2];
    int rounds;          /* how many rounds are recorded */
    char created_at[32]; /* UTC, "2026-05-01T10:00:00Z" */
    char created_by[RTA_NEG_TEXT_MAX];
} rta_negotiation;

typedef struct rta_neg_member {
    char party[3];
    char name[RTA_NEG_TEXT_MAX];
    char role[RTA_NEG_TEXT_MAX];
} rta_neg_member;

typedef enum rta_round_level {
    RTA_ROUND_MINISTERIAL = 0,
    RTA_ROUND_TECHNICAL,
    RTA_ROUND_WORKING_GROUP
} rta_round_level;

typedef struct rta_neg_round {
    int number; /* 1.. */
    rta_day date;
    rta_round_level level;
    char place[RTA_NEG_TEXT_MAX];
    char topic[RTA_NEG_TEXT_MAX];
} rta_neg_round;

typedef struct rta_neg_list {
    int64_t id;
    char negotiation[RTA_NEG_NAME_MAX];
    char party[3];
    int round;
    char kind[8];    /* "offer" or "request" */
    char status[12]; /* "draft", "exchanged", "withdrawn" */
    int versions;    /* the current version is the highest */
    int line_count;  /* lines of the current version */
    char updated_at[32];
    char updated_by[RTA_NEG_TEXT_MAX]; /* author of the current version */
} rta_neg_list;

typedef struct rta_neg_version {
    int version;
    char author[RTA_NEG_TEXT_MAX];
    char created_at[32];
    int line_count;
    char source[RTA_NEG_TEXT_MAX]; /* the file it was read from */
} rta_neg_version;

/* One open (or closed) line item of a negotiation. */
typedef struct rta_neg_item {
    char party[3];
    char kind[8];
    rta_line line;   /* as in the latest visible list holding it; description owned */
    int64_t list_id; /* that list */
    int list_round;  /* its round */
    char status[12]; /* "agreed", "outstanding", "withdrawn" */
    int last_round;  /* the last round that touched it (a list or a status change) */
} rta_neg_item;

const char *rta_round_level_name(rta_round_level level); /* "ministerial", "technical", ... */
int rta_round_level_parse(const char *text, rta_round_level *out); /* 0 ok, -1 unknown */

/* Creates a negotiation. parties: "VN,US" (two distinct ISO2 codes known to
 * the store). title may be NULL. author: who records it (non-empty). */
rta_status rta_negotiation_create(rta_store *store, const char *name, const char *parties,
                                  const char *title, const char *author, rta_error *err);

/* Reads one negotiation by name. */
rta_status rta_negotiation_get(rta_store *store, const char *name, rta_negotiation *out,
                               rta_error *err);

/* Every negotiation, by name. *out is malloc'ed (free with free()); may be NULL when *n = 0. */
rta_status rta_negotiation_all(rta_store *store, rta_negotiation **out, size_t *n, rta_error *err);

/* Adds a member (a person of a delegation) to a party. */
rta_status rta_negotiation_member_add(rta_store *store, const char *name, const char *party,
                                      const char *member, const char *role, rta_error *err);

/* The members of a negotiation's delegations; *out malloc'ed (free with free()). */
rta_status rta_negotiation_members(rta_store *store, const char *name, rta_neg_member **out,
                                   size_t *n, rta_error *err);

/* Records a round. Numbers are unique per negotiation; a round's date may
 * not precede an earlier-numbered round's date. */
rta_status rta_negotiation_round_add(rta_store *store, const char *name, const rta_neg_round *round,
                                     rta_error *err);

/* The rounds by number; *out malloc'ed (free with free()). */
rta_status rta_negotiation_rounds(rta_store *store, const char *name, rta_neg_round **out,
                                  size_t *n, rta_error *err);

/* Adds a list (version 1, status draft) or, if (party, round, kind) already
 * has a list, a new version of it (a withdrawn list takes no new version).
 * viewer must be the party itself (a delegation writes only its own lists).
 * source names the file (kept with the version). lines must be non-empty and
 * valid (rta_line_validate). All-or-nothing. *list_id and *version (may be
 * NULL) receive what was written. */
rta_status rta_negotiation_list_add(rta_store *store, const char *name, const char *party,
                                    int round, const char *kind, const rta_lines *lines,
                                    const char *author, const char *source, const char *viewer,
                                    int64_t *list_id, int *version, rta_error *err);

/* Resolves a reference ("7", or "vn-us/VN/3/offer") to a list visible to viewer. */
rta_status rta_negotiation_list_get(rta_store *store, const char *ref, const char *viewer,
                                    rta_neg_list *out, rta_error *err);

/* The lines of version `version` (0 = current) of a list visible to viewer. */
rta_status rta_negotiation_list_version_lines(rta_store *store, const char *ref, const char *viewer,
                                              int version, rta_lines *out, rta_error *err);

/* The versions of a list, oldest first; *out malloc'ed (free with free()). */
rta_status rta_negotiation_list_versions(rta_store *store, const char *ref, const char *viewer,
                                         rta_neg_version **out, size_t *n, rta_error *err);

/* The lists of a negotiation visible to viewer, by round, party, kind;
 * *out malloc'ed (free with free()). */
rta_status rta_negotiation_lists(rta_store *store, const char *name, const char *viewer,
                                 rta_neg_list **out, size_t *n, rta_error *err);

/* Moves a draft to exchanged (only its own delegation may: viewer == party). */
rta_status rta_negotiation_list_exchange(rta_store *store, const char *ref, const char *viewer,
                                         rta_error *err);

/* Withdraws an exchanged list (viewer == party); a draft cannot be withdrawn
 * (it was never on the table, and withdrawing would disclose it). Its
 * versions stay readable. */
rta_status rta_negotiation_list_withdraw(rta_store *store, const char *ref, const char *viewer,
                                         rta_error *err);

/* Records the status of one line (scope as written in the list: "090111" or
 * "6101-6117", dots allowed) of a list visible to viewer: "agreed",
 * "outstanding" or "withdrawn", decided in `round` (0 = the latest recorded
 * round of the negotiation). Either delegation may record it. */
rta_status rta_negotiation_line_status(rta_store *store, const char *ref, const char *viewer,
                                       const char *scope, const char *status, int round,
                                       const char *author, rta_error *err);

/* Line items not yet agreed (status outstanding), of the lists visible to
 * viewer that are not withdrawn, optionally of one party ("" or NULL = both),
 * ordered by party, kind, code. Free with rta_neg_items_free. */
rta_status rta_negotiation_outstanding(rta_store *store, const char *name, const char *party,
                                       const char *viewer, rta_neg_item **out, size_t *n,
                                       rta_error *err);

void rta_neg_items_free(rta_neg_item *items, size_t n);

/* Resolves a list reference ("7" = list id, or "NEGOTIATION/PARTY/ROUND/KIND" e.g.
 * "vn-us/VN/3/offer"), returns the lines of the version viewer reads (its own delegation:
 * the latest; the other: the latest version exchanged) and who applies them to whom:
 * market = the importing party's market code ("US" or "VN"), partner = ISO2 of the exporter
 * whose goods get the treatment (the other party). viewer = the delegation asking ("" = none):
 * a draft list is only visible to its own delegation.
 * An offer of party P applies in P's market to the other party's goods; a
 * request of P asks the other party to apply it in its market to P's goods. */
rta_status rta_negotiation_list_lines(rta_store *store, const char *list_ref, const char *viewer,
                                      rta_lines *out, char market[3], char partner[3],
                                      rta_error *err);

/* What rta_negotiation_list_export used (all fields set even on failure, as far as known). */
typedef struct rta_list_export_info {
    char market[3];    /* the importing market of the list ("US", "VN") */
    char partner[3];   /* whose goods get the treatment */
    rta_day date;      /* the date the US base rates are read on */
    int date_is_round; /* 1 if date is the list's round date (no date was given) */
    char revision[32]; /* the HTS revision in force on date ("" for other markets) */
    size_t lines;      /* rows written */
    size_t with_base;  /* rows with a base rate */
} rta_list_export_info;

/* Writes the list `ref` as seen by viewer (the same visibility and version as
 * rta_negotiation_list_lines) to out as CSV with header
 *   code,description,base_rate,offered_rate,staging_years,treatment,value,base_source
 * (docs/negotiation.md, "Export"). The base rate is given only where one rate
 * is true for the whole scope: US market, an HTS line of 8 or 10 digits in the
 * revision in force on `date` (its General column text as printed); VN market,
 * an AHTN 8-digit line of data_dir/vietnam/vn_evfta_base_rates_ahtn2012.csv.
 * Otherwise base_rate is empty and base_source says why. offered_rate: a new
 * rate is its value; cap, cut and swiss are computed on an ad valorem base
 * ("Free" = 0%) in exact percent * 1e6 (cut and swiss rounded half up to the
 * millionth of a percent); exempt reads "base less the additional measures".
 * snap: needed for a US-market list (may be NULL otherwise). data_dir: NULL =
 * the store's recorded data folder. date: 0 = the list's round date, or today
 * if the round has none. info (may be NULL) receives what was used. The
 * columns code, treatment, value, staging_years and description read back
 * with rta_lines_read. */
rta_status rta_negotiation_list_export(rta_store *store, const rta_snapshot *snap,
                                       const char *data_dir, const char *ref, const char *viewer,
                                       rta_day date, FILE *out, rta_list_export_info *info,
                                       rta_error *err);

#ifdef __cplusplus
}
#endif

#endif
