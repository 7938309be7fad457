/*
 * test_rate.c - the rate texts of the HTS, read by hand and by rta_rate_parse.
 *
 * Why: the issue asks that every one of the 102 General-rate shapes of the
 * 2025 basic edition has a test with a real line of that shape and the
 * structure expected from its text. The table below holds, per shape, one HTS
 * line, its General text exactly as printed, and what the text says in
 * numbers (16.5% is 165000 millionths, 3.9¢ is 39000 micro-dollars, $1.035 is
 * 1035000 micro-dollars), typed from the text itself. A test reads the 2025
 * basic edition to prove that the table covers every shape and that each text
 * is really printed on that line. Further tests cover the Special column,
 * Column 2, spacing slips, rounding, rejected shapes, JSON and units.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "rta/rate.h"
#include "internal.h"
#include "rta/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* The 102 shapes of the 2025 basic General column                          */

typedef struct exp_part {
    rta_rate_part_kind kind;
    int64_t value;    /* millionths (ad valorem) or micro-dollars */
    const char *unit; /* NULL for ad valorem parts */
    int64_t per;
    const char *basis;
    int sign;
} exp_part;

typedef struct shape_case {
    const char *hts;
    const char *text;
    rta_rate_kind kind;
    unsigned needs;
    const char *reference; /* NULL: not checked */
    int nparts;
    exp_part parts[5];
} shape_case;

#define AV(m)                                                                                      \
    {                                                                                              \
        RTA_PART_AD_VALOREM, (m), NULL, 1, "", 1                                                   \
    }
#define AVB(m, b)                                                                                  \
    {                                                                                              \
        RTA_PART_AD_VALOREM, (m), NULL, 1, (b), 1                                                  \
    }
#define SP(u, unit)                                                                                \
    {                                                                                              \
        RTA_PART_SPECIFIC, (u), (unit), 1, "", 1                                                   \
    }
#define SPB(u, unit, b)                                                                            \
    {                                                                                              \
        RTA_PART_SPECIFIC, (u), (unit), 1, (b), 1                                                  \
    }
#define SPP(u, unit, p)                                                                            \
    {                                                                                              \
        RTA_PART_SPECIFIC, (u), (unit), (p), "", 1                                                 \
    }

#define N_QTY   RTA_NEED_QUANTITY
#define N_REF   RTA_NEED_REFERENCE_RATE
#define N_COMP  RTA_NEED_COMPONENT_VALUES
#define N_CONT  RTA_NEED_CONTENT_QUANTITY
#define N_DEG   RTA_NEED_DEGREE
#define N_NOTE  RTA_NEED_NOTE
#define N_OTHER RTA_NEED_OTHER_VALUE
#define N_BOND  RTA_NEED_BOND

