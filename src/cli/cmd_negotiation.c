/*
 * cmd_negotiation.c - `rta negotiation`, `rta round`, `rta list`, `rta outstanding`.
 *
 * Why: the negotiators' commands are a thin layer over rta/negotiation.h;
 * this file parses options, picks the acting delegation (--as or
 * RTA_DELEGATION) and the author (--author or $USER), and prints text, JSON
 * or the exchange CSV. Confidentiality and validation live in the library.
 */
#include "cli.h"
#include "rta/lines.h"
#include "rta/negotiation.h"
#include "rta/store.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char negotiation_help[] =
    "usage: rta negotiation new NAME --parties P1,P2 [--title T] [--author A]\n"
    "       rta negotiation list [--json]\n"
    "       rta negotiation show NAME [--as P] [--json]\n"
    "       rta negotiation member NAME --party P --name N [--role R]\n"
    "\n"
    "A bilateral tariff negotiation: two delegations (ISO 3166 alpha-2 codes\n"
    "known to the store, e.g. VN,US), its rounds and its offer/request lists.\n"
    "NAME: 1-63 of a-z 0-9 - _. `show` lists the rounds, members and the lists\n"
    "visible to the acting delegation (--as P or $RTA_DELEGATION): another\n"
    "delegation's drafts are never shown.\n"
    "--json (list): [{name,title,parties:[{code,market,name}],rounds,created_at,created_by}]\n"
    "--json (show): {name,title,parties,rounds:[...],members:[...],lists:[...]}\n";

static const char round_help[] =
    "usage: rta round add NAME --number N --date YYYY-MM-DD [--place P]\n"
    "                     [--level ministerial|technical|working-group] [--topic T]\n"
    "       rta round list NAME [--json]\n"
    "\n"
    "Rounds are numbered 1, 2, ... in the order they meet (a later number may\n"
    "not have an earlier date). --level defaults to technical.\n"
    "--json (list): [{number,date,level,place,topic}]\n";

static const char list_help[] =
    "usage: rta list add NAME --party P --round N --kind offer|request --file LINES.csv\n"
    "                    [--as P] [--author A]\n"
    "       rta list show REF [--version V] [--as P] [--json | --csv]\n"
    "       rta list export REF [--as P] [--date D] [--out FILE|-] [--data DIR]\n"
    "       rta list versions REF [--as P] [--json]\n"
    "       rta list exchange REF --as P\n"
    "       rta list withdraw REF --as P\n"
    "       rta list status REF CODE agreed|outstanding|withdrawn [--round N] [--as P]\n"
    "                    [--author A]\n"
    "\n"
    "REF is a list id (7) or NEGOTIATION/PARTY/ROUND/KIND (vn-us/VN/1/offer).\n"
    "`add` creates the list as a draft of party P (only P may write it: --as\n"
    "defaults to P) or adds a new version; versions are immutable. A draft is\n"
    "visible only to its delegation until `exchange`. A bad line file changes\n"
    "nothing. The acting delegation is --as P or $RTA_DELEGATION; the author\n"
    "is --author or $USER.\n"
    "Line file: CSV with header code,treatment,value[,staging_years,description];\n"
    "treatment rate|cap|cut|swiss|exempt (see docs/negotiation.md).\n"
    "--csv: the exchange form code,treatment,value,staging_years,description\n"
    "(base and offered rates are not printed: use `export`).\n"
    "export: the form negotiators exchange, CSV with header\n"
    "  code,description,base_rate,offered_rate,staging_years,treatment,value,base_source\n"
    "  base_rate: US market, the HTS General rate of an 8/10-digit line in the revision\n"
    "  in force on --date (default: the list's round date); VN market, the EVFTA base\n"
    "  rate of an AHTN 8-digit line. A heading, subheading or range gets no base rate\n"
    "  (base_source says why). offered_rate is computed on ad valorem bases only.\n"
    "  --out FILE (default - = stdout); the same visibility rules as `show`.\n"
    "--json (show): {id,ref,negotiation,party,round,kind,status,version,versions,\n"
    "                lines:[{code,code_to,treatment,value,staging_years,description}]}\n"
    "--json (versions): [{version,author,created_at,line_count,source}]\n";

