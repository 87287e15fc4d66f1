/* The baseline of bench/annotate.sh: write a workbook's cells with plain libxlsxwriter, in
 * constant_memory mode, from a cell dump that bench/annotate_prep.py made (untimed) of the same
 * submission and of `pipeline check`'s issues on it — the cells, formats, comments and fills the
 * annotated copy holds, so the two write the same workbook.
 *
 * Usage: c_write DUMP.tsv OUT.xlsx      read the dump and write OUT.xlsx
 *        c_write DUMP.tsv --parse-only   read and parse the dump, write nothing (the floor)
 *
 * Build: gcc -O2 bench/c_write.c -o bench/work/c_write $(pkg-config --cflags --libs xlsxwriter)
 *
 * The dump is read a line at a time while writing (as the pipeline re-reads the submission while
 * annotating it), one record per line, fields separated by tabs; in text fields \t, \n, \r and \\
 * are escaped:
 *   F id num_format bold fill font_color underline wrap     a format (colors hex RRGGBB or -)
 *   S name hidden freeze_rows                             a new worksheet
 *   c row col s|n|b|k format value [link text]            a cell: string, number, boolean,
 *                                                         blank, or u (internal link, then text)
 *   m row col text                                        a comment on the cell just written
 *   W first last width                                    column widths
 * format is a format id or -; rows and columns are 0-based. Every libxlsxwriter call's return
 * code is checked (constant_memory mode refuses some calls only that way). Prints one line:
 * `cells N comments M formats K`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#define MAX_FIELDS 8
#define MAX_FORMATS 256

static lxw_format *formats[MAX_FORMATS];

static void fail(const char *what, long line, lxw_error err) {
    fprintf(stderr, "c_write: %s failed at dump line %ld: %s\n", what, line,
            err == LXW_NO_ERROR ? "bad record" : lxw_strerror(err));
    exit(1);
}

/* Unescapes \t \n \r \\ in place. */
static char *unescape(char *s) {
    char *r = s, *w = s;
    while (*r) {
        if (r[0] == '\\' && r[1]) {
            char c = r[1];
            *w++ = c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r' : c;
            r += 2;
        } else {
            *w++ = *r++;
        }
    }
    *w = 0;
    return s;
}

/* Splits a line at tabs (in place); returns the number of fields. */
static int split(char *line, char **fields) {
    int n = 0;
    fields[n++] = line;
    for (char *p = line; *p && n < MAX_FIELDS; p++) {
        if (*p == '\t') {
            *p = 0;
            fields[n++] = p + 1;
        }
    }
    return n;
}

