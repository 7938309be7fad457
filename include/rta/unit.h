/*
 * rta/unit.h - units of quantity, as the HTS prints them, made comparable.
 *
 * Why: the same unit reaches us spelled many ways. The "units" of an HTS line
 * come with HTML and typography ("<u>kg</u>", "m<sup>2</sup>", "m²",
 * "<il>doz. prs</il>.", "\n"), and the unit inside a specific rate is written
 * yet another way ("¢/ liter", "¢/pf. liter", "/line/ gross", "/1,000 pins",
 * "/thou- sand"). A duty can only be computed when the unit of a rate part and
 * the unit of the declared quantity are known to be the same measure, so this
 * module turns every spelling into one canonical text and says which canonical
 * units name the same measure. Nothing here allocates or keeps state.
 */
#ifndef RTA_UNIT_H
#define RTA_UNIT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Canonical text of one HTS unit of quantity: HTML tags removed (their text
 * kept: "m<sup>3</sup>" -> "m3", "Cr<sub>2</sub>O<sub>3</sub> t" -> "Cr2O3 t"),
 * "&nbsp;"/"&amp;" decoded, superscript digits made plain ("m²" -> "m2"),
 * whitespace (newlines, no-break spaces) collapsed to one space and trimmed,
 * spaces around "/" removed, words split by a line-break hyphen joined
 * ("thou- sand" -> "thousand"), and a few known misspellings mended ("No" ->
 * "No.", "doz. prs" -> "doz. prs.", "pf. liter" -> "pf.liter"). Otherwise the
 * HTS's own spelling is kept ("doz. prs.", "lin. m", "kg cmsc").
 * `raw` is NUL-terminated (NULL is taken as ""). Writes a NUL-terminated string
 * into buf (truncated to size; buf may be NULL when size is 0) and returns the
 * length of the full canonical text: 0 means "no unit" ("", "\n", "<u></u>"),
 * which the caller drops. */
size_t rta_unit_normalize(const char *raw, char *buf, size_t size);

/* Same for the first `len` bytes of raw (need not be NUL-terminated). */
size_t rta_unit_normalize_n(const char *raw, size_t len, char *buf, size_t size);

/* Canonical unit of a specific rate part, from the text that follows the
 * amount: "/kg", "¢/ liter", " each", "/pf. liter", "/1,000 pins", "/1000",
 * "/line/ gross", "/thou- sand". A leading "¢" or "$", the "/" and spaces are
 * dropped; a leading count becomes *per ("/1,000 pins" -> per 1000, "pins";
 * a bare count "/1000" -> per 1000, "each"); otherwise *per is 1. Writes and
 * returns like rta_unit_normalize. *per is 0 when the count is malformed or out
 * of range ("/0", "/1,00"); per may be NULL. */
size_t rta_unit_normalize_rate(const char *raw, size_t len, int64_t *per, char *buf, size_t size);

/* 1 when a canonical unit is one a specific rate of the HTS is stated in
 * ("kg", "liter", "pf.liter", "each", "doz.", "pr.", "gross", "m2", "bbl",
 * "t", "head", "clean kg", "thousand", "pins", "line/gross", "jewel",
 * "article", "pack", ...), else 0. The rate parser rejects other units so that
 * an unseen unit is reviewed before any duty is computed with it. */
int rta_unit_is_rate_unit(const char *unit);

/* 1 when two canonical units name the same measure, so that a quantity
 * declared in `line_unit` (the HTS line's unit of quantity) can be used for a
 * rate part stated in `rate_unit`: identical texts, singular/plural
 * ("liter"/"liters", "pr."/"prs.", "thousand"/"thousands"), counts of
 * articles ("each", "head", "article" vs "No."), "clean kg" vs "cy kg" (clean
 * yield). Otherwise 0. NULL is never the same as anything. */
int rta_unit_same(const char *rate_unit, const char *line_unit);

#ifdef __cplusplus
}
#endif

#endif