static const char outstanding_help[] =
    "usage: rta outstanding NAME [--party P] [--as P] [--json]\n"
    "\n"
    "Line items not yet agreed: for each party, kind and code of the lists\n"
    "visible to the acting delegation (not withdrawn), the line of the latest\n"
    "round holding it, unless its latest recorded status is agreed or\n"
    "withdrawn; with the round it was last touched in (tabled or decided).\n"
    "--json: {negotiation,viewer,items:[{party,kind,code,code_to,treatment,value,\n"
    "         staging_years,description,list_id,list_round,last_round,status}]}\n";

/* ---- printing helpers ---- */

static void json_line(const rta_line *l)
{
    char v[32];
    printf("{\"code\":\"%s\",\"code_to\":\"%s\",\"treatment\":\"%s\",\"value\":%s,"
           "\"staging_years\":%d,\"description\":",
           l->code, l->code_to, rta_treatment_name(l->treatment),
           rta_line_value_format(l, v, sizeof v), l->staging_years);
    cli_json_str(l->description ? l->description : "");
    putchar('}');
}

static void json_list(const rta_neg_list *l)
{
    printf("{\"id\":%lld,\"ref\":\"%s/%s/%d/%s\",\"negotiation\":\"%s\",\"party\":\"%s\","
           "\"round\":%d,\"kind\":\"%s\",\"status\":\"%s\",\"versions\":%d,\"line_count\":%d,"
           "\"updated_at\":\"%s\",\"updated_by\":",
           (long long)l->id, l->negotiation, l->party, l->round, l->kind, l->negotiation, l->party,
           l->round, l->kind, l->status, l->versions, l->line_count, l->updated_at);
    cli_json_str(l->updated_by);
    putchar('}');
}

/* ---- option handling ---- */

typedef struct opts {
    const char *pos[4];
    int npos;
    const char *as, *author, *parties, *title, *party, *round, *kind, *file, *version, *number,
        *date, *place, *level, *topic, *name, *role, *out, *data;
    int json, csv, help;
} opts;

static int parse_opts(int argc, char **argv, int first, const char *cmd, opts *o)
{
    static const struct {
        const char *name;
        size_t off;
    } table[] = {
        {"--as", offsetof(opts, as)},           {"--author", offsetof(opts, author)},
        {"--parties", offsetof(opts, parties)}, {"--title", offsetof(opts, title)},
        {"--party", offsetof(opts, party)},     {"--round", offsetof(opts, round)},
        {"--kind", offsetof(opts, kind)},       {"--file", offsetof(opts, file)},
        {"--version", offsetof(opts, version)}, {"--number", offsetof(opts, number)},
        {"--date", offsetof(opts, date)},       {"--place", offsetof(opts, place)},
        {"--level", offsetof(opts, level)},     {"--topic", offsetof(opts, topic)},
        {"--name", offsetof(opts, name)},       {"--role", offsetof(opts, role)},
        {"--out", offsetof(opts, out)},         {"--data", offsetof(opts, data)},
    };
    memset(o, 0, sizeof *o);
    for (int i = first; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            o->help = 1;
            continue;
        }
        if (strcmp(argv[i], "--json") == 0) {
            o->json = 1;
            continue;
        }
        if (strcmp(argv[i], "--csv") == 0) {
            o->csv = 1;
            continue;
        }
        int matched = 0;
        for (size_t k = 0; k < sizeof table / sizeof table[0] && !matched; k++) {
            const char *v;
            int r = cli_opt(argc, argv, &i, table[k].name, &v);
            if (r < 0)
                return cli_usage(cmd, "%s needs a value", table[k].name);
            if (r > 0) {
                *(const char **)((char *)o + table[k].off) = v;
                matched = 1;
            }
        }
        if (matched)
            continue;
        if (argv[i][0] == '-' && argv[i][1] != '\0')
            return cli_usage(cmd, "unknown option %s", argv[i]);
        if (o->npos >= 4)
            return cli_usage(cmd, "too many arguments");
        o->pos[o->npos++] = argv[i];
    }
    if (!o->as) {
        const char *env = getenv("RTA_DELEGATION");
        if (env && *env)
            o->as = env;
    }
    if (o->json && o->csv)
        return cli_usage(cmd, "--csv and --json exclude each other");
    return -1; /* parsed, go on */
}