static lxw_format *format_of(const char *id, long line) {
    if (id[0] == '-') return NULL;
    long i = strtol(id, NULL, 10);
    if (i < 0 || i >= MAX_FORMATS || !formats[i]) fail("format lookup", line, LXW_NO_ERROR);
    return formats[i];
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: c_write DUMP.tsv OUT.xlsx | c_write DUMP.tsv --parse-only\n");
        return 2;
    }
    int parse_only = strcmp(argv[2], "--parse-only") == 0;
    FILE *in = fopen(argv[1], "r");
    if (!in) {
        perror(argv[1]);
        return 2;
    }
    lxw_workbook *wb = NULL;
    if (!parse_only) {
        lxw_workbook_options options = {.constant_memory = LXW_TRUE};
        wb = workbook_new_opt(argv[2], &options);
        if (!wb) fail("workbook_new", 0, LXW_NO_ERROR);
    }
    lxw_worksheet *ws = NULL;
    char *line = NULL, *f[MAX_FIELDS];
    size_t cap = 0;
    ssize_t len;
    long lineno = 0, cells = 0, comments = 0, nformats = 0;
    double checksum = 0;  /* keeps --parse-only from being optimized into nothing */
    lxw_comment_options comment = {.author = "审核", .width = 360};

    while ((len = getline(&line, &cap, in)) > 0) {
        lineno++;
        if (line[len - 1] == '\n') line[--len] = 0;
        int n = split(line, f);
        lxw_error err = LXW_NO_ERROR;
        switch (f[0][0]) {
        case 'c': {
            if (n < 6) fail("cell record", lineno, LXW_NO_ERROR);
            lxw_row_t row = (lxw_row_t)strtoul(f[1], NULL, 10);
            lxw_col_t col = (lxw_col_t)strtoul(f[2], NULL, 10);
            char type = f[3][0];
            cells++;
            if (parse_only) {
                checksum += row + col + (type == 'n' ? strtod(f[5], NULL) : strlen(unescape(f[5])));
                break;
            }
            lxw_format *fmt = format_of(f[4], lineno);
            switch (type) {
            case 's': err = worksheet_write_string(ws, row, col, unescape(f[5]), fmt); break;
            case 'n': err = worksheet_write_number(ws, row, col, strtod(f[5], NULL), fmt); break;
            case 'b': err = worksheet_write_boolean(ws, row, col, f[5][0] == '1', fmt); break;
            case 'k': err = worksheet_write_blank(ws, row, col, fmt); break;
            case 'u':
                if (n < 7) fail("link record", lineno, LXW_NO_ERROR);
                err = worksheet_write_url_opt(ws, row, col, unescape(f[5]), fmt, unescape(f[6]), NULL);
                break;
            default: fail("cell type", lineno, LXW_NO_ERROR);
            }
            if (err) fail("worksheet_write", lineno, err);
            break;
        }
        case 'm': {
            if (n < 4) fail("comment record", lineno, LXW_NO_ERROR);
            char *text = unescape(f[3]);
            comments++;
            if (parse_only) {
                checksum += strlen(text);
                break;
            }
            int lines = 1;
            for (char *p = text; *p; p++) lines += *p == '\n';
            comment.height = (uint16_t)(60 + 40 * lines < 400 ? 60 + 40 * lines : 400);
            err = worksheet_write_comment_opt(ws, (lxw_row_t)strtoul(f[1], NULL, 10),
                                              (lxw_col_t)strtoul(f[2], NULL, 10), text, &comment);
            if (err) fail("worksheet_write_comment_opt", lineno, err);
            break;
        }
        case 'S':
            if (n < 4) fail("sheet record", lineno, LXW_NO_ERROR);
            if (parse_only) break;
            ws = workbook_add_worksheet(wb, unescape(f[1]));
            if (!ws) fail("workbook_add_worksheet", lineno, LXW_NO_ERROR);
            if (f[2][0] == '1') worksheet_hide(ws);
            if (atoi(f[3]) > 0) worksheet_freeze_panes(ws, (lxw_row_t)atoi(f[3]), 0);
            break;
        case 'W':
            if (n < 4) fail("width record", lineno, LXW_NO_ERROR);
            if (parse_only) break;
            err = worksheet_set_column(ws, (lxw_col_t)atoi(f[1]), (lxw_col_t)atoi(f[2]),
                                       strtod(f[3], NULL), NULL);
            if (err) fail("worksheet_set_column", lineno, err);
            break;
        case 'F': {
            if (n < 8) fail("format record", lineno, LXW_NO_ERROR);
            long id = strtol(f[1], NULL, 10);
            if (id < 0 || id >= MAX_FORMATS) fail("format id", lineno, LXW_NO_ERROR);
            nformats++;
            if (parse_only) break;
            lxw_format *fmt = workbook_add_format(wb);
            if (!fmt) fail("workbook_add_format", lineno, LXW_NO_ERROR);
            if (f[2][0] != '-') format_set_num_format(fmt, unescape(f[2]));
            if (f[3][0] == '1') format_set_bold(fmt);
            if (f[4][0] != '-') {
                format_set_pattern(fmt, LXW_PATTERN_SOLID);
                format_set_bg_color(fmt, (lxw_color_t)strtoul(f[4], NULL, 16));
            }
            if (f[5][0] != '-') format_set_font_color(fmt, (lxw_color_t)strtoul(f[5], NULL, 16));
            if (f[6][0] == '1') format_set_underline(fmt, LXW_UNDERLINE_SINGLE);
            if (f[7][0] == '1') format_set_text_wrap(fmt);
            formats[id] = fmt;
            break;
        }
        default:
            fail("record type", lineno, LXW_NO_ERROR);
        }
    }
    free(line);
    fclose(in);
    if (!parse_only) {
        lxw_error err = workbook_close(wb);
        if (err) fail("workbook_close", lineno, err);
    }
    printf("cells %ld comments %ld formats %ld%s\n", cells, comments, nformats,
           parse_only && checksum < 0 ? " (never)" : "");
    return 0;
}