static const shape_case shapes[] = {
    {"0101.21.00", "Free", RTA_RATE_FREE, 0, NULL, 0, {{0}}},
    /* 6109.10.00.12 inherits its rate from 6109.10.00 */
    {"6109.10.00", "16.5%", RTA_RATE_AD_VALOREM, 0, NULL, 1, {AV(165000)}},
    {"0702.00.20", "3.9¢/kg", RTA_RATE_SPECIFIC, N_QTY, NULL, 1, {SP(39000, "kg")}},
    {"0104.20.00.00", "68¢/head", RTA_RATE_SPECIFIC, N_QTY, NULL, 1, {SP(680000, "head")}},
    {"0105.11.00", "0.9¢ each", RTA_RATE_SPECIFIC, N_QTY, NULL, 1, {SP(9000, "each")}},
    {"0401.10.00.00", "0.34¢/liter", RTA_RATE_SPECIFIC, N_QTY, NULL, 1, {SP(3400, "liter")}},
    {"0401.50.75.00", "$1.646/kg", RTA_RATE_SPECIFIC, N_QTY, NULL, 1, {SP(1646000, "kg")}},
    {"0402.29.50.00",
     "$1.104/kg + 14.9%",
     RTA_RATE_COMPOUND,
     N_QTY,
     NULL,
     2,
     {SP(1104000, "kg"), AV(149000)}},
    {"0402.99.90.00",
     "46.3¢/kg + 14.9%",
     RTA_RATE_COMPOUND,
     N_QTY,
     NULL,
     2,
     {SP(463000, "kg"), AV(149000)}},
    {"0407.11.00.00", "2.8¢/doz.", RTA_RATE_SPECIFIC, N_QTY, NULL, 1, {SP(28000, "doz.")}},
    {"0601.10.15.00", "89.6¢/1000", RTA_RATE_SPECIFIC, N_QTY, NULL, 1, {SPP(896000, "each", 1000)}},
    {"0601.10.60.00",
     "$1.34/1000",
     RTA_RATE_SPECIFIC,
     N_QTY,
     NULL,
     1,
     {SPP(1340000, "each", 1000)}},
    {"0711.20.18.00",
     "3.7¢/kg on drained weight",
     RTA_RATE_CONTENT,
     N_CONT,
     NULL,
     1,
     {SPB(37000, "kg", "drained weight")}},
    {"0711.51.00.00",
     "5.7¢/kg on drained weight + 8%",
     RTA_RATE_CONTENT,
     N_CONT,
     NULL,
     2,
     {SPB(57000, "kg", "drained weight"), AV(80000)}},
    {"0711.59.10.00",
     "5.7¢/kg on drained weight +8%",
     RTA_RATE_CONTENT,
     N_CONT,
     NULL,
     2,
     {SPB(57000, "kg", "drained weight"), AV(80000)}},
    {"0806.10.20", "$1.13/m3", RTA_RATE_SPECIFIC, N_QTY, NULL, 1, {SP(1130000, "m3")}},
    {"1212.91.00.00", "39.7¢/t", RTA_RATE_SPECIFIC, N_QTY, NULL, 1, {SP(397000, "t")}},
    {"1212.93.00.00", "$1.24/t", RTA_RATE_SPECIFIC, N_QTY, NULL, 1, {SP(1240000, "t")}},
    {"1509.20.20",
     "5¢/kg on contents and container",
     RTA_RATE_CONTENT,
     N_CONT,
     NULL,
     1,
     {SPB(50000, "kg", "contents and container")}},
    /* 0.020668¢ = 206.68 micro-dollars -> 207; 3.143854¢ = 31438.54 -> 31439 */
    {"1701.12.05.00",
     "3.6606¢/kg less 0.020668¢/kg for each degree under 100 degrees (and fractions of a degree "
     "in proportion) but not less than 3.143854¢/kg",
     RTA_RATE_SLIDING_SCALE,
     N_QTY | N_DEG,
     NULL,
     3,
     {SP(36606, "kg"),
      {RTA_PART_STEP, 207, "kg", 1, "each degree under 100 degrees", -1},
      {RTA_PART_MINIMUM, 31439, "kg", 1, "", 1}}},
    {"1702.20.28",
     "16.9¢/kg of total sugars + 5.1%",
     RTA_RATE_CONTENT,
     N_CONT,
     NULL,
     2,
     {SPB(169000, "kg", "total sugars"), AV(51000)}},
    {"1702.90.05.00",
     "3.6606¢/kg of total sugars",
     RTA_RATE_CONTENT,
     N_CONT,
     NULL,
     1,
     {SPB(36606, "kg", "total sugars")}},
    {"1704.90.58.00",
     "40¢/kg +10.4%",
     RTA_RATE_COMPOUND,
     N_QTY,
     NULL,
     2,
     {SP(400000, "kg"), AV(104000)}},
    {"1901.10.56.00",
     "$1.035/kg +13.6%",
     RTA_RATE_COMPOUND,
     N_QTY,
     NULL,
     2,
     {SP(1035000, "kg"), AV(136000)}},
    {"2004.90.80.00",
     "2.1¢/kg on entire contents of container",
     RTA_RATE_CONTENT,
     N_CONT,
     NULL,
     1,
     {SPB(21000, "kg", "entire contents of container")}},
    {"2009.21.20.00", "4.5¢/ liter", RTA_RATE_SPECIFIC, N_QTY, NULL, 1, {SP(45000, "liter")}},
    {"2106.90.52.00",
     "The rate applicable to the natural juice in heading 2009",
     RTA_RATE_REFERENCE,
     N_REF,
     "the natural juice in heading 2009",
     0,
     {{0}}},
    {"2202.99.28.00",
     "23.5¢/liter + 14.9%",
     RTA_RATE_COMPOUND,
     N_QTY,
     NULL,
     2,
     {SP(235000, "liter"), AV(149000)}},
    {"2204.30.00.00",
     "4.4¢/liter + 31.4¢/pf. liter",
     RTA_RATE_COMPOUND,
     N_QTY,
     NULL,
     2,
     {SP(44000, "liter"), SP(314000, "pf.liter")}},
    {"2206.00.30.00",
     "3.1¢/liter + 22.1¢/pf. liter on ethyl alcohol content",
     RTA_RATE_CONTENT,
     N_QTY | N_CONT,
     NULL,
     2,
     {SP(31000, "liter"), SPB(221000, "pf.liter", "ethyl alcohol content")}},
    {"2207.10.30.00",
     "18.9¢/pf.liter",
     RTA_RATE_SPECIFIC,
     N_QTY,
     NULL,
     1,
     {SP(189000, "pf.liter")}},
    {"2603.00.00",
     "1.7¢/kg on lead content",
     RTA_RATE_CONTENT,
     N_CONT,
     NULL,
     1,
     {SPB(17000, "kg", "lead content")}},
    {"2611.00.60.00",
     "37.5¢/kg on tungsten content",
     RTA_RATE_CONTENT,
     N_CONT,
     NULL,
     1,
     {SPB(375000, "kg", "tungsten content")}},
    {"2613.10.00.00",
     "12.8¢/kg on molybdenum content + 1.8%",
     RTA_RATE_CONTENT,
     N_CONT,
     NULL,
     2,
     {SPB(128000, "kg", "molybdenum content"), AV(18000)}},
    {"2613.90.00.00",
     "17.8¢/kg on molybdenum content",
     RTA_RATE_CONTENT,
     N_CONT,
     NULL,
     1,
     {SPB(178000, "kg", "molybdenum content")}},
    {"2620.19.60",
     "0.7¢/kg on copper content + 0.7¢/kg on lead content",
     RTA_RATE_CONTENT,
     N_CONT,
     NULL,
     2,
     {SPB(7000, "kg", "copper content"), SPB(7000, "kg", "lead content")}},
    {"2620.99.20.00",
     "17.6¢/kg on tungsten content + 3.8%",
     RTA_RATE_CONTENT,
     N_CONT,
     NULL,
     2,
     {SPB(176000, "kg", "tungsten content"), AV(38000)}},
    {"2709.00.10.00", "5.25¢/bbl", RTA_RATE_SPECIFIC, N_QTY, NULL, 1, {SP(52500, "bbl")}},
    /* the entire set is the customs value of the line: still plain ad valorem */
    {"3213.10.00.00",
     "6.5% on the entire set",
     RTA_RATE_AD_VALOREM,
     0,
     NULL,
     1,
     {AVB(65000, "the entire set")}},
    {"4421.91.80", "6.5¢/gross", RTA_RATE_SPECIFIC, N_QTY, NULL, 1, {SP(65000, "gross")}},
    {"5101.11.60", "18.7¢/clean kg", RTA_RATE_SPECIFIC, N_QTY, NULL, 1, {SP(187000, "clean kg")}},
    {"5810.91.00",
     "See additional U.S. note 1",
     RTA_RATE_SEE_NOTE,
     N_NOTE,
     "U.S. note 1",
     0,
     {{0}}},
    {"6103.22.00",
     "The rate applicable to each garment in the ensemble if separately entered",
     RTA_RATE_SET,
     N_REF | N_COMP,
     NULL,
     0,
     {{0}}},
    {"6104.29.10",
     "The rate applicable to each garment in the ensemble if entered separately",
     RTA_RATE_SET,
     N_REF | N_COMP,
     NULL,
     0,
     {{0}}},
    {"6203.29.30",
     "The rate applicable to each garment in the in the ensemble if separately entered",
     RTA_RATE_SET,
     N_REF | N_COMP,
     NULL,
     0,
     {{0}}},
    {"6402.19.50",
     "76¢/pr. + 32%",
     RTA_RATE_COMPOUND,
     N_QTY,
     NULL,
     2,
     {SP(760000, "pr."), AV(320000)}},
    {"6501.00.60.00",
     "96¢/doz. + 1.4%",
     RTA_RATE_COMPOUND,
     N_QTY,
     NULL,
     2,
     {SP(960000, "doz."), AV(14000)}},
    {"6505.00.08.00",
     "13.5¢/kg + 6.3% + 1.9¢/article",
     RTA_RATE_COMPOUND,
     N_QTY,
     NULL,
     3,
     {SP(135000, "kg"), AV(63000), SP(19000, "article")}},
    {"7005.21.10",
     "14.5¢/m2 + 0.4%",
     RTA_RATE_COMPOUND,
     N_QTY,
     NULL,
     2,
     {SP(145000, "m2"), AV(4000)}},
    {"7005.29.08", "18.7¢/m2", RTA_RATE_SPECIFIC, N_QTY, NULL, 1, {SP(187000, "m2")}},
    {"7801.10.00.00",
     "2.5% on the value of the lead content",
     RTA_RATE_CONTENT,
     N_OTHER,
     NULL,
     1,
     {AVB(25000, "the value of the lead content")}},
    {"8104.90.00.00",
     "14.8¢/kg on magnesium content + 3.5%",
     RTA_RATE_CONTENT,
     N_CONT,
     NULL,
     2,
     {SPB(148000, "kg", "magnesium content"), AV(35000)}},
    {"8201.50.00.00",
     "1¢ each + 2.8%",
     RTA_RATE_COMPOUND,
     N_QTY,
     NULL,
     2,
     {SP(10000, "each"), AV(28000)}},
    {"8205.90.60.00",
     "The rate of duty applicable to that article in the set subject to the highest rate of duty",
     RTA_RATE_SET,
     N_REF | N_COMP,
     NULL,
     0,
     {{0}}},
    {"9005.90.40.00",
     "The rate applicable to the article of which it is a part or accessory",
     RTA_RATE_REFERENCE,
     N_REF,
     "the article of which it is a part or accessory",
     0,
     {{0}}},
    {"9101.11.40",
     "51¢ each + 6.25% on the case and strap, band or bracelet + 5.3% on the battery",
     RTA_RATE_COMPONENTS,
     N_QTY | N_COMP,
     NULL,
     3,
     {SP(510000, "each"), AVB(62500, "the case and strap, band or bracelet"),
      AVB(53000, "the battery")}},
    {"9101.19.40",
     "41¢ each + 5% on case and strap, band or bracelet + 4.2% on the battery",
     RTA_RATE_COMPONENTS,
     N_QTY | N_COMP,
     NULL,
     3,
     {SP(410000, "each"), AVB(50000, "case and strap, band or bracelet"),
      AVB(42000, "the battery")}},
    {"9101.21.80",
     "$1.61 each + 4.4% on the case and strap, band or bracelet",
     RTA_RATE_COMPONENTS,
     N_QTY | N_COMP,
     NULL,
     2,
     {SP(1610000, "each"), AVB(44000, "the case and strap, band or bracelet")}},
    {"9101.29.10",
     "40¢ each + 5% on the case and strap, band or bracelet",
     RTA_RATE_COMPONENTS,
     N_QTY | N_COMP,
     NULL,
     2,
     {SP(400000, "each"), AVB(50000, "the case and strap, band or bracelet")}},
    {"9101.99.40",
     "98¢ each + 3% on the case",
     RTA_RATE_COMPONENTS,
     N_QTY | N_COMP,
     NULL,
     2,
     {SP(980000, "each"), AVB(30000, "the case")}},
    {"9102.11.10",
     "44¢ each + 6% on the case + 14% on the strap, band or bracelet + 5.3% on the battery",
     RTA_RATE_COMPONENTS,
     N_QTY | N_COMP,
     NULL,
     4,
     {SP(440000, "each"), AVB(60000, "the case"), AVB(140000, "the strap, band or bracelet"),
      AVB(53000, "the battery")}},
    {"9102.21.10",
     "75¢ each + 6% on the case + 14% on the strap, band or bracelet",
     RTA_RATE_COMPONENTS,
     N_QTY | N_COMP,
     NULL,
     3,
     {SP(750000, "each"), AVB(60000, "the case"), AVB(140000, "the strap, band or bracelet")}},
    {"9102.21.30",
     "$1.75 each + 4.8% on the case + 11.2% on the strap, band or bracelet",
     RTA_RATE_COMPONENTS,
     N_QTY | N_COMP,
     NULL,
     3,
     {SP(1750000, "each"), AVB(48000, "the case"), AVB(112000, "the strap, band or bracelet")}},
    {"9102.91.20",
     "3.9% on the movement and case + 5.3% on the battery",
     RTA_RATE_COMPONENTS,
     N_COMP,
     NULL,
     2,
     {AVB(39000, "the movement and case"), AVB(53000, "the battery")}},
    {"9102.91.40",
     "40¢ each + 6% on the case + 5.3% on the battery",
     RTA_RATE_COMPONENTS,
     N_QTY | N_COMP,
     NULL,
     3,
     {SP(400000, "each"), AVB(60000, "the case"), AVB(53000, "the battery")}},
    {"9102.99.60",
     "$1.16 each + 6% on the case",
     RTA_RATE_COMPONENTS,
     N_QTY | N_COMP,
     NULL,
     2,
     {SP(1160000, "each"), AVB(60000, "the case")}},
    {"9104.00.10",
     "20¢ each + 4.3% on the movement and case + 3.5% on the battery",
     RTA_RATE_COMPONENTS,
     N_QTY | N_COMP,
     NULL,
     3,
     {SP(200000, "each"), AVB(43000, "the movement and case"), AVB(35000, "the battery")}},
    {"9105.19.30",
     "43¢ each + 2.8¢/jewel over 7 + 3.7% on the case",
     RTA_RATE_COMPONENTS,
     N_QTY | N_COMP,
     NULL,
     3,
     {SP(430000, "each"), SPB(28000, "jewel", "over 7"), AVB(37000, "the case")}},
    {"9105.21.40",
     "3.9% on the movement and case+ 5.3% on the battery",
     RTA_RATE_COMPONENTS,
     N_COMP,
     NULL,
     2,
     {AVB(39000, "the movement and case"), AVB(53000, "the battery")}},
    {"9105.99.10.00",
     "17¢ each + 2.5% + 1¢/jewel",
     RTA_RATE_COMPONENTS,
     N_QTY | N_COMP,
     NULL,
     3,
     {SP(170000, "each"), AV(25000), SP(10000, "jewel")}},
    {"9106.90.55",
     "3.9% on the apparatus + 5.3% on the battery",
     RTA_RATE_COMPONENTS,
     N_COMP,
     NULL,
     2,
     {AVB(39000, "the apparatus"), AVB(53000, "the battery")}},
    {"9108.11.40",
     "36¢ each + 5.3% on the battery",
     RTA_RATE_COMPONENTS,
     N_QTY | N_COMP,
     NULL,
     2,
     {SP(360000, "each"), AVB(53000, "the battery")}},
    {"9108.12.00",
     "3.1% on the movement + 4.2% on the battery",
     RTA_RATE_COMPONENTS,
     N_COMP,
     NULL,
     2,
     {AVB(31000, "the movement"), AVB(42000, "the battery")}},
    {"9108.90.50.00", "$2.16 each", RTA_RATE_SPECIFIC, N_QTY, NULL, 1, {SP(2160000, "each")}},
    {"9109.10.30",
     "7.5¢ each + 3.2% on the movement + 2.6% on the battery",
     RTA_RATE_COMPONENTS,
     N_QTY | N_COMP,
     NULL,
     3,
     {SP(75000, "each"), AVB(32000, "the movement"), AVB(26000, "the battery")}},
    {"9110.11.00.00",
     "The rate applicable to the complete, assembled movement",
     RTA_RATE_REFERENCE,
     N_REF,
     "the complete, assembled movement",
     0,
     {{0}}},
    {"9110.90.40.00",
     "4.3% + 1.7¢/jewel + 0.2¢ for each other piece or part, but if consisting in part of a "
     "plate or a set of plates the total duty shall not exceed the duty for the complete "
     "movement",
     RTA_RATE_COMPONENTS,
     N_COMP | N_REF,
     "complete movement",
     3,
     {AV(43000), SP(17000, "jewel"), SP(2000, "other piece or part")}},
    {"9209.92.40.00",
     "10¢/1,000 pins + 3.5%",
     RTA_RATE_COMPOUND,
     N_QTY,
     NULL,
     2,
     {SPP(100000, "pins", 1000), AV(35000)}},
    {"9301.90.30",
     "4.7% on the value of the rifle + 20% on the value of the telescopic sight, if any",
     RTA_RATE_COMPONENTS,
     N_COMP,
     NULL,
     2,
     {AVB(47000, "the value of the rifle"),
      AVB(200000, "the value of the telescopic sight, if any")}},
    {"9606.21.40.00",
     "0.3¢/line/ gross + 4.6%",
     RTA_RATE_COMPOUND,
     N_QTY,
     NULL,
     2,
     {SP(3000, "line/gross"), AV(46000)}},
    {"9608.50.00.00",
     "The rate applicable to each article in the absence of this subheading",
     RTA_RATE_REFERENCE,
     N_REF,
     "each article in the absence of this subheading",
     0,
     {{0}}},
    {"9608.99.30.00",
     "20¢/thousand + 3.5%",
     RTA_RATE_COMPOUND,
     N_QTY,
     NULL,
     2,
     {SP(200000, "thousand"), AV(35000)}},
    {"9609.10.00.00",
     "14¢/gross + 4.3%",
     RTA_RATE_COMPOUND,
     N_QTY,
     NULL,
     2,
     {SP(140000, "gross"), AV(43000)}},
    {"9620.00.15.00",
     "The rate applicable to the article of which it is an accessory",
     RTA_RATE_REFERENCE,
     N_REF,
     "the article of which it is an accessory",
     0,
     {{0}}},
    {"9801.00.70.00",
     "A duty equal to the duty upon the importation of like articles not previously exported, "
     "but in no case in excess of the sum of (a) any customs drawback proved to have been "
     "allowed upon such exportation, and (b) the duty which would have been payable on any "
     "articles used in the manufacture or production of such aircraft had they not been entered "
     "and exported under heading 9813.00.05",
     RTA_RATE_REFERENCE,
     N_REF | N_OTHER,
     "like articles not previously exported",
     0,
     {{0}}},
    {"9801.00.80",
     "A duty (in lieu of any other duty or tax) equal to the sum of any duty and internal- "
     "revenue tax imposed upon the importation of like articles not previously exported, but in "
     "no case in excess of the sum of (a) any customs drawback proved to have been allowed upon "
     "such exportation of the article, and (b) any internal- revenue tax imposed, at the time "
     "such article is entered, upon the importation of like articles not previously exported",
     RTA_RATE_REFERENCE,
     N_REF | N_OTHER,
     "like articles not previously exported",
     0,
     {{0}}},
    {"9802.00.40",
     "A duty upon the value of the repairs or alterations (see U.S. note 3 of this subchapter)",
     RTA_RATE_VALUE_BASIS,
     N_REF | N_OTHER | N_NOTE,
     "the value of the repairs or alterations",
     0,
     {{0}}},
    {"9802.00.60.00",
     "A duty upon the value of such processing outside the United States (see U.S. note 3 of "
     "this subchapter)",
     RTA_RATE_VALUE_BASIS,
     N_REF | N_OTHER | N_NOTE,
     "the value of such processing outside the United States",
     0,
     {{0}}},
    {"9802.00.80",
     "A duty upon the full value of the imported article, less the cost or value of such "
     "products of the United States (see U.S. Note 4 of this subchapter)",
     RTA_RATE_VALUE_BASIS,
     N_REF | N_OTHER | N_NOTE,
     NULL,
     0,
     {{0}}},
    {"9804.00.60",
     "Free, for such temporary periods as the Secretary of the Treasury by regulation may "
     "prescribe",
     RTA_RATE_CONDITIONAL,
     N_BOND,
     NULL,
     0,
     {{0}}},
    {"9812.00.20.00",
     "Free, under bond, as prescribed in U.S. note 2 to this subchapter",
     RTA_RATE_UNDER_BOND,
     N_BOND | N_NOTE,
     "U.S. note 2",
     0,
     {{0}}},
    {"9816.00.20",
     "3 percent of the fair retail value",
     RTA_RATE_VALUE_BASIS,
     N_OTHER,
     NULL,
     1,
     {AVB(30000, "the fair retail value")}},
    {"9818.00.05.00",
     "The rate applicable in the absence of this subheading on the cost of such parts",
     RTA_RATE_VALUE_BASIS,
     N_REF | N_OTHER,
     "the absence of this subheading",
     0,
     {{0}}},
    {"9818.00.07.00",
     "50 percent of the cost of such goods or repairs",
     RTA_RATE_VALUE_BASIS,
     N_OTHER,
     NULL,
     1,
     {AVB(500000, "the cost of such goods or repairs")}},
    {"9822.05.10",
     "A duty upon the full value of the imported article less the value of fabrics, components "
     "or materials of the United States (see U.S. note 22 of this subchapter)",
     RTA_RATE_VALUE_BASIS,
     N_REF | N_OTHER | N_NOTE,
     NULL,
     0,
     {{0}}},
    {"9822.05.30",
     "The duty rate provided in such subheading minus 0.5%",
     RTA_RATE_REFERENCE,
     N_REF,
     "such subheading",
     1,
     {{RTA_PART_AD_VALOREM, 5000, NULL, 1, "", -1}}},
    {"9903.45.05", "No change", RTA_RATE_NO_CHANGE, N_REF, NULL, 0, {{0}}},
    {"9903.80.01",
     "The duty provided in the applicable subheading + 25%",
     RTA_RATE_REFERENCE,
     N_REF,
     "applicable subheading",
     1,
     {AV(250000)}},
    {"9903.80.60",
     "The duty provided in the applicable subheading",
     RTA_RATE_REFERENCE,
     N_REF,
     "applicable subheading",
     0,
     {{0}}},
    {"9903.85.06",
     "The duty provided for in the applicable subheading",
     RTA_RATE_REFERENCE,
     N_REF,
     "applicable subheading",
     0,
     {{0}}},
    {"9903.88.01",
     "The duty provided in the applicable subheading plus 25%",
     RTA_RATE_REFERENCE,
     N_REF,
     "applicable subheading",
     1,
     {AV(250000)}},
    {"9903.89.55",
     "The duty provided inthe applicable subheading+ 25%",
     RTA_RATE_REFERENCE,
     N_REF,
     "applicable subheading",
     1,
     {AV(250000)}},
};