static const char *author_of(const opts *o)
{
    if (o->author && *o->author)
        return o->author;
    const char *u = getenv("USER");
    if (!u || !*u)
        u = getenv("LOGNAME");
    return u && *u ? u : NULL;
}

static int open_store(const cli *c, int write, rta_store **s)
{
    rta_error err;
    if (write && access(c->db, F_OK) != 0) {
        fprintf(stderr,
                "rta: %s: no store here; run `rta import` first (or pass --db / set "
                "RTA_DB)\n",
                c->db);
        return EXIT_FAIL;
    }
    if (rta_store_open(c->db, write ? RTA_STORE_READWRITE : RTA_STORE_READONLY, s, &err) != RTA_OK)
        return cli_fail(&err);
    return EXIT_OK;
}

static int parse_number(const char *cmd, const char *opt, const char *text, int max, int *out)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (*text < '0' || *text > '9' || *end != '\0' || v < 1 || v > max)
        return cli_usage(cmd, "%s \"%s\" must be a whole number from 1 to %d", opt, text, max);
    *out = (int)v;
    return EXIT_OK;
}

/* ---- rta negotiation ---- */

static void json_party(const rta_neg_party *p)
{
    printf("{\"code\":\"%s\",\"market\":\"%s\",\"name\":", p->code, p->market);
    cli_json_str(p->name);
    putchar('}');
}

static int neg_show(rta_store *s, const opts *o)
{
    rta_error err;
    rta_negotiation n;
    rta_neg_round *rounds = NULL;
    rta_neg_member *members = NULL;
    rta_neg_list *lists = NULL;
    size_t nr = 0, nm = 0, nl = 0;
    if (rta_negotiation_get(s, o->pos[1], &n, &err) != RTA_OK ||
        rta_negotiation_rounds(s, o->pos[1], &rounds, &nr, &err) != RTA_OK ||
        rta_negotiation_members(s, o->pos[1], &members, &nm, &err) != RTA_OK ||
        rta_negotiation_lists(s, o->pos[1], o->as, &lists, &nl, &err) != RTA_OK) {
        free(rounds);
        free(members);
        return cli_fail(&err);
    }
    char d[16];
    if (o->json) {
        printf("{\"name\":\"%s\",\"title\":", n.name);
        cli_json_str(n.title);
        printf(",\"viewer\":");
        cli_json_str(o->as ? o->as : "");
        printf(",\"parties\":[");
        json_party(&n.parties[0]);
        putchar(',');
        json_party(&n.parties[1]);
        printf("],\"rounds\":[");
        for (size_t i = 0; i < nr; i++) {
            printf("%s{\"number\":%d,\"date\":\"%s\",\"level\":\"%s\",\"place\":", i ? "," : "",
                   rounds[i].number, rta_date_format(rounds[i].date, d, sizeof d),
                   rta_round_level_name(rounds[i].level));
            cli_json_str(rounds[i].place);
            printf(",\"topic\":");
            cli_json_str(rounds[i].topic);
            putchar('}');
        }
        printf("],\"members\":[");
        for (size_t i = 0; i < nm; i++) {
            printf("%s{\"party\":\"%s\",\"name\":", i ? "," : "", members[i].party);
            cli_json_str(members[i].name);
            printf(",\"role\":");
            cli_json_str(members[i].role);
            putchar('}');
        }
        printf("],\"lists\":[");
        for (size_t i = 0; i < nl; i++) {
            if (i)
                putchar(',');
            json_list(&lists[i]);
        }
        printf("]}\n");
    } else {
        printf("negotiation %s%s%s\n", n.name, n.title[0] ? ": " : "", n.title);
        for (int k = 0; k < 2; k++)
            printf("  party %s (%s), market %s\n", n.parties[k].code, n.parties[k].name,
                   n.parties[k].market);
        for (size_t i = 0; i < nm; i++)
            printf("  member %s: %s%s%s\n", members[i].party, members[i].name,
                   members[i].role[0] ? ", " : "", members[i].role);
        printf("rounds: %zu\n", nr);
        for (size_t i = 0; i < nr; i++)
            printf("  %d  %s  %-13s  %s%s%s\n", rounds[i].number,
                   rta_date_format(rounds[i].date, d, sizeof d),
                   rta_round_level_name(rounds[i].level), rounds[i].place,
                   rounds[i].topic[0] ? " - " : "", rounds[i].topic);
        printf("lists visible to %s: %zu\n", o->as ? o->as : "no delegation (use --as)", nl);
        for (size_t i = 0; i < nl; i++)
            printf("  %lld  %s/%s/%d/%s  %s  v%d  %d lines\n", (long long)lists[i].id,
                   lists[i].negotiation, lists[i].party, lists[i].round, lists[i].kind,
                   lists[i].status, lists[i].versions, lists[i].line_count);
    }
    free(rounds);
    free(members);
    free(lists);
    return EXIT_OK;
}

