// bench/duty_duckdb.mjs - the DuckDB SQL baseline of `rta duty --batch`.
//
//   node bench/duty_duckdb.mjs IN.csv OUT.csv [--threads N] [--ref bench/out/duty/ref]
//
// The same stack as rta (data/measures/README.md) as SQL over read_csv: the
// entries, the reference tables that bench/duty_ref.py derives from data/
// (the baseline's "import", untimed like `rta import`) and data/measures/fees.csv;
// writes rta's batch output columns with COPY. Input scope and the rules it
// reduces to are those of bench/duty_pandas.py (no quantities, content,
// program, transshipment, export date; mode ocean; MFN free or ad valorem).
// --threads sets DuckDB's worker threads (default 1: one core, as rta).
// Dependency: @duckdb/node-api (bench/package.json; `npm ci` in bench/).
import { DuckDBInstance } from '@duckdb/node-api';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  if (i < 0) return def;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const threads = opt('--threads', '1');
const ref = opt('--ref', path.join(here, 'out/duty/ref'));
const root = opt('--root', path.join(here, '..'));
const memory = opt('--memory', '');
if (args.length !== 2) {
  console.error('usage: node bench/duty_duckdb.mjs IN.csv OUT.csv [--threads N] [--ref DIR]');
  process.exit(2);
}
const [inp, out] = args;
const q = (s) => `'${s.replaceAll("'", "''")}'`;
const R = (f) => q(path.join(ref, f));

const t0 = Date.now();
const options = { threads: String(threads) };
if (memory) options.memory_limit = memory;
const db = await DuckDBInstance.create(':memory:', options);
const c = await db.connect();
const run = (sql) => c.run(sql);

// ---- reference tables (small)
await run(`CREATE TABLE m AS SELECT * FROM read_csv(${R('measures.csv')}, header=true,
  columns={'idx':'INTEGER','id':'VARCHAR','col':'VARCHAR','rate':'BIGINT','method':'VARCHAR',
  'grp':'VARCHAR','priority':'INTEGER','value_base':'INTEGER','excl_s232':'INTEGER',
  'excl_mask':'BIGINT','bit':'INTEGER','level':'INTEGER','star':'INTEGER',
  'date_from':'DATE','date_to':'DATE'})`);
await run(`CREATE TABLE org AS SELECT * FROM read_csv(${R('origins.csv')}, header=true,
  columns={'idx':'INTEGER','origin':'VARCHAR'}, nullstr='\\N')`);
await run(`CREATE TABLE sels AS SELECT * FROM read_csv(${R('sels.csv')}, header=true,
  columns={'idx':'INTEGER','role':'VARCHAR','kind':'VARCHAR','val':'VARCHAR'})`);
await run(`CREATE TABLE lists AS SELECT * FROM read_csv(${R('lists.csv')}, header=true,
  columns={'list':'VARCHAR','hts':'VARCHAR','plen':'INTEGER','date_from':'DATE','date_to':'DATE'})`);
await run(`CREATE TABLE periods AS SELECT * FROM read_csv(${R('periods.csv')}, header=true,
  columns={'period':'INTEGER','start':'DATE'})`);
await run(`CREATE TABLE star AS SELECT * FROM read_csv(${R('star.csv')}, header=true,
  columns={'origin':'VARCHAR','period':'INTEGER','idx':'INTEGER'}, nullstr='\\N')`);
await run(`CREATE TABLE revs AS SELECT * FROM read_csv(${R('revisions.csv')}, header=true,
  columns={'idx':'INTEGER','name':'VARCHAR','effective':'DATE'})`);
await run(`CREATE TABLE mfn AS SELECT * FROM read_csv(${R('mfn.csv')}, header=true,
  columns={'hts':'VARCHAR','rev_from':'INTEGER','rev_to':'INTEGER','gen':'BIGINT','col2':'BIGINT'})`);
await run(`CREATE TABLE fees AS SELECT * FROM read_csv(${q(path.join(root, 'data/measures/fees.csv'))},
  header=true, comment='#', all_varchar=true)`);
await run(`CREATE MACRO apply_rate(b, r) AS CASE WHEN b > 0 AND r > 0 THEN (b * r + 500000) // 1000000 ELSE 0 END`);
await run(`CREATE MACRO pct(t) AS CAST(split_part(t, '.', 1) AS BIGINT) * 10000
  + CAST(rpad(coalesce(nullif(split_part(t, '.', 2), ''), '0'), 4, '0') AS BIGINT)`);
await run(`CREATE MACRO cents(x) AS printf('%d.%02d', x // 100, x % 100)`);