#define NSHAPES (sizeof shapes / sizeof shapes[0])

/* Compares a parsed rate with what its text says; fails naming the line. */
static void check_rate(const char *hts, const char *text, const rta_rate *r, rta_rate_kind kind,
                       unsigned needs, const char *reference, int nparts, const exp_part *parts)
{
    if (r->kind != kind)
        fail_msg("%s \"%s\": kind %s, expected %s", hts, text, rta_rate_kind_name(r->kind),
                 rta_rate_kind_name(kind));
    if (r->needs != needs)
        fail_msg("%s \"%s\": needs 0x%x, expected 0x%x", hts, text, r->needs, needs);
    if (reference != NULL && strcmp(r->reference, reference) != 0)
        fail_msg("%s \"%s\": reference \"%s\", expected \"%s\"", hts, text, r->reference,
                 reference);
    if (r->nparts != nparts)
        fail_msg("%s \"%s\": %d parts, expected %d", hts, text, r->nparts, nparts);
    for (int i = 0; i < nparts; i++) {
        const rta_rate_part *p = &r->parts[i];
        const exp_part *e = &parts[i];
        int64_t got = p->kind == RTA_PART_AD_VALOREM ? p->ad_valorem_millionths : p->micro_usd;
        if (p->kind != e->kind || got != e->value || p->per != e->per || p->sign != e->sign)
            fail_msg("%s \"%s\" part %d: kind %d value %lld per %lld sign %d, expected kind %d "
                     "value %lld per %lld sign %d",
                     hts, text, i, (int)p->kind, (long long)got, (long long)p->per, p->sign,
                     (int)e->kind, (long long)e->value, (long long)e->per, e->sign);
        if (strcmp(p->unit, e->unit ? e->unit : "") != 0)
            fail_msg("%s \"%s\" part %d: unit \"%s\", expected \"%s\"", hts, text, i, p->unit,
                     e->unit ? e->unit : "");
        if (strcmp(p->basis, e->basis) != 0)
            fail_msg("%s \"%s\" part %d: basis \"%s\", expected \"%s\"", hts, text, i, p->basis,
                     e->basis);
    }
}