int cmd_negotiation(cli *c, int argc, char **argv)
{
    const char *cmd = "negotiation ";
    opts o;
    int r = parse_opts(argc, argv, 1, cmd, &o);
    if (r >= 0)
        return r;
    if (o.help || o.npos == 0) {
        fputs(negotiation_help, o.help ? stdout : stderr);
        return o.help ? EXIT_OK : EXIT_USAGE;
    }
    const char *sub = o.pos[0];
    rta_store *s = NULL;
    rta_error err;
    int rc = EXIT_OK;
    if (strcmp(sub, "new") == 0) {
        if (o.npos != 2 || !o.parties)
            return cli_usage(cmd, "usage: rta negotiation new NAME --parties P1,P2");
        const char *author = author_of(&o);
        if (!author)
            return cli_usage(cmd, "say who records this: --author NAME (or set $USER)");
        if ((rc = open_store(c, 1, &s)) != EXIT_OK)
            return rc;
        if (rta_negotiation_create(s, o.pos[1], o.parties, o.title, author, &err) != RTA_OK)
            rc = cli_fail(&err);
        else
            printf("negotiation %s: parties %s\n", o.pos[1], o.parties);
    } else if (strcmp(sub, "list") == 0) {
        if (o.npos != 1)
            return cli_usage(cmd, "usage: rta negotiation list [--json]");
        if ((rc = open_store(c, 0, &s)) != EXIT_OK)
            return rc;
        rta_negotiation *all = NULL;
        size_t n = 0;
        if (rta_negotiation_all(s, &all, &n, &err) != RTA_OK) {
            rc = cli_fail(&err);
        } else if (o.json) {
            putchar('[');
            for (size_t i = 0; i < n; i++) {
                printf("%s{\"name\":\"%s\",\"title\":", i ? "," : "", all[i].name);
                cli_json_str(all[i].title);
                printf(",\"parties\":[");
                json_party(&all[i].parties[0]);
                putchar(',');
                json_party(&all[i].parties[1]);
                printf("],\"rounds\":%d,\"created_at\":\"%s\",\"created_by\":", all[i].rounds,
                       all[i].created_at);
                cli_json_str(all[i].created_by);
                putchar('}');
            }
            printf("]\n");
        } else {
            for (size_t i = 0; i < n; i++)
                printf("%-20s %s-%s  %d rounds  %s\n", all[i].name, all[i].parties[0].code,
                       all[i].parties[1].code, all[i].rounds, all[i].title);
        }
        free(all);
    } else if (strcmp(sub, "show") == 0) {
        if (o.npos != 2)
            return cli_usage(cmd, "usage: rta negotiation show NAME");
        if ((rc = open_store(c, 0, &s)) != EXIT_OK)
            return rc;
        rc = neg_show(s, &o);
    } else if (strcmp(sub, "member") == 0) {
        if (o.npos != 2 || !o.party || !o.name)
            return cli_usage(cmd, "usage: rta negotiation member NAME --party P --name N");
        if ((rc = open_store(c, 1, &s)) != EXIT_OK)
            return rc;
        if (rta_negotiation_member_add(s, o.pos[1], o.party, o.name, o.role, &err) != RTA_OK)
            rc = cli_fail(&err);
        else
            printf("%s: member %s of %s\n", o.pos[1], o.name, o.party);
    } else {
        return cli_usage(cmd, "unknown subcommand \"%s\"", sub);
    }
    rta_store_close(s);
    return rc;
}