// ---- entries, in file order (rowid of the created table)
await run(`CREATE TABLE e0 AS SELECT * FROM read_csv(${q(inp)}, header=true, all_varchar=true)`);
await run(`CREATE TABLE e AS
  SELECT e0.rowid AS e, entry_id, CAST(date AS DATE) AS d, hts, origin,
         CAST(round(CAST(value AS DECIMAL(18,2)) * 100) AS BIGINT) AS v
  FROM e0`);
await run(`DROP TABLE e0`);
// revision in force, period of the '*' rows, MFN rates
await run(`CREATE TABLE ex AS
  SELECT e.*, r.idx AS rev, p.period, mf.gen, mf.col2, mf.hts IS NOT NULL AS found
  FROM e ASOF JOIN revs r ON e.d >= r.effective
         ASOF JOIN periods p ON e.d >= p.start
         LEFT JOIN mfn mf ON mf.hts = e.hts AND r.idx BETWEEN mf.rev_from AND mf.rev_to`);
await run(`DROP TABLE e`);

// ---- code-level selectors: (hts, idx, role, from, to)
await run(`CREATE TABLE u AS SELECT DISTINCT hts FROM ex`);
await run(`CREATE TABLE upre AS SELECT hts, substr(hts, 1, k) AS pre FROM u, range(2, 11) t(k)`);
await run(`CREATE TABLE cs AS
  SELECT up.hts, s.idx, s.role, l.date_from AS df, l.date_to AS dt
    FROM upre up JOIN lists l ON l.hts = up.pre JOIN sels s ON s.kind = 'list' AND s.val = l.list
  UNION ALL
  SELECT up.hts, s.idx, s.role, DATE '0001-01-01', DATE '9999-12-31'
    FROM upre up JOIN sels s ON s.kind = 'prefix' AND s.val = up.pre`);
await run(`CREATE TABLE cp AS
  SELECT cs.hts, cs.idx, greatest(cs.df, m.date_from) AS df, least(cs.dt, m.date_to) AS dt
  FROM cs JOIN m USING (idx)
  WHERE cs.role = 'p' AND m.star = 0 AND greatest(cs.df, m.date_from) <= least(cs.dt, m.date_to)`);

// ---- candidates: '*' rows by (origin, period), listed rows by code, date and origin;
//      minus exemptions; Column 2 rows flag the entry
await run(`CREATE TABLE c0 AS
  SELECT ex.e, s.idx FROM ex JOIN star s ON s.origin = ex.origin AND s.period = ex.period
  UNION
  SELECT ex.e, cp.idx FROM ex JOIN cp ON cp.hts = ex.hts AND ex.d BETWEEN cp.df AND cp.dt
    SEMI JOIN org o ON o.idx = cp.idx AND o.origin = ex.origin`);
await run(`CREATE TABLE c1 AS
  SELECT c0.e, c0.idx FROM c0 JOIN ex USING (e)
  ANTI JOIN (SELECT * FROM cs WHERE role = 'e') x
    ON x.idx = c0.idx AND x.hts = ex.hts AND ex.d BETWEEN x.df AND x.dt`);
await run(`CREATE TABLE col2 AS SELECT DISTINCT c1.e FROM c1 JOIN m USING (idx) WHERE m.method = 'column2'`);
// groups: the highest priority, then the first row
await run(`CREATE TABLE cand AS
  SELECT c1.e, c1.idx, m.level FROM c1 JOIN m USING (idx)
  WHERE m.method <> 'column2'
  QUALIFY m.grp IS NULL OR m.grp = ''
       OR row_number() OVER (PARTITION BY c1.e, m.grp ORDER BY m.priority DESC, c1.idx) = 1`);
await run(`CREATE TABLE ent AS
  SELECT ex.e, ex.entry_id, ex.d, ex.v, ex.found,
         CASE WHEN col2.e IS NOT NULL THEN ex.col2 ELSE ex.gen END AS rate,
         apply_rate(ex.v, CASE WHEN col2.e IS NOT NULL THEN ex.col2 ELSE ex.gen END) AS mfn
  FROM ex LEFT JOIN col2 USING (e)`);
await run(`DROP TABLE ex`);