static void test_every_2025_general_shape(void **state)
{
    (void)state;
    for (size_t k = 0; k < NSHAPES; k++) {
        const shape_case *c = &shapes[k];
        rta_rate r;
        rta_error err;
        rta_status st = rta_rate_parse(c->text, strlen(c->text), &r, &err);
        if (st != RTA_OK)
            fail_msg("%s \"%s\": %s", c->hts, c->text, err.message);
        check_rate(c->hts, c->text, &r, c->kind, c->needs, c->reference, c->nparts, c->parts);
        /* a structured kind's parts are plain: nothing on another basis, all added */
        if (rta_rate_kind_is_structured(r.kind) && r.kind != RTA_RATE_AD_VALOREM)
            for (int i = 0; i < r.nparts; i++)
                assert_int_equal(r.parts[i].sign, 1);
    }
}

/* ------------------------------------------------------------------------ */
/* Reading the bundled 2025 basic edition (a tiny gzip + JSON reader)       */

/* The library's reader (gzip aware); NULL if the file cannot be read. */
static char *read_gz(const char *path, size_t *len)
{
    char *text = NULL;
    if (rta__read_file(path, &text, len, NULL) != RTA_OK)
        return NULL;
    return text;
}

/* Decodes the JSON string at js[i] == '"' into out; returns the index after
 * its closing quote. */