/* ---- rta round ---- */

int cmd_round(cli *c, int argc, char **argv)
{
    const char *cmd = "round ";
    opts o;
    int r = parse_opts(argc, argv, 1, cmd, &o);
    if (r >= 0)
        return r;
    if (o.help || o.npos == 0) {
        fputs(round_help, o.help ? stdout : stderr);
        return o.help ? EXIT_OK : EXIT_USAGE;
    }
    rta_store *s = NULL;
    rta_error err;
    int rc = EXIT_OK;
    if (strcmp(o.pos[0], "add") == 0) {
        if (o.npos != 2 || !o.number || !o.date)
            return cli_usage(cmd, "usage: rta round add NAME --number N --date YYYY-MM-DD");
        rta_neg_round rd;
        memset(&rd, 0, sizeof rd);
        if ((rc = parse_number(cmd, "--number", o.number, 999, &rd.number)) != EXIT_OK)
            return rc;
        if (rta_date_parse(o.date, &rd.date, &err) != RTA_OK)
            return cli_usage(cmd, "--date \"%s\": %s", o.date, err.message);
        rd.level = RTA_ROUND_TECHNICAL;
        if (o.level && rta_round_level_parse(o.level, &rd.level) != 0)
            return cli_usage(cmd, "--level \"%s\" must be ministerial, technical or working-group",
                             o.level);
        if ((o.place && strlen(o.place) >= sizeof rd.place) ||
            (o.topic && strlen(o.topic) >= sizeof rd.topic))
            return cli_usage(cmd, "--place and --topic take at most %zu bytes",
                             sizeof rd.place - 1);
        snprintf(rd.place, sizeof rd.place, "%s", o.place ? o.place : "");
        snprintf(rd.topic, sizeof rd.topic, "%s", o.topic ? o.topic : "");
        if ((rc = open_store(c, 1, &s)) != EXIT_OK)
            return rc;
        if (rta_negotiation_round_add(s, o.pos[1], &rd, &err) != RTA_OK)
            rc = cli_fail(&err);
        else
            printf("%s: round %d on %s (%s)\n", o.pos[1], rd.number, o.date,
                   rta_round_level_name(rd.level));
    } else if (strcmp(o.pos[0], "list") == 0) {
        if (o.npos != 2)
            return cli_usage(cmd, "usage: rta round list NAME [--json]");
        if ((rc = open_store(c, 0, &s)) != EXIT_OK)
            return rc;
        rta_neg_round *rounds = NULL;
        size_t n = 0;
        char d[16];
        if (rta_negotiation_rounds(s, o.pos[1], &rounds, &n, &err) != RTA_OK) {
            rc = cli_fail(&err);
        } else if (o.json) {
            putchar('[');
            for (size_t i = 0; i < n; i++) {
                printf("%s{\"number\":%d,\"date\":\"%s\",\"level\":\"%s\",\"place\":", i ? "," : "",
                       rounds[i].number, rta_date_format(rounds[i].date, d, 16),
                       rta_round_level_name(rounds[i].level));
                cli_json_str(rounds[i].place);
                printf(",\"topic\":");
                cli_json_str(rounds[i].topic);
                putchar('}');
            }
            printf("]\n");
        } else {
            for (size_t i = 0; i < n; i++)
                printf("%d  %s  %-13s  %s%s%s\n", rounds[i].number,
                       rta_date_format(rounds[i].date, d, 16),
                       rta_round_level_name(rounds[i].level), rounds[i].place,
                       rounds[i].topic[0] ? " - " : "", rounds[i].topic);
        }
        free(rounds);
    } else {
        return cli_usage(cmd, "unknown subcommand \"%s\"", o.pos[0]);
    }
    rta_store_close(s);
    return rc;
}

/* ---- rta list ---- */