// ---- measures level by level (a row after the rows its exclusion depends on)
const lv = Number((await c.runAndReadAll(`SELECT coalesce(max(level), -1) FROM m`)).getRows()[0][0]);
await run(`CREATE TABLE charged (e BIGINT, idx INTEGER, col VARCHAR, amt BIGINT, bit INTEGER, s232 BOOLEAN)`);
for (let L = 0; L <= lv; L++) {
  await run(`INSERT INTO charged
    WITH st AS (SELECT e, bit_or(CASE WHEN bit >= 0 THEN 1::BIGINT << bit ELSE 0 END) AS mask,
                       bool_or(s232) AS s232 FROM charged GROUP BY e),
    r AS (SELECT cand.e, cand.idx, m.col, m.bit, m.method, m.col = 's232' AS is232,
                 CASE WHEN m.method = 'floor' THEN greatest(apply_rate(ent.v, m.rate) - ent.mfn, 0)
                      ELSE apply_rate(ent.v, m.rate) END AS amt
          FROM cand JOIN m USING (idx) JOIN ent USING (e) LEFT JOIN st USING (e)
          WHERE cand.level = ${L} AND m.value_base = 1
            AND NOT (m.excl_s232 = 1 AND coalesce(st.s232, false))
            AND (coalesce(st.mask, 0) & m.excl_mask) = 0)
    SELECT e, idx, col, amt, bit, is232 AND (amt > 0 OR method = 'floor') FROM r`);
}

// ---- per entry, fees, output in input order
await run(`CREATE TABLE agg AS SELECT e,
    sum(amt) FILTER (WHERE col = 's232') AS s232, sum(amt) FILTER (WHERE col = 's301') AS s301,
    sum(amt) FILTER (WHERE col = 'ieepa_recip') AS recip,
    sum(amt) FILTER (WHERE col = 'ieepa_fentanyl') AS fent,
    sum(amt) FILTER (WHERE col = 's122') AS s122, sum(amt) FILTER (WHERE col = 'other') AS other
  FROM charged GROUP BY e`);
await run(`CREATE TABLE fee AS
  SELECT ent.e,
    max(CASE WHEN f.fee = 'mpf' THEN least(greatest(apply_rate(ent.v, pct(f.rate)),
          coalesce(pct(nullif(f.min_usd, '')) // 100, 0)),
          coalesce(pct(nullif(f.max_usd, '')) // 100, 9223372036854775807)) END) AS mpf,
    sum(CASE WHEN f.fee = 'hmf' THEN least(greatest(apply_rate(ent.v, pct(f.rate)),
          coalesce(pct(nullif(f.min_usd, '')) // 100, 0)),
          coalesce(pct(nullif(f.max_usd, '')) // 100, 9223372036854775807)) END) AS hmf
  FROM ent JOIN fees f ON list_contains(string_split(f.modes, ' '), 'ocean')
    AND ent.d >= CAST(f."from" AS DATE) AND (f."to" IS NULL OR f."to" = '' OR ent.d <= CAST(f."to" AS DATE))
  GROUP BY ent.e`);
await run(`COPY (
  SELECT entry_id,
    CASE WHEN ok THEN cents(mfn + s232 + s301 + recip + fent + s122 + other) END AS total_duty,
    CASE WHEN ok THEN cents(mfn) END AS mfn, CASE WHEN ok THEN cents(s232) END AS s232,
    CASE WHEN ok THEN cents(s301) END AS s301, CASE WHEN ok THEN cents(recip) END AS ieepa_recip,
    CASE WHEN ok THEN cents(fent) END AS ieepa_fentanyl, CASE WHEN ok THEN cents(s122) END AS s122,
    CASE WHEN ok THEN cents(other) END AS other,
    CASE WHEN ok AND mpf IS NOT NULL THEN cents(mpf) END AS mpf, -- no MPF row: empty, not zero
    CASE WHEN ok THEN cents(hmf) END AS hmf,
    CASE WHEN NOT found THEN 'HTS code not in the revision in force'
         WHEN NOT ok THEN 'rate in force is not free or ad valorem (outside the baseline)'
         END AS error
  FROM (SELECT ent.e, ent.entry_id, ent.d, ent.found, ent.found AND ent.rate IS NOT NULL AS ok, ent.mfn,
          coalesce(agg.s232, 0) AS s232, coalesce(agg.s301, 0) AS s301, coalesce(agg.recip, 0) AS recip,
          coalesce(agg.fent, 0) AS fent, coalesce(agg.s122, 0) AS s122, coalesce(agg.other, 0) AS other,
          fee.mpf, coalesce(fee.hmf, 0) AS hmf
        FROM ent LEFT JOIN agg USING (e) LEFT JOIN fee USING (e))
  ORDER BY e) TO ${q(out)} (HEADER, DELIMITER ',', QUOTE '"')`);
const n = Number((await c.runAndReadAll(`SELECT count(*) FROM ent`)).getRows()[0][0]);
console.error(`duty_duckdb: ${n} entries, threads ${threads}, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
c.closeSync();
db.closeSync();