static size_t json_string(const char *js, size_t n, size_t i, char *out, size_t *olen)
{
    size_t o = 0;
    i++;
    while (i < n && js[i] != '"') {
        char c = js[i++];
        if (c == '\\' && i < n) {
            char e = js[i++];
            if (e == 'n')
                c = '\n';
            else if (e == 't')
                c = '\t';
            else if (e == 'r')
                c = '\r';
            else if (e == 'b')
                c = '\b';
            else if (e == 'f')
                c = '\f';
            else if (e == 'u' && i + 4 <= n) {
                unsigned cp = (unsigned)strtoul(
                    (char[5]){js[i], js[i + 1], js[i + 2], js[i + 3], 0}, NULL, 16);
                i += 4;
                if (cp < 0x80) {
                    c = (char)cp;
                } else if (cp < 0x800) {
                    out[o++] = (char)(0xC0 | (cp >> 6));
                    c = (char)(0x80 | (cp & 0x3F));
                } else {
                    out[o++] = (char)(0xE0 | (cp >> 12));
                    out[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
                    c = (char)(0x80 | (cp & 0x3F));
                }
            } else {
                c = e;
            }
        }
        out[o++] = c;
    }
    out[o] = '\0';
    *olen = o;
    return i + 1;
}

typedef void (*cell_fn)(void *ctx, const char *htsno, const char *column, const char *value,
                        size_t len);

/* Calls fn for every "general"/"special"/"other" string of a revision. */
static int json_cells(const char *path, cell_fn fn, void *ctx)
{
    size_t n;
    char *js = read_gz(path, &n);
    if (js == NULL)
        return -1;
    char *val = malloc(n + 1);
    char key[64] = "", htsno[64] = "";
    size_t i = 0, l;
    while (val != NULL && i < n) {
        if (js[i] != '"') {
            i++;
            continue;
        }
        size_t e = json_string(js, n, i, val, &l);
        size_t k = e;
        while (k < n && (js[k] == ' ' || js[k] == '\n' || js[k] == '\r' || js[k] == '\t'))
            k++;
        if (k < n && js[k] == ':') {
            snprintf(key, sizeof key, "%s", val);
            k++;
            while (k < n && (js[k] == ' ' || js[k] == '\n' || js[k] == '\r' || js[k] == '\t'))
                k++;
            if (k < n && js[k] == '"') {
                e = json_string(js, n, k, val, &l);
                if (strcmp(key, "htsno") == 0)
                    snprintf(htsno, sizeof htsno, "%s", val);
                else if (strcmp(key, "general") == 0 || strcmp(key, "special") == 0 ||
                         strcmp(key, "other") == 0)
                    fn(ctx, htsno, key, val, l);
            }
        }
        i = e;
    }
    free(val);
    free(js);
    return 0;
}

typedef struct coverage {
    char shape[NSHAPES][512];
    int seen[NSHAPES];
    int found_line[NSHAPES];
    int unknown;
    char unknown_example[512];
} coverage;

static void coverage_cell(void *ctx, const char *htsno, const char *column, const char *value,
                          size_t len)
{
    coverage *cv = ctx;
    if (strcmp(column, "general") != 0 || len == 0)
        return;
    char shape[512];
    rta_rate_shape(value, len, shape, sizeof shape);
    int hit = 0;
    for (size_t k = 0; k < NSHAPES; k++) {
        if (strcmp(cv->shape[k], shape) == 0) {
            cv->seen[k] = 1;
            hit = 1;
        }
        if (strcmp(shapes[k].hts, htsno) == 0 && strcmp(shapes[k].text, value) == 0)
            cv->found_line[k] = 1;
    }
    if (!hit && cv->unknown++ == 0)
        snprintf(cv->unknown_example, sizeof cv->unknown_example, "%s: %s", htsno, value);
}

static void test_table_covers_the_2025_edition(void **state)
{
    (void)state;
    static coverage cv;
    memset(&cv, 0, sizeof cv);
    for (size_t k = 0; k < NSHAPES; k++) {
        rta_rate_shape(shapes[k].text, strlen(shapes[k].text), cv.shape[k], sizeof cv.shape[k]);
        for (size_t j = 0; j < k; j++)
            if (strcmp(cv.shape[j], cv.shape[k]) == 0)
                fail_msg("shapes %s and %s are the same shape \"%s\"", shapes[j].hts, shapes[k].hts,
                         cv.shape[k]);
    }
    assert_int_equal(NSHAPES, 102);
    const char *path = RTA_TEST_DATA_DIR "/hts/revisions/hts_2025_basic.json.gz";
    if (json_cells(path, coverage_cell, &cv) != 0)
        fail_msg("cannot read %s", path);
    if (cv.unknown != 0)
        fail_msg("%d General cells have a shape without a test, e.g. %s", cv.unknown,
                 cv.unknown_example);
    for (size_t k = 0; k < NSHAPES; k++) {
        if (!cv.found_line[k])
            fail_msg("%s is not printed as \"%s\" in the 2025 basic edition", shapes[k].hts,
                     shapes[k].text);
        assert_true(cv.seen[k]);
    }
}

/* ------------------------------------------------------------------------ */
/* Exact numbers and rounding                                                */

static rta_rate parse_ok(const char *text)
{
    rta_rate r;
    rta_error err;
    rta_status st = rta_rate_parse(text, strlen(text), &r, &err);
    if (st != RTA_OK)
        fail_msg("\"%s\": %s", text, err.message);
    return r;
}

static void test_exact_fractions(void **state)
{
    (void)state;
    /* 1701.12.05.00 General: 0.020668¢ = 206.68 micro-dollars = 5167/25 */
    rta_rate r = parse_ok(shapes[19].text);
    assert_int_equal(r.kind, RTA_RATE_SLIDING_SCALE);
    assert_int_equal(r.parts[0].exact_num, 36606);
    assert_int_equal(r.parts[0].exact_den, 1);
    assert_int_equal(r.parts[1].micro_usd, 207);
    assert_int_equal(r.parts[1].exact_num, 5167);
    assert_int_equal(r.parts[1].exact_den, 25);
    /* 3.143854¢ = 31438.54 micro-dollars = 1571927/50 */
    assert_int_equal(r.parts[2].exact_num, 1571927);
    assert_int_equal(r.parts[2].exact_den, 50);
    assert_int_equal(r.step_micro_usd, 207);
    assert_int_equal(r.min_micro_usd, 31439);
    assert_int_equal(r.scale_degrees, 100);

    /* 4202.29.20.00 Column 2: 33 1/3% = 1000000/3 millionths */
    r = parse_ok("33 1/3%");
    assert_int_equal(r.kind, RTA_RATE_AD_VALOREM);
    assert_int_equal(r.parts[0].ad_valorem_millionths, 333333);
    assert_int_equal(r.parts[0].exact_num, 1000000);
    assert_int_equal(r.parts[0].exact_den, 3);

    /* 1701.12.05.00 Column 2: 0.0622005¢ = 622.005 micro-dollars, 6.58170¢ exact */
    r = parse_ok("6.58170¢/kg less 0.0622005¢ /kg for each degree under 100 degrees (and "
                 "fractions of a degree in proportion) but not less than 5.031562¢ /kg");
    assert_int_equal(r.kind, RTA_RATE_SLIDING_SCALE);
    assert_int_equal(r.parts[0].micro_usd, 65817);
    assert_int_equal(r.parts[0].exact_den, 1);
    assert_int_equal(r.parts[1].micro_usd, 622);
    assert_int_equal(r.parts[1].exact_num, 124401);
    assert_int_equal(r.parts[1].exact_den, 200);
    assert_int_equal(r.parts[2].micro_usd, 50316); /* 50315.62 */

    /* half up: 0.00005¢ is half a micro-dollar (made up, to pin the rule) */
    r = parse_ok("0.00005¢/kg");
    assert_int_equal(r.parts[0].micro_usd, 1);
    assert_int_equal(r.parts[0].exact_num, 1);
    assert_int_equal(r.parts[0].exact_den, 2);
    r = parse_ok("0.00004¢/kg");
    assert_int_equal(r.parts[0].micro_usd, 0);
    assert_int_equal(r.parts[0].exact_num, 2);
    assert_int_equal(r.parts[0].exact_den, 5);
}

/* ------------------------------------------------------------------------ */
/* Column 2 and spacing as printed                                           */

typedef struct col2_case {
    const char *hts;
    const char *text;
    rta_rate_kind kind;
    unsigned needs;
    int nparts;
    exp_part parts[3];
} col2_case;

static const col2_case column2[] = {
    {"6109.10.00", "90%", RTA_RATE_AD_VALOREM, 0, 1, {AV(900000)}},
    {"0702.00.20", "6.6¢/kg", RTA_RATE_SPECIFIC, N_QTY, 1, {SP(66000, "kg")}},
    {"0101.21.00", "Free", RTA_RATE_FREE, 0, 0, {{0}}},
    {"0104.10.00.00", "$3/head", RTA_RATE_SPECIFIC, N_QTY, 1, {SP(3000000, "head")}},
    /* a stray "/" after the rate */
    {"2909.19.18.00", "37% /", RTA_RATE_AD_VALOREM, 0, 1, {AV(370000)}},
    /* a lone ":" where no rate is printed */
    {"9913.95.01", ":", RTA_RATE_NONE, 0, 0, {{0}}},
    {"9608.99.30.00",
     "$2.50/thou- sand + 40%",
     RTA_RATE_COMPOUND,
     N_QTY,
     2,
     {SP(2500000, "thousand"), AV(400000)}},
    {"8523.29.40",
     "86.1¢/m2of recording surface",
     RTA_RATE_CONTENT,
     N_CONT,
     1,
     {SPB(861000, "m2", "recording surface")}},
    {"2003.10.01",
     "22¢/kg on drained weght + 45%",
     RTA_RATE_CONTENT,
     N_CONT,
     2,
     {SPB(220000, "kg", "drained weght"), AV(450000)}},
    {"2522.10.00.00",
     "0.2¢/kg, including weight of container",
     RTA_RATE_CONTENT,
     N_CONT,
     1,
     {SPB(2000, "kg", "including weight of container")}},
    {"3911.20.00.00",
     "2.2¢/kg  +  33.5%",
     RTA_RATE_COMPOUND,
     N_QTY,
     2,
     {SP(22000, "kg"), AV(335000)}},
    {"2207.10.30.00", "$1.32/pf. liter", RTA_RATE_SPECIFIC, N_QTY, 1, {SP(1320000, "pf.liter")}},
    {"6505.00.08.00",
     "88.2¢/kg + 55% + 12.5¢/ article",
     RTA_RATE_COMPOUND,
     N_QTY,
     3,
     {SP(882000, "kg"), AV(550000), SP(125000, "article")}},
    {"8211.10.00.00",
     "The rate of duty appli- cable to that article in the set subject to the high- est rate of "
     "duty",
     RTA_RATE_SET,
     N_REF | N_COMP,
     0,
     {{0}}},
    {"9802.00.50",
     "A duty upon the value of the repairs oralterations (see U.S. note 3 of this subchapter)",
     RTA_RATE_VALUE_BASIS,
     N_REF | N_OTHER | N_NOTE,
     0,
     {{0}}},
    {"9110.11.00.00",
     "The rate applicable to the complete, assembled",
     RTA_RATE_REFERENCE,
     N_REF,
     0,
     {{0}}},
    {"5101.11.10.00", "Free, under bond", RTA_RATE_UNDER_BOND, N_BOND, 0, {{0}}},
    /* 2026 basic, 9903.01.01 */
    {"9903.01.01", "No change.", RTA_RATE_NO_CHANGE, N_REF, 0, {{0}}},
    /* rev 10 of 2025 keeps the HTML of the printed schedule */
    {"7005.21.10",
     "$2.13/m<sup>2</sup> + 5%",
     RTA_RATE_COMPOUND,
     N_QTY,
     2,
     {SP(2130000, "m2"), AV(50000)}},
    {"4409.22.10.00",
     "4.3¢/m<sup>2</sup><il></il><il></il><il></il>",
     RTA_RATE_SPECIFIC,
     N_QTY,
     1,
     {SP(43000, "m2")}},
    {"8708.22.00.00", "2.5% <u></u>", RTA_RATE_AD_VALOREM, 0, 1, {AV(25000)}},
};

static void test_column2_and_spacing(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof column2 / sizeof column2[0]; k++) {
        const col2_case *c = &column2[k];
        rta_rate r = parse_ok(c->text);
        check_rate(c->hts, c->text, &r, c->kind, c->needs, NULL, c->nparts, c->parts);
    }
}