static int list_export(const cli *c, rta_store *s, const opts *o)
{
    const char *cmd = "list ";
    rta_error err;
    rta_day date = 0;
    if (o->date && rta_date_parse(o->date, &date, &err) != RTA_OK)
        return cli_usage(cmd, "--date \"%s\": %s", o->date, err.message);
    char meta[4096];
    struct stat sb;
    const char *data = o->data;
    if (!data)
        data = rta_store_meta(s, "data_dir", meta, sizeof meta, NULL) == RTA_OK &&
                       stat(meta, &sb) == 0 && S_ISDIR(sb.st_mode)
                   ? meta
                   : RTA_DEFAULT_DATA_DIR;
    rta_snapshot *snap = NULL;
    int rc = cli_load(c, &snap);
    if (rc != EXIT_OK)
        return rc;
    int to_file = o->out && strcmp(o->out, "-") != 0;
    FILE *f = to_file ? fopen(o->out, "w") : stdout;
    if (!f) {
        fprintf(stderr, "rta: %s: cannot write: %s\n", o->out, strerror(errno));
        rta_snapshot_free(snap);
        return EXIT_FAIL;
    }
    rta_list_export_info info;
    rta_status st =
        rta_negotiation_list_export(s, snap, data, o->pos[1], o->as, date, f, &info, &err);
    rta_snapshot_free(snap);
    if (to_file && fclose(f) != 0 && st == RTA_OK) {
        fprintf(stderr, "rta: %s: write failed: %s\n", o->out, strerror(errno));
        remove(o->out);
        return EXIT_FAIL;
    }
    if (st != RTA_OK) {
        if (to_file)
            remove(o->out);
        return cli_fail(&err);
    }
    if (to_file) {
        char d[16];
        rta_date_format(info.date, d, sizeof d);
        printf("%s: %zu lines (%zu with a base rate), market %s, base rates on %s%s%s%s\n", o->out,
               info.lines, info.with_base, info.market, d,
               info.date_is_round ? " (the round's date)" : "", info.revision[0] ? ", HTS " : "",
               info.revision);
    }
    return EXIT_OK;
}

static int list_show(rta_store *s, const opts *o)
{
    rta_error err;
    rta_neg_list l;
    int version = 0;
    if (o->version && parse_number("list ", "--version", o->version, 1000000, &version) != 0)
        return EXIT_USAGE;
    rta_lines lines = {0};
    if (rta_negotiation_list_get(s, o->pos[1], o->as, &l, &err) != RTA_OK ||
        rta_negotiation_list_version_lines(s, o->pos[1], o->as, version, &lines, &err) != RTA_OK)
        return cli_fail(&err);
    if (version == 0)
        version = l.versions;
    if (o->csv) {
        if (rta_lines_write(stdout, &lines, &err) != RTA_OK) {
            rta_lines_free(&lines);
            return cli_fail(&err);
        }
    } else if (o->json) {
        printf("{\"id\":%lld,\"ref\":\"%s/%s/%d/%s\",\"negotiation\":\"%s\",\"party\":\"%s\","
               "\"round\":%d,\"kind\":\"%s\",\"status\":\"%s\",\"version\":%d,\"versions\":%d,"
               "\"lines\":[",
               (long long)l.id, l.negotiation, l.party, l.round, l.kind, l.negotiation, l.party,
               l.round, l.kind, l.status, version, l.versions);
        for (size_t i = 0; i < lines.count; i++) {
            if (i)
                putchar(',');
            json_line(&lines.items[i]);
        }
        printf("]}\n");
    } else {
        printf("list %lld  %s/%s/%d/%s  %s  version %d of %d  %zu lines\n", (long long)l.id,
               l.negotiation, l.party, l.round, l.kind, l.status, version, l.versions, lines.count);
        for (size_t i = 0; i < lines.count; i++) {
            const rta_line *x = &lines.items[i];
            char sc[24], v[32];
            printf("  %-21s %-6s %8s  staging %2d  %s\n", rta_line_scope_format(x, sc, sizeof sc),
                   rta_treatment_name(x->treatment), rta_line_value_format(x, v, sizeof v),
                   x->staging_years, x->description);
        }
    }
    rta_lines_free(&lines);
    return EXIT_OK;
}

