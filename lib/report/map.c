/*
 * The IoT-SSF risk map: every device in every use mode as a point on the
 * framework's plane (axis 1, difficulty of recovery, upwards; axis 2,
 * economic impact, rightwards), drawn over the policy's assurance tiers and
 * categories. The same device in different modes lands in different places,
 * which is the framework's point, so the SVG joins one device's points.
 * Writers: SVG to look at, JSON for programs, text for a terminal, Markdown
 * for tickets. Everything is computed from the policy, so a replaced policy
 * with other level counts draws its own plane.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "map_internal.h"

/* ---- words shared by every format ---- */

/* Code points, not bytes: labels are clipped by what a reader sees. */
size_t map_utf8_length(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* The byte offset of code point `n` (or the end of s). */
size_t map_utf8_offset(const char *s, size_t n)
{
    size_t i = 0;
    while (s[i] && n--) {
        i++;
        while (((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
    }
    return i;
}

/* At most `max` characters of s, the last one an ellipsis when s is longer
 * (or longer than buf holds). A cut never splits a character: half of one
 * would make the SVG unreadable as XML. */
const char *map_clip(const char *s, size_t max, char *buf, size_t size)
{
    s = s ? s : "";
    bool cut = map_utf8_length(s) > max;
    size_t len = cut ? map_utf8_offset(s, max ? max - 1 : 0) : strlen(s);
    if (len > size - 4) {
        cut = true;
        for (len = size - 4; len && ((unsigned char)s[len] & 0xC0) == 0x80; len--)
            ;
    }
    memcpy(buf, s, len);
    if (cut && max) {
        memcpy(buf + len, "\xE2\x80\xA6", 3);
        len += 3;
    }
    buf[len] = '\0';
    return buf;
}

void map_put_padded(FILE *out, const char *s, size_t width)
{
    fputs(s, out);
    for (size_t n = map_utf8_length(s); n < width; n++)
        fputc(' ', out);
}

const char *map_or_blank(const char *s) { return s ? s : ""; }

/* "DEVICE/mode", the name of a point everywhere on the map. */
const char *map_point_label(const iotssf_map_point *pt, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s", map_or_blank(pt->device_id), map_or_blank(pt->mode_id));
    return buf;
}

/* Points of one device are consecutive; a new id starts the next device. */
bool map_starts_device(const map *m, size_t i)
{
    return i == 0 ||
           strcmp(map_or_blank(m->points[i].device_id), map_or_blank(m->points[i - 1].device_id)) != 0;
}

const char *map_level_name(const map *m, int axis, int level)
{
    const iotssf_level *lv = iotssf_policy_level(m->policy, axis, level);
    return lv ? map_or_blank(lv->name) : "";
}

const char *map_cell_tier(const map *m, int axis1, int axis2)
{
    const iotssf_tier *t = iotssf_policy_cell_tier(m->policy, axis1, axis2);
    return t ? map_or_blank(t->id) : "?";
}

/* ---- JSON ---- */

static void json_field(FILE *out, const char *key, const char *value)
{
    fprintf(out, ", \"%s\": ", key);
    iotssf_json_string(out, value);
}

static void json_axis(const map *m, int axis)
{
    fprintf(m->out, "{\"axis\": %d, \"name\": ", axis + 1);
    iotssf_json_string(m->out, iotssf_policy_axis_name(m->policy, axis));
    fputs(", \"levels\": [", m->out);
    for (int l = 1; l <= iotssf_policy_level_count(m->policy, axis); l++) {
        fprintf(m->out, "%s{\"level\": %d, \"name\": ", l > 1 ? ", " : "", l);
        iotssf_json_string(m->out, map_level_name(m, axis, l));
        fputs("}", m->out);
    }
    fputs("]}", m->out);
}

static void json_point(FILE *out, const iotssf_map_point *pt)
{
    fputs("{\"device\": ", out);
    iotssf_json_string(out, pt->device_id);
    json_field(out, "label", pt->device_label);
    json_field(out, "use_mode", pt->mode_id);
    json_field(out, "use_mode_name", pt->mode_name);
    fprintf(out, ", \"axis1\": %d, \"axis2\": %d", pt->axis1, pt->axis2);
    json_field(out, "tier", pt->tier);
    json_field(out, "category", pt->category);
    fprintf(out, ", \"overridden\": %s}", pt->overridden ? "true" : "false");
}

static void map_json(const map *m)
{
    fputs("{\"schema\": ", m->out);
    iotssf_json_string(m->out, IOTSSF_SCHEMA_MAP);
    json_field(m->out, "policy", iotssf_policy_id(m->policy));
    fputs(", \"axes\": [\n", m->out);
    json_axis(m, IOTSSF_AXIS_RECOVERY);
    fputs(",\n", m->out);
    json_axis(m, IOTSSF_AXIS_ECONOMIC);
    fputs("],\n\"points\": [", m->out);
    for (size_t i = 0; i < m->count; i++) {
        fputs(i ? ",\n" : "\n", m->out);
        json_point(m->out, &m->points[i]);
    }
    fputs("\n]}\n", m->out);
}

/* ---- text, for a terminal of 100 columns ---- */

enum { TEXT_HEAD = 22, TEXT_WIDTH = 100, TEXT_CELL_MAX = 14, TEXT_LABEL_MAX = 36 };

/* Each cell takes its content plus " " and " |". */
static size_t text_cell_width(const map *m)
{
    size_t w = (TEXT_WIDTH - TEXT_HEAD - 1) / (size_t)m->cols - 3;
    return w < TEXT_CELL_MAX ? w : TEXT_CELL_MAX;
}

static void text_level(const map *m, int axis, int level, size_t width)
{
    char head[256], buf[128];
    snprintf(head, sizeof head, "%d %s", level, map_level_name(m, axis, level));
    map_put_padded(m->out, map_clip(head, width, buf, sizeof buf), width);
}

static void text_rule(const map *m, size_t w)
{
    for (int i = 0; i < TEXT_HEAD; i++)
        fputc('-', m->out);
    for (int c = 0; c < m->cols; c++) {
        fputc('+', m->out);
        for (size_t i = 0; i < w + 2; i++)
            fputc('-', m->out);
    }
    fputs("+\n", m->out);
}

/* The tier on the left, the number of points on the right. */
static void text_cell(FILE *out, const char *tier, size_t points, size_t w)
{
    char num[24], t[64];
    size_t digits = (size_t)snprintf(num, sizeof num, "%zu", points);
    map_clip(tier, w > digits + 1 ? w - digits - 1 : 1, t, sizeof t);
    map_put_padded(out, t, w > digits ? w - digits : 0);
    fputs(num, out);
}

static void text_grid(const map *m)
{
    size_t w = text_cell_width(m);
    map_put_padded(m->out, "", TEXT_HEAD);
    for (int c = 1; c <= m->cols; c++) {
        fputs("| ", m->out);
        text_level(m, IOTSSF_AXIS_ECONOMIC, c, w);
        fputc(' ', m->out);
    }
    fputs("|\n", m->out);
    text_rule(m, w);
    for (int r = m->rows; r >= 1; r--) {
        text_level(m, IOTSSF_AXIS_RECOVERY, r, TEXT_HEAD - 1);
        fputc(' ', m->out);
        for (int c = 1; c <= m->cols; c++) {
            fputs("| ", m->out);
            text_cell(m->out, map_cell_tier(m, r, c), m->cell_points[r - 1][c - 1], w);
            fputc(' ', m->out);
        }
        fputs("|\n", m->out);
    }
    text_rule(m, w);
}

static void text_points(const map *m)
{
    char label[512], buf[160], tier[64], category[80];
    size_t width = 0;
    for (size_t i = 0; i < m->count; i++) {
        size_t n = map_utf8_length(map_point_label(&m->points[i], label, sizeof label));
        width = n > width ? n : width;
    }
    width = width < TEXT_LABEL_MAX ? width : TEXT_LABEL_MAX;
    fprintf(m->out, "\npoints (device/use mode): %zu%s\n", m->count, m->count ? "" : ", none");
    for (size_t i = 0; i < m->count; i++) {
        const iotssf_map_point *pt = &m->points[i];
        fputs("  ", m->out);
        map_put_padded(m->out, map_clip(map_point_label(pt, label, sizeof label), width, buf, sizeof buf),
                   width);
        fprintf(m->out, "  axis1=%d axis2=%d  %s %s%s\n", pt->axis1, pt->axis2,
                map_clip(pt->tier, 12, tier, sizeof tier), map_clip(pt->category, 16, category,
                                                            sizeof category),
                pt->overridden ? "  overridden" : "");
    }
}

static void map_text(const map *m)
{
    char a1[256], a2[160];
    fprintf(m->out, "IoT-SSF risk map \xE2\x80\x94 policy %s\n",
            map_clip(iotssf_policy_id(m->policy), 60, a1, sizeof a1));
    fprintf(m->out, "rows: axis 1, %s (highest at the top); columns: axis 2, %s\n",
            map_clip(iotssf_policy_axis_name(m->policy, IOTSSF_AXIS_RECOVERY), 22, a1, sizeof a1),
            map_clip(iotssf_policy_axis_name(m->policy, IOTSSF_AXIS_ECONOMIC), 22, a2, sizeof a2));
    fputs("each cell: its assurance tier and the number of points (device x use mode)\n\n",
          m->out);
    text_grid(m);
    for (size_t i = 0; i < iotssf_policy_category_count(m->policy); i++) {
        const iotssf_category *c = iotssf_policy_category(m->policy, i);
        fprintf(m->out, "category %s %s: axis 1 levels %d-%d, axis 2 levels %d-%d\n",
                map_clip(c->id, 8, a1, sizeof a1), map_clip(c->name, 30, a2, sizeof a2), c->axis1_min,
                c->axis1_max, c->axis2_min, c->axis2_max);
    }
    text_points(m);
}

/* ---- Markdown ---- */

enum { MD_CELL_MAX = 12 };

/* Pipes end a cell, line breaks a row, and < or & would start HTML. */
static void md_text(FILE *out, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '|': fputs("\\|", out); break;
        case '\\': fputs("\\\\", out); break;
        case '<': fputs("&lt;", out); break;
        case '&': fputs("&amp;", out); break;
        case '\n':
        case '\r': fputc(' ', out); break;
        default: fputc(*s, out);
        }
    }
}

static void md_cell(const map *m, int axis1, int axis2)
{
    char label[512];
    size_t shown = 0, here = m->cell_points[axis1 - 1][axis2 - 1];
    fputs(" [", m->out);
    md_text(m->out, map_cell_tier(m, axis1, axis2));
    fputc(']', m->out);
    for (size_t i = 0; i < m->count && shown < MD_CELL_MAX; i++) {
        const iotssf_map_point *pt = &m->points[i];
        if (pt->axis1 != axis1 || pt->axis2 != axis2)
            continue;
        fputs(shown++ ? ", " : " ", m->out);
        md_text(m->out, map_point_label(pt, label, sizeof label));
    }
    if (here > shown)
        fprintf(m->out, ", +%zu more", here - shown);
    fputs(" |", m->out);
}

static void md_grid(const map *m)
{
    fputs("| Axis 1 \\\\ Axis 2 |", m->out);
    for (int c = 1; c <= m->cols; c++) {
        fprintf(m->out, " %d ", c);
        md_text(m->out, map_level_name(m, IOTSSF_AXIS_ECONOMIC, c));
        fputs(" |", m->out);
    }
    fputs("\n|---|", m->out);
    for (int c = 1; c <= m->cols; c++)
        fputs("---|", m->out);
    for (int r = m->rows; r >= 1; r--) {
        fprintf(m->out, "\n| **%d** ", r);
        md_text(m->out, map_level_name(m, IOTSSF_AXIS_RECOVERY, r));
        fputs(" |", m->out);
        for (int c = 1; c <= m->cols; c++)
            md_cell(m, r, c);
    }
    fputs("\n", m->out);
}

/* "id (name)", the name left out when there is none. */
static void md_named(FILE *out, const char *id, const char *name)
{
    md_text(out, id);
    if (name && *name) {
        fputs(" (", out);
        md_text(out, name);
        fputc(')', out);
    }
}

static void md_points(const map *m)
{
    fputs("\n## Points\n\n", m->out);
    if (m->count == 0) {
        fputs("No device is placed on this map.\n", m->out);
        return;
    }
    fputs("| Device | Use mode | Axis 1 | Axis 2 | Tier | Category | Overridden |\n"
          "|---|---|---:|---:|---|---|---|\n", m->out);
    for (size_t i = 0; i < m->count; i++) {
        const iotssf_map_point *pt = &m->points[i];
        fputs("| ", m->out);
        md_named(m->out, pt->device_id, pt->device_label);
        fputs(" | ", m->out);
        md_named(m->out, pt->mode_id, pt->mode_name);
        fprintf(m->out, " | %d | %d | ", pt->axis1, pt->axis2);
        md_text(m->out, pt->tier);
        fputs(" | ", m->out);
        md_text(m->out, pt->category);
        fprintf(m->out, " | %s |\n", pt->overridden ? "yes" : "no");
    }
}

static void map_md(const map *m)
{
    fputs("# IoT-SSF risk map \xE2\x80\x94 policy ", m->out);
    md_text(m->out, iotssf_policy_id(m->policy));
    fputs("\n\nRows: axis 1, ", m->out);
    md_text(m->out, iotssf_policy_axis_name(m->policy, IOTSSF_AXIS_RECOVERY));
    fputs(" (highest level first). Columns: axis 2, ", m->out);
    md_text(m->out, iotssf_policy_axis_name(m->policy, IOTSSF_AXIS_ECONOMIC));
    fputs(". Each cell shows its assurance tier in brackets and the points "
          "(device/use mode) placed in it.\n\n", m->out);
    md_grid(m);
    md_points(m);
}

/* ---- entry point ---- */

static iotssf_status check_plane(map *m, iotssf_error *err)
{
    if (m->rows < 1 || m->cols < 1 || m->rows > IOTSSF_MAX_LEVELS || m->cols > IOTSSF_MAX_LEVELS)
        return iotssf_fail(err, IOTSSF_E_INTERNAL, iotssf_policy_file(m->policy), 0, 0,
                           "the policy's plane has %dx%d levels; 1 to %d per axis expected",
                           m->rows, m->cols, IOTSSF_MAX_LEVELS);
    for (size_t i = 0; i < m->count; i++) {
        const iotssf_map_point *pt = &m->points[i];
        if (pt->axis1 < 1 || pt->axis1 > m->rows || pt->axis2 < 1 || pt->axis2 > m->cols)
            return iotssf_fail(err, IOTSSF_E_INPUT, NULL, 0, 0,
                               "map point %zu (%s/%s) is at axis 1 level %d, axis 2 level %d, "
                               "outside the policy's %dx%d plane", i + 1,
                               map_or_blank(pt->device_id), map_or_blank(pt->mode_id), pt->axis1,
                               pt->axis2, m->rows, m->cols);
        m->cell_points[pt->axis1 - 1][pt->axis2 - 1]++;
    }
    return IOTSSF_OK;
}

iotssf_status iotssf_map_render(FILE *out, iotssf_format format, const iotssf_policy *policy,
                                const iotssf_map_point *points, size_t count, iotssf_error *err)
{
    if (format != IOTSSF_FORMAT_SVG && format != IOTSSF_FORMAT_JSON &&
        format != IOTSSF_FORMAT_TEXT && format != IOTSSF_FORMAT_MD)
        return iotssf_fail(err, IOTSSF_E_INPUT, NULL, 0, 0,
                           "the risk map is available as svg, json, text or md; "
                           "format %d is none of them", (int)format);
    map m = {out, policy, points, count, iotssf_policy_level_count(policy, IOTSSF_AXIS_RECOVERY),
             iotssf_policy_level_count(policy, IOTSSF_AXIS_ECONOMIC), {{0}}};
    iotssf_status st = check_plane(&m, err);
    if (st)
        return st;
    switch (format) {
    case IOTSSF_FORMAT_SVG: st = map_svg(&m, err); break;
    case IOTSSF_FORMAT_JSON: map_json(&m); break;
    case IOTSSF_FORMAT_MD: map_md(&m); break;
    default: map_text(&m); break;
    }
    /* Flushing first, so that a full disk shows up here and not at fclose. */
    if (!st && (fflush(out) != 0 || ferror(out)))
        st = iotssf_fail(err, IOTSSF_E_IO, NULL, 0, 0, "writing the risk map failed");
    return st;
}