static void test_empty_and_blank(void **state)
{
    (void)state;
    const char *blank[] = {"", " ", "\n", "  \n ", "<u></u>"};
    for (size_t k = 0; k < sizeof blank / sizeof blank[0]; k++) {
        rta_rate r = parse_ok(blank[k]);
        assert_int_equal(r.kind, RTA_RATE_NONE);
        assert_int_equal(r.nparts, 0);
        assert_int_equal(r.needs, 0);
    }
    /* not NUL-terminated: only len bytes are read */
    rta_rate r;
    assert_int_equal(rta_rate_parse("16.5%XYZ", 5, &r, NULL), RTA_OK);
    assert_int_equal(r.parts[0].ad_valorem_millionths, 165000);
    assert_int_equal(rta_rate_parse(NULL, 0, &r, NULL), RTA_ERR_INVALID);
    assert_int_equal(rta_rate_parse("5%", 2, NULL, NULL), RTA_ERR_INVALID);
}

/* ------------------------------------------------------------------------ */
/* Unknown shapes                                                            */

static void expect_parse_error(const char *text, long column, const char *in_message)
{
    rta_rate r;
    rta_error err;
    memset(&err, 0, sizeof err);
    rta_status st = rta_rate_parse(text, strlen(text), &r, &err);
    if (st != RTA_ERR_PARSE)
        fail_msg("\"%s\": status %s, expected RTA_ERR_PARSE", text, rta_status_name(st));
    assert_int_equal(err.code, RTA_ERR_PARSE);
    assert_int_equal(r.kind, RTA_RATE_NONE);
    assert_int_equal(r.nparts, 0);
    if (column > 0 && err.column != column)
        fail_msg("\"%s\": column %ld, expected %ld (%s)", text, err.column, column, err.message);
    if (strstr(err.message, in_message) == NULL)
        fail_msg("\"%s\": message \"%s\" lacks \"%s\"", text, err.message, in_message);
    if (strstr(err.message, "not a known rate shape") == NULL)
        fail_msg("\"%s\": message \"%s\"", text, err.message);
}

static void test_unknown_shapes(void **state)
{
    (void)state;
    expect_parse_error("12 parsecs", 4, "\"12 parsecs\"");
    expect_parse_error("1O%", 2, "at \"O%\"");
    expect_parse_error("5¢/parsec", 5, "unknown unit");
    expect_parse_error("5% on the moon", 0, "unknown basis");
    expect_parse_error("5¢", 0, "expected a unit");
    expect_parse_error("Free (A+,AU)", 0, "Free (A+,AU)");
    expect_parse_error("The duty provided in the applicable subheading + lots", 0, "lots");
    expect_parse_error("16.5% +", 0, "at its end");
    expect_parse_error("%", 1, "expected a number");
    expect_parse_error("Freedom", 0, "Freedom");
    expect_parse_error("3 1/3", 0, "expected");
    /* a number too large is a range error, not a silent overflow */
    rta_rate r;
    rta_error err;
    assert_int_equal(rta_rate_parse("99999999999999999999%", 21, &r, &err), RTA_ERR_RANGE);
    assert_int_equal(rta_rate_parse("9999999999.999999999999%", 24, &r, &err), RTA_ERR_RANGE);
    char big[2100];
    memset(big, 'x', sizeof big);
    assert_int_equal(rta_rate_parse(big, sizeof big, &r, &err), RTA_ERR_RANGE);
    /* the error formats compiler-style once the caller names the input */
    char line[700];
    assert_int_equal(rta_rate_parse("1O%", 3, &r, &err), RTA_ERR_PARSE);
    snprintf(err.input, sizeof err.input, "hts_2025_basic.json");
    err.line = 12;
    rta_error_format(&err, line, sizeof line);
    assert_non_null(strstr(line, "hts_2025_basic.json:12:2: rate \"1O%\""));
}

/* ------------------------------------------------------------------------ */
/* The Special column                                                        */

static rta_special sp; /* large: kept off the stack */

static void special_ok(const char *text)
{
    rta_error err;
    rta_status st = rta_special_parse(text, strlen(text), &sp, &err);
    if (st != RTA_OK)
        fail_msg("\"%s\": %s (column %ld)", text, err.message, err.column);
}

static void expect_program(const char *code, rta_rate_kind kind)
{
    const rta_rate *r = rta_special_find(&sp, code);
    if (r == NULL)
        fail_msg("program %s not found", code);
    if (r->kind != kind)
        fail_msg("program %s: %s, expected %s", code, rta_rate_kind_name(r->kind),
                 rta_rate_kind_name(kind));
}

static void test_special_single_group(void **state)
{
    (void)state;
    /* 0101.30.00.00 */
    special_ok("Free (A+,AU,BH,CL,CO,D,E,IL,JO,KR,MA,OM,P,PA,PE,S,SG)");
    assert_int_equal(sp.ngroups, 1);
    assert_int_equal(sp.all_group, -1);
    assert_int_equal(sp.rates[0].kind, RTA_RATE_FREE);
    assert_int_equal(sp.nprograms, 17);
    assert_string_equal(sp.programs[0].code, "A+");
    assert_string_equal(sp.programs[16].code, "SG");
    assert_int_equal(sp.rate_offset[0], 0);
    assert_int_equal(sp.rate_length[0], 4);
    expect_program("AU", RTA_RATE_FREE);
    expect_program("A", RTA_RATE_FREE); /* "A+" is the A program, marked */
    expect_program("A+", RTA_RATE_FREE);
    assert_null(rta_special_find(&sp, "JP"));
    assert_null(rta_special_find(&sp, "A*"));
    assert_null(rta_special_find(&sp, ""));
    assert_null(rta_special_find(&sp, NULL));
}

static void test_special_groups(void **state)
{
    (void)state;
    /* 0603.12.70.00 */
    special_ok("Free (A,AU,BH,CL,CO,D,E,IL,JO,KR,MA,OM,P,PA,PE,S,SG) 3.2% (JP)");
    assert_int_equal(sp.ngroups, 2);
    assert_int_equal(sp.nprograms, 18);
    const rta_rate *jp = rta_special_find(&sp, "JP");
    assert_non_null(jp);
    assert_int_equal(jp->kind, RTA_RATE_AD_VALOREM);
    assert_int_equal(jp->parts[0].ad_valorem_millionths, 32000);
    assert_int_equal(sp.rate_offset[1], 53);
    assert_int_equal(sp.rate_length[1], 4);

    /* 2204.10.00: no spaces around the second group */
    special_ok("Free (A,AU,BH,CL,CO,D,E,IL,KR,MA,OM,P,PA,PE,S,SG)8.8¢/liter(JO)");
    assert_int_equal(sp.ngroups, 2);
    const rta_rate *jo = rta_special_find(&sp, "JO");
    assert_non_null(jo);
    assert_int_equal(jo->kind, RTA_RATE_SPECIFIC);
    assert_int_equal(jo->parts[0].micro_usd, 88000);
    assert_string_equal(jo->parts[0].unit, "liter");
    expect_program("KR", RTA_RATE_FREE);

    /* 0406.90.94.00: references to chapter 98/99 and the slip "(PA (PA)" */
    special_ok("Free (BH,CL,JO,MA,OM,P,PE,SG) 7.5¢/kg (KR) See 9823.04.01-9823.04.54 (S+) See "
               "9908.04.05 (IL) See 9918.04.50, 9918.04.58 (CO) See 9919.04.50, 9919.04.57, "
               "9919.04.67 (PA (PA)");
    assert_int_equal(sp.ngroups, 6);
    assert_int_equal(sp.nprograms, 13);
    const rta_rate *kr = rta_special_find(&sp, "KR");
    assert_non_null(kr);
    assert_int_equal(kr->parts[0].micro_usd, 75000);
    const rta_rate *s = rta_special_find(&sp, "S");
    assert_non_null(s);
    assert_int_equal(s->kind, RTA_RATE_REFERENCE);
    assert_string_equal(s->reference, "9823.04.01-9823.04.54");
    assert_int_equal(s->needs, N_REF);
    const rta_rate *pa = rta_special_find(&sp, "PA");
    assert_non_null(pa);
    assert_string_equal(pa->reference, "9919.04.50, 9919.04.57, 9919.04.67");
    assert_string_equal(rta_special_find(&sp, "CO")->reference, "9918.04.50, 9918.04.58");

    /* 9901.00.50: worded groups and "3(e)" that is not a program list */
    special_ok("No change (A) Free (CA,IL, MX) See U.S. note 3 to this sub- chapter (E) See U.S. "
               "note 3(e) (CO,PE)");
    assert_int_equal(sp.ngroups, 4);
    expect_program("A", RTA_RATE_NO_CHANGE);
    expect_program("MX", RTA_RATE_FREE);
    expect_program("E", RTA_RATE_SEE_NOTE);
    expect_program("PE", RTA_RATE_SEE_NOTE);
    assert_string_equal(rta_special_find(&sp, "CO")->reference, "U.S. note 3(e)");

    /* 9802.00.50: a long worded rate between lists, trailing comma */
    special_ok("Free (AU,BH,CL, CO,IL,JO,KR,MA,OM,P,PA, PE,S,SG) A duty upon the value of the "
               "repairs or alterations (see U.S. note 3 of this subchapter) (B,C,)");
    assert_int_equal(sp.ngroups, 2);
    expect_program("B", RTA_RATE_VALUE_BASIS);
    expect_program("C", RTA_RATE_VALUE_BASIS);
    expect_program("CO", RTA_RATE_FREE);
}