int cmd_list(cli *c, int argc, char **argv)
{
    const char *cmd = "list ";
    opts o;
    int r = parse_opts(argc, argv, 1, cmd, &o);
    if (r >= 0)
        return r;
    if (o.help || o.npos == 0) {
        fputs(list_help, o.help ? stdout : stderr);
        return o.help ? EXIT_OK : EXIT_USAGE;
    }
    const char *sub = o.pos[0];
    rta_store *s = NULL;
    rta_error err;
    int rc = EXIT_OK;
    if (strcmp(sub, "add") == 0) {
        if (o.npos != 2 || !o.party || !o.round || !o.kind || !o.file)
            return cli_usage(cmd, "usage: rta list add NAME --party P --round N --kind "
                                  "offer|request --file LINES.csv");
        int round = 0;
        if ((rc = parse_number(cmd, "--round", o.round, 999, &round)) != EXIT_OK)
            return rc;
        if (strcmp(o.kind, "offer") != 0 && strcmp(o.kind, "request") != 0)
            return cli_usage(cmd, "--kind \"%s\" must be offer or request", o.kind);
        const char *author = author_of(&o);
        if (!author)
            return cli_usage(cmd, "say who writes this: --author NAME (or set $USER)");
        const char *as = o.as ? o.as : o.party;
        rta_lines lines = {0};
        if (rta_lines_read(o.file, &lines, &err) != RTA_OK)
            return cli_fail(&err);
        if ((rc = open_store(c, 1, &s)) != EXIT_OK) {
            rta_lines_free(&lines);
            return rc;
        }
        int64_t id = 0;
        int version = 0;
        if (rta_negotiation_list_add(s, o.pos[1], o.party, round, o.kind, &lines, author, o.file,
                                     as, &id, &version, &err) != RTA_OK)
            rc = cli_fail(&err);
        else
            printf("list %lld  %s/%s/%d/%s  version %d  %zu lines\n", (long long)id, o.pos[1],
                   o.party, round, o.kind, version, lines.count);
        rta_lines_free(&lines);
    } else if (strcmp(sub, "show") == 0) {
        if (o.npos != 2)
            return cli_usage(cmd, "usage: rta list show REF [--version V] [--json|--csv]");
        if ((rc = open_store(c, 0, &s)) != EXIT_OK)
            return rc;
        rc = list_show(s, &o);
    } else if (strcmp(sub, "export") == 0) {
        if (o.npos != 2)
            return cli_usage(cmd, "usage: rta list export REF [--as P] [--date D] [--out FILE]");
        if ((rc = open_store(c, 0, &s)) != EXIT_OK)
            return rc;
        rc = list_export(c, s, &o);
    } else if (strcmp(sub, "versions") == 0) {
        if (o.npos != 2)
            return cli_usage(cmd, "usage: rta list versions REF [--json]");
        if ((rc = open_store(c, 0, &s)) != EXIT_OK)
            return rc;
        rta_neg_version *v = NULL;
        size_t n = 0;
        if (rta_negotiation_list_versions(s, o.pos[1], o.as, &v, &n, &err) != RTA_OK) {
            rc = cli_fail(&err);
        } else if (o.json) {
            putchar('[');
            for (size_t i = 0; i < n; i++) {
                printf("%s{\"version\":%d,\"author\":", i ? "," : "", v[i].version);
                cli_json_str(v[i].author);
                printf(",\"created_at\":\"%s\",\"line_count\":%d,\"source\":", v[i].created_at,
                       v[i].line_count);
                cli_json_str(v[i].source);
                putchar('}');
            }
            printf("]\n");
        } else {
            for (size_t i = 0; i < n; i++)
                printf("%d  %s  %s  %d lines  %s\n", v[i].version, v[i].created_at, v[i].author,
                       v[i].line_count, v[i].source);
        }
        free(v);
    } else if (strcmp(sub, "exchange") == 0 || strcmp(sub, "withdraw") == 0) {
        int exchange = sub[0] == 'e';
        if (o.npos != 2)
            return cli_usage(cmd, "usage: rta list %s REF --as P", sub);
        if (!o.as)
            return cli_usage(cmd, "say which delegation acts: --as P (or set RTA_DELEGATION)");
        if ((rc = open_store(c, 1, &s)) != EXIT_OK)
            return rc;
        rta_status st = exchange ? rta_negotiation_list_exchange(s, o.pos[1], o.as, &err)
                                 : rta_negotiation_list_withdraw(s, o.pos[1], o.as, &err);
        if (st != RTA_OK)
            rc = cli_fail(&err);
        else
            printf("list %s %s\n", o.pos[1], exchange ? "exchanged" : "withdrawn");
    } else if (strcmp(sub, "status") == 0) {
        if (o.npos != 4)
            return cli_usage(cmd, "usage: rta list status REF CODE agreed|outstanding|withdrawn");
        int round = 0;
        if (o.round && (rc = parse_number(cmd, "--round", o.round, 999, &round)) != EXIT_OK)
            return rc;
        const char *st = o.pos[3];
        if (strcmp(st, "agreed") != 0 && strcmp(st, "outstanding") != 0 &&
            strcmp(st, "withdrawn") != 0)
            return cli_usage(cmd, "status \"%s\" must be agreed, outstanding or withdrawn", st);
        const char *author = author_of(&o);
        if (!author)
            return cli_usage(cmd, "say who records this: --author NAME (or set $USER)");
        if ((rc = open_store(c, 1, &s)) != EXIT_OK)
            return rc;
        if (rta_negotiation_line_status(s, o.pos[1], o.as, o.pos[2], st, round, author, &err) !=
            RTA_OK)
            rc = cli_fail(&err);
        else
            printf("list %s line %s: %s\n", o.pos[1], o.pos[2], st);
    } else {
        return cli_usage(cmd, "unknown subcommand \"%s\"", sub);
    }
    rta_store_close(s);
    return rc;
}

/* ---- rta outstanding ---- */

int cmd_outstanding(cli *c, int argc, char **argv)
{
    const char *cmd = "outstanding ";
    opts o;
    int r = parse_opts(argc, argv, 1, cmd, &o);
    if (r >= 0)
        return r;
    if (o.help) {
        fputs(outstanding_help, stdout);
        return EXIT_OK;
    }
    if (o.npos != 1 || o.csv)
        return cli_usage(cmd, "usage: rta outstanding NAME [--party P] [--as P] [--json]");
    rta_store *s = NULL;
    rta_error err;
    int rc = open_store(c, 0, &s);
    if (rc != EXIT_OK)
        return rc;
    rta_neg_item *items = NULL;
    size_t n = 0;
    if (rta_negotiation_outstanding(s, o.pos[0], o.party, o.as, &items, &n, &err) != RTA_OK) {
        rc = cli_fail(&err);
    } else if (o.json) {
        printf("{\"negotiation\":\"%s\",\"viewer\":", o.pos[0]);
        cli_json_str(o.as ? o.as : "");
        printf(",\"party\":");
        cli_json_str(o.party ? o.party : "");
        printf(",\"items\":[");
        for (size_t i = 0; i < n; i++) {
            char v[32];
            const rta_neg_item *it = &items[i];
            printf("%s{\"party\":\"%s\",\"kind\":\"%s\",\"code\":\"%s\",\"code_to\":\"%s\","
                   "\"treatment\":\"%s\",\"value\":%s,\"staging_years\":%d,\"description\":",
                   i ? "," : "", it->party, it->kind, it->line.code, it->line.code_to,
                   rta_treatment_name(it->line.treatment),
                   rta_line_value_format(&it->line, v, sizeof v), it->line.staging_years);
            cli_json_str(it->line.description);
            printf(",\"list_id\":%lld,\"list_round\":%d,\"last_round\":%d,\"status\":\"%s\"}",
                   (long long)it->list_id, it->list_round, it->last_round, it->status);
        }
        printf("]}\n");
    } else {
        printf("%zu outstanding line%s in %s (visible to %s)\n", n, n == 1 ? "" : "s", o.pos[0],
               o.as ? o.as : "no delegation; use --as");
        for (size_t i = 0; i < n; i++) {
            const rta_neg_item *it = &items[i];
            char sc[24], v[32];
            printf("  %s %-7s %-21s %-6s %8s  last round %d  %s\n", it->party, it->kind,
                   rta_line_scope_format(&it->line, sc, sizeof sc),
                   rta_treatment_name(it->line.treatment),
                   rta_line_value_format(&it->line, v, sizeof v), it->last_round,
                   it->line.description);
        }
    }
    rta_neg_items_free(items, n);
    rta_store_close(s);
    return rc;
}