static void test_special_slips(void **state)
{
    (void)state;
    /* 6204.63.11: ".OM" and a trailing space */
    special_ok("Free (AU,BH,CL,CO,IL,JO,KR,MA,.OM,P,PA,PE,S,SG) ");
    expect_program("OM", RTA_RATE_FREE);
    assert_int_equal(sp.nprograms, 14);
    /* 4011.90.20: "E IL" without a comma */
    special_ok("Free (A*,AU,BH,CL,CO,D,E IL,JO,KR,MA,OM,P,PA,PE,S,SG)");
    expect_program("E", RTA_RATE_FREE);
    expect_program("IL", RTA_RATE_FREE);
    expect_program("A", RTA_RATE_FREE);
    assert_null(rta_special_find(&sp, "A+"));
    /* 2903.62.10.00: a newline before the list, spaces inside it */
    special_ok("Free \n(A+, AU, BH,CL, CO, D, E, IL,JO, KR, MA, OM,P, PA, PE, S, SG)");
    assert_int_equal(sp.nprograms, 17);
    expect_program("SG", RTA_RATE_FREE);
    /* 2921.42.18.00 in the 2024 CSV: doubled commas */
    special_ok("Free(A+,AU,BH,,CL,CO,D,E,IL,JO,KR,L,MA,,OM,P,PA,PE, S, SG)");
    assert_int_equal(sp.nprograms, 18);
    /* 2903.59: a lone newline */
    special_ok("\n");
    assert_int_equal(sp.ngroups, 0);
    assert_int_equal(sp.nprograms, 0);
    special_ok("");
    assert_int_equal(sp.ngroups, 0);
    assert_null(rta_special_find(&sp, "AU"));
}

static void test_special_without_programs(void **state)
{
    (void)state;
    /* 9903.80.03: a chapter 99 rate for every program */
    special_ok("The duty provided in the applicable subheading + 25%");
    assert_int_equal(sp.ngroups, 1);
    assert_int_equal(sp.all_group, 0);
    assert_int_equal(sp.nprograms, 0);
    const rta_rate *r = rta_special_find(&sp, "KR");
    assert_non_null(r);
    assert_int_equal(r->kind, RTA_RATE_REFERENCE);
    assert_int_equal(r->parts[0].ad_valorem_millionths, 250000);
    /* 9802.00.91.00 */
    special_ok("Free (See U.S. note 4 of this subchapter)");
    assert_int_equal(sp.ngroups, 1);
    assert_int_equal(sp.rates[0].kind, RTA_RATE_CONDITIONAL);
    assert_int_equal(sp.rates[0].needs, N_NOTE);
    assert_string_equal(sp.rates[0].reference, "U.S. note 4");
    /* 9915.50.01 */
    special_ok("5% on the full value of the imported article");
    assert_int_equal(sp.rates[0].kind, RTA_RATE_AD_VALOREM);
    assert_int_equal(sp.rates[0].parts[0].ad_valorem_millionths, 50000);
    /* 9822.04.02 */
    special_ok("17.1% (AU)");
    assert_int_equal(sp.all_group, -1);
    assert_null(rta_special_find(&sp, "KR"));
    assert_int_equal(rta_special_find(&sp, "AU")->parts[0].ad_valorem_millionths, 171000);
}

static void test_special_errors(void **state)
{
    (void)state;
    rta_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(rta_special_parse("Free (AU) 5%", 12, &sp, &err), RTA_ERR_PARSE);
    assert_non_null(strstr(err.message, "no program list"));
    assert_int_equal(err.column, 11);
    assert_int_equal(sp.ngroups, 0);
    assert_int_equal(rta_special_parse("(AU)", 4, &sp, &err), RTA_ERR_PARSE);
    assert_non_null(strstr(err.message, "without a rate"));
    const char *bad = "Free (AU) 1O% (JO)";
    assert_int_equal(rta_special_parse(bad, strlen(bad), &sp, &err), RTA_ERR_PARSE);
    assert_int_equal(err.column, 12); /* the "O" of "1O%", counted in the whole cell */
    assert_int_equal(sp.nprograms, 0);
}

/* ------------------------------------------------------------------------ */
/* Shapes, names, JSON                                                       */

static void test_shape(void **state)
{
    (void)state;
    char buf[64];
    assert_int_equal(rta_rate_shape("46.3¢/kg + 14.9%", 17, buf, sizeof buf), 11);
    assert_string_equal(buf, "N¢/kg + N%");
    assert_int_equal(rta_rate_shape(" 16.5%\n", 7, buf, sizeof buf), 2);
    assert_string_equal(buf, "N%");
    assert_int_equal(rta_rate_shape("10¢/1,000 pins", 15, buf, sizeof buf), 12);
    assert_string_equal(buf, "N¢/N,N pins");
    assert_int_equal(rta_rate_shape("33 1/3%", 7, buf, sizeof buf), 6);
    assert_string_equal(buf, "N N/N%");
    assert_int_equal(rta_rate_shape("See 9823.04.01-9823.04.54", 25, buf, sizeof buf), 11);
    assert_string_equal(buf, "See N.N-N.N");
    /* truncation, snprintf-style */
    assert_int_equal(rta_rate_shape("16.5% + 3%", 10, buf, 3), 7);
    assert_string_equal(buf, "N%");
    assert_int_equal(rta_rate_shape("16.5%", 5, NULL, 0), 2);
    assert_int_equal(rta_rate_shape("", 0, buf, sizeof buf), 0);
    assert_string_equal(buf, "");
}

static void test_kind_names(void **state)
{
    (void)state;
    static const char *const names[] = {"none",          "free",       "ad_valorem",  "specific",
                                        "compound",      "reference",  "components",  "content",
                                        "sliding_scale", "under_bond", "conditional", "value_basis",
                                        "see_note",      "no_change",  "set"};
    assert_int_equal(sizeof names / sizeof names[0], RTA_RATE_KIND_COUNT);
    for (int k = 0; k < RTA_RATE_KIND_COUNT; k++)
        assert_string_equal(rta_rate_kind_name((rta_rate_kind)k), names[k]);
    assert_true(rta_rate_kind_is_structured(RTA_RATE_NONE));
    assert_true(rta_rate_kind_is_structured(RTA_RATE_FREE));
    assert_true(rta_rate_kind_is_structured(RTA_RATE_AD_VALOREM));
    assert_true(rta_rate_kind_is_structured(RTA_RATE_SPECIFIC));
    assert_true(rta_rate_kind_is_structured(RTA_RATE_COMPOUND));
    for (int k = RTA_RATE_REFERENCE; k < RTA_RATE_KIND_COUNT; k++)
        assert_false(rta_rate_kind_is_structured((rta_rate_kind)k));
}

static void test_rate_json(void **state)
{
    (void)state;
    const char *text = "46.3¢/kg + 14.9%";
    rta_rate r = parse_ok(text);
    char buf[1024];
    size_t n = rta_rate_to_json(&r, text, buf, sizeof buf);
    const char *want =
        "{\"text\":\"46.3¢/kg + 14.9%\",\"kind\":\"compound\",\"structured\":true,"
        "\"ad_valorem_millionths\":149000,"
        "\"specific\":[{\"micro_usd\":463000,\"unit\":\"kg\",\"per\":1,\"basis\":\"\"}],"
        "\"parts\":[{\"kind\":\"specific\",\"micro_usd\":463000,\"unit\":\"kg\",\"per\":1,"
        "\"basis\":\"\",\"sign\":1},{\"kind\":\"ad_valorem\",\"ad_valorem_millionths\":149000,"
        "\"basis\":\"\",\"sign\":1}],\"needs\":[\"quantity\"]}";
    assert_string_equal(buf, want);
    assert_int_equal(n, strlen(want));
    /* truncated output is a prefix, and the needed length does not change */
    char small[20];
    assert_int_equal(rta_rate_to_json(&r, text, small, sizeof small), n);
    assert_int_equal(strlen(small), sizeof small - 1);
    assert_memory_equal(small, want, sizeof small - 1);
    assert_int_equal(rta_rate_to_json(&r, text, NULL, 0), n);

    /* 33 1/3% carries its exact fraction; text with a newline and a quote is escaped */
    r = parse_ok("33 1/3%");
    rta_rate_to_json(&r, "33 1/3%\n\"", buf, sizeof buf);
    assert_non_null(strstr(buf, "\"text\":\"33 1/3%\\n\\\"\""));
    assert_non_null(strstr(buf, "\"exact\":{\"num\":1000000,\"den\":3}"));
    assert_non_null(strstr(buf, "\"ad_valorem_millionths\":333333"));

    /* invalid UTF-8 never reaches the JSON */
    rta_rate_to_json(&r, "5% \xff", buf, sizeof buf);
    assert_non_null(strstr(buf, "\"text\":\"5% \\ufffd\""));

    r = parse_ok("The duty rate provided in such subheading minus 0.5%");
    rta_rate_to_json(&r, "x", buf, sizeof buf);
    assert_non_null(strstr(buf, "\"kind\":\"reference\",\"structured\":false"));
    assert_non_null(strstr(buf, "\"sign\":-1"));
    assert_non_null(strstr(buf, "\"reference\":\"such subheading\""));
    assert_non_null(strstr(buf, "\"needs\":[\"reference_rate\"]"));
}

static void test_special_json(void **state)
{
    (void)state;
    /* 9822.04.02 */
    const char *text = "17.1% (AU)";
    special_ok(text);
    char buf[2048];
    size_t n = rta_special_to_json(&sp, text, buf, sizeof buf);
    const char *fields = "\"kind\":\"ad_valorem\",\"structured\":true,"
                         "\"ad_valorem_millionths\":171000,\"specific\":[],"
                         "\"parts\":[{\"kind\":\"ad_valorem\",\"ad_valorem_millionths\":171000,"
                         "\"basis\":\"\",\"sign\":1}],\"needs\":[]";
    char want[2048];
    snprintf(
        want, sizeof want,
        "{\"text\":\"17.1%% (AU)\",\"groups\":[{\"rate\":\"17.1%%\",%s,\"programs\":[\"AU\"]}],"
        "\"programs\":[{\"code\":\"AU\",\"rate\":\"17.1%%\",%s}]}",
        fields, fields);
    assert_string_equal(buf, want);
    assert_int_equal(n, strlen(want));

    text = "Free \n(A+, AU, BH,CL, CO, D, E, IL,JO, KR, MA, OM,P, PA, PE, S, SG)";
    special_ok(text);
    rta_special_to_json(&sp, text, buf, sizeof buf);
    assert_non_null(strstr(buf, "{\"code\":\"A+\",\"rate\":\"Free\",\"kind\":\"free\""));
    assert_non_null(strstr(buf, "\"programs\":[\"A+\",\"AU\",\"BH\""));
}

/* ------------------------------------------------------------------------ */
/* Units                                                                     */

static void expect_unit(const char *raw, const char *want)
{
    char buf[64];
    size_t n = rta_unit_normalize(raw, buf, sizeof buf);
    if (strcmp(buf, want) != 0 || n != strlen(want))
        fail_msg("unit \"%s\": \"%s\" (%zu), expected \"%s\"", raw, buf, n, want);
}

static void test_unit_normalize(void **state)
{
    (void)state;
    expect_unit("kg", "kg");
    expect_unit("No.", "No.");
    expect_unit("doz.", "doz.");
    expect_unit("m²", "m2");
    expect_unit("m2", "m2");
    expect_unit("m<sup>2</sup>", "m2");
    expect_unit("<u>kg</u>", "kg");
    expect_unit(" <u>kg</u>", "kg");
    expect_unit("<il>doz. prs.</il>", "doz. prs.");
    expect_unit("<il>doz. prs</il>.", "doz. prs.");
    expect_unit("m<sup style=\"font-size: 9.75px;\">3</sup>", "m3");
    expect_unit("thousand m<sup>3</sup>", "thousand m3");
    expect_unit("Cr<sub>2</sub>O<sub>3</sub> t", "Cr2O3 t");
    expect_unit("\n", "");
    expect_unit("", "");
    expect_unit(" ", "");
    expect_unit("pf.liters", "pf.liters");
    expect_unit("kg cmsc", "kg cmsc");
    expect_unit("Cu kg", "Cu kg");
    expect_unit("doz. ", "doz.");
    expect_unit("pcs ", "pcs");
    expect_unit("No", "No.");
    expect_unit("lin. m", "lin. m");
    expect_unit("kg&nbsp;", "kg");
    expect_unit(NULL, "");
    char small[3];
    assert_int_equal(rta_unit_normalize("<u>kg cmsc</u>", small, sizeof small), 7);
    assert_string_equal(small, "kg");
    assert_int_equal(rta_unit_normalize("m²", NULL, 0), 2);
}

static void expect_rate_unit(const char *raw, const char *want, int64_t want_per)
{
    char buf[64];
    int64_t per = -1;
    size_t n = rta_unit_normalize_rate(raw, strlen(raw), &per, buf, sizeof buf);
    if (strcmp(buf, want) != 0 || n != strlen(want) || per != want_per)
        fail_msg("rate unit \"%s\": \"%s\" per %lld, expected \"%s\" per %lld", raw, buf,
                 (long long)per, want, (long long)want_per);
}

static void test_unit_of_rates(void **state)
{
    (void)state;
    expect_rate_unit("¢/liter", "liter", 1);
    expect_rate_unit("¢/ liter", "liter", 1);
    expect_rate_unit("¢/pf.liter", "pf.liter", 1);
    expect_rate_unit("¢/pf. liter", "pf.liter", 1);
    expect_rate_unit("/kg", "kg", 1);
    expect_rate_unit(" each", "each", 1);
    expect_rate_unit("/doz.", "doz.", 1);
    expect_rate_unit("/pr.", "pr.", 1);
    expect_rate_unit("/gross", "gross", 1);
    expect_rate_unit("/1000", "each", 1000);
    expect_rate_unit("/m2", "m2", 1);
    expect_rate_unit("/m<sup>2</sup>", "m2", 1);
    expect_rate_unit("/bbl", "bbl", 1);
    expect_rate_unit("/t", "t", 1);
    expect_rate_unit("/head", "head", 1);
    expect_rate_unit("/clean kg", "clean kg", 1);
    expect_rate_unit("/thousand", "thousand", 1);
    expect_rate_unit("/thou- sand", "thousand", 1);
    expect_rate_unit("/1,000 pins", "pins", 1000);
    expect_rate_unit("/line/ gross", "line/gross", 1);
    expect_rate_unit("/jewel", "jewel", 1);
    expect_rate_unit("/article", "article", 1);
    expect_rate_unit("/ article", "article", 1);
    expect_rate_unit("$/kg", "kg", 1);
    expect_rate_unit("/1,00 pins", "pins", 0);
    expect_rate_unit("/0", "each", 0);
    expect_rate_unit("", "", 1);
    assert_true(rta_unit_is_rate_unit("kg"));
    assert_true(rta_unit_is_rate_unit("line/gross"));
    assert_false(rta_unit_is_rate_unit("parsec"));
    assert_false(rta_unit_is_rate_unit(""));
    assert_false(rta_unit_is_rate_unit(NULL));
}

static void test_unit_same(void **state)
{
    (void)state;
    assert_true(rta_unit_same("kg", "kg"));
    assert_true(rta_unit_same("liter", "liters"));
    assert_true(rta_unit_same("pf.liter", "pf.liters"));
    assert_true(rta_unit_same("each", "No."));
    assert_true(rta_unit_same("head", "No."));
    assert_true(rta_unit_same("pr.", "prs."));
    assert_true(rta_unit_same("clean kg", "cy kg"));
    assert_true(rta_unit_same("thousand", "thousands"));
    assert_true(rta_unit_same("No.", "each"));
    assert_false(rta_unit_same("kg", "liters"));
    assert_false(rta_unit_same("doz.", "No."));
    assert_false(rta_unit_same("", ""));
    assert_false(rta_unit_same(NULL, "kg"));
    assert_false(rta_unit_same("kg", NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_2025_general_shape),
        cmocka_unit_test(test_table_covers_the_2025_edition),
        cmocka_unit_test(test_exact_fractions),
        cmocka_unit_test(test_column2_and_spacing),
        cmocka_unit_test(test_empty_and_blank),
        cmocka_unit_test(test_unknown_shapes),
        cmocka_unit_test(test_special_single_group),
        cmocka_unit_test(test_special_groups),
        cmocka_unit_test(test_special_slips),
        cmocka_unit_test(test_special_without_programs),
        cmocka_unit_test(test_special_errors),
        cmocka_unit_test(test_shape),
        cmocka_unit_test(test_kind_names),
        cmocka_unit_test(test_rate_json),
        cmocka_unit_test(test_special_json),
        cmocka_unit_test(test_unit_normalize),
        cmocka_unit_test(test_unit_of_rates),
        cmocka_unit_test(test_unit_same),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
