/*
 * The risk map as SVG: a self-contained drawing of the IoT-SSF plane, tier
 * shading per cell, category outlines, one marker per device x use mode, and
 * a line joining one device's modes. No fonts, styles or scripts from
 * outside, so the file renders offline and inside the HTML report.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "map_internal.h"

/* ---- SVG ---- */

/* Geometry in pixels. A cell holds a band of point rows between the
 * category label at its top and the tier id at its bottom. */
enum {
    SVG_LEFT = 150,         /* axis-1 title and level names */
    SVG_TOP = 64,           /* title and subtitle */
    SVG_BOTTOM = 72,        /* axis-2 level names and title */
    SVG_CELL_W = 150,
    SVG_CELL_H = 130,
    SVG_PAD = 4,
    SVG_BAND_TOP = 22,
    SVG_BAND_BOTTOM = 16,
    SVG_ROW_H = 17,
    SVG_SLOT_COLS = 3,      /* beyond that a label has no room left */
    SVG_LEGEND_GAP = 22,
    SVG_LEGEND_W = 210,
    SVG_LEGEND_ROW = 18,
    SVG_LEGEND_DEVICES = 24,
    SVG_FOLD_NAMES = 60,    /* names in the <title> of a "+N more" */
};
#define SVG_R 5.5       /* marker radius */
/* Average advance of a character of a point label (10.5px) and of other
 * small text (11px), on the wide side of common sans-serif fonts. */
#define SVG_CHAR_W 5.6
#define SVG_SMALL_W 6.2

#define SVG_LABEL "font-size=\"10.5\" fill=\"#111\" stroke=\"#fff\" stroke-width=\"3\" " \
                  "stroke-linejoin=\"round\" paint-order=\"stroke\""
#define SVG_SMALL "font-size=\"11\" fill=\"#333\""
#define SVG_BOLD "font-size=\"12\" font-weight=\"bold\" fill=\"#222\""

/* Distinct enough side by side and on every tier shade. */
static const char *const device_colours[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd",
                                             "#ff7f0e", "#8c564b", "#e377c2", "#17becf",
                                             "#7f7f7f", "#bcbd22"};
enum { DEVICE_COLOURS = sizeof device_colours / sizeof *device_colours };

typedef struct spot {
    double x, y;          /* marker centre */
    size_t device;        /* which device, for its colour */
    size_t label_chars;   /* room for the label */
    bool folded;          /* beyond the cell's room: counted in "+N more" */
    bool opens_fold;      /* the first folded point draws that "+N more" */
} spot;

typedef struct slot_grid {
    int cols, rows, capacity;
} slot_grid;

static double cell_left(int axis2) { return SVG_LEFT + (axis2 - 1) * SVG_CELL_W; }
static double cell_top(const map *m, int axis1) { return SVG_TOP + (m->rows - axis1) * SVG_CELL_H; }
static double plot_right(const map *m) { return cell_left(m->cols + 1); }
static double plot_bottom(const map *m) { return cell_top(m, 0); }

/* Points of one cell in rows, more columns only when the rows run out. */
static slot_grid slots_for(size_t points)
{
    int fit = (SVG_CELL_H - SVG_BAND_TOP - SVG_BAND_BOTTOM) / SVG_ROW_H;
    size_t cols = (points + (size_t)fit - 1) / (size_t)fit;
    slot_grid g = {cols < 1 ? 1 : cols > SVG_SLOT_COLS ? SVG_SLOT_COLS : (int)cols, fit, 0};
    g.capacity = g.cols * fit;
    size_t rows = (points + (size_t)g.cols - 1) / (size_t)g.cols;
    g.rows = rows < (size_t)fit ? (int)rows : fit;
    return g;
}

static void place_spots(const map *m, spot *spots)
{
    size_t taken[IOTSSF_MAX_LEVELS][IOTSSF_MAX_LEVELS] = {{0}}, device = 0;
    for (size_t i = 0; i < m->count; i++) {
        const iotssf_map_point *pt = &m->points[i];
        size_t here = m->cell_points[pt->axis1 - 1][pt->axis2 - 1];
        size_t slot = taken[pt->axis1 - 1][pt->axis2 - 1]++;
        slot_grid g = slots_for(here);
        spot *s = &spots[i];
        device += i > 0 && map_starts_device(m, i);
        s->device = device;
        s->folded = here > (size_t)g.capacity && slot >= (size_t)g.capacity - 1;
        s->opens_fold = s->folded && slot == (size_t)g.capacity - 1;
        if (s->folded)
            slot = (size_t)g.capacity - 1;
        double slot_w = (SVG_CELL_W - 2.0 * SVG_PAD) / g.cols;
        double col = (double)(slot % (size_t)g.cols), row = (double)(slot / (size_t)g.cols);
        /* The rows in use sit in the middle of the band. */
        double band = SVG_CELL_H - SVG_BAND_TOP - SVG_BAND_BOTTOM;
        s->x = cell_left(pt->axis2) + SVG_PAD + col * slot_w + SVG_R + 2;
        s->y = cell_top(m, pt->axis1) + SVG_BAND_TOP + (band - g.rows * SVG_ROW_H) / 2 +
               row * SVG_ROW_H + SVG_ROW_H / 2.0;
        s->label_chars = (size_t)((slot_w - 2 * SVG_R - 12) / SVG_CHAR_W);
    }
}

static void svg_text(FILE *out, double x, double y, const char *attrs, const char *text)
{
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" %s>", x, y, attrs);
    iotssf_xml_text(out, text);
    fputs("</text>\n", out);
}

/* Text clipped to `max` characters; the full text stays in a <title>. */
static void svg_clipped(FILE *out, double x, double y, const char *attrs, const char *text,
                        size_t max)
{
    char shown[512];
    map_clip(text, max < 100 ? max : 100, shown, sizeof shown);
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" %s>", x, y, attrs);
    if (strcmp(shown, map_or_blank(text)) != 0) {
        fputs("<title>", out);
        iotssf_xml_text(out, text);
        fputs("</title>", out);
    }
    iotssf_xml_text(out, shown);
    fputs("</text>\n", out);
}

/* A level name on two lines at most, broken at a space. */
static void svg_level_name(FILE *out, double x, double y, const char *anchor, const char *text,
                           size_t max)
{
    char first[160];
    size_t end = map_utf8_length(text) <= max ? strlen(text) : map_utf8_offset(text, max);
    size_t brk = end;
    while (text[end] && brk > 0 && text[brk] != ' ')
        brk--;
    brk = brk ? brk : end;
    snprintf(first, sizeof first, "%.*s", (int)(brk < 150 ? brk : 0), text);
    svg_clipped(out, x, y, anchor, first, max);
    if (text[brk])
        svg_clipped(out, x, y + 13, anchor, text + brk + (text[brk] == ' '), max);
}

/* Light for the first tier, darker and warmer for each higher one. */
static void tier_fill(const map *m, const iotssf_tier *t, char fill[8])
{
    static const unsigned char ramp[][3] = {
        {236, 244, 231}, {252, 242, 200}, {250, 209, 163}, {238, 155, 136}};
    size_t tiers = iotssf_policy_tier_count(m->policy);
    double pos = t && tiers > 1 ? (double)(t->rank - 1) / (double)(tiers - 1) * 3.0 : 0.0;
    pos = pos < 0.0 ? 0.0 : pos > 3.0 ? 3.0 : pos;
    int i = pos >= 3.0 ? 2 : (int)pos;
    double f = pos - i;
    int rgb[3];
    for (int k = 0; k < 3; k++)
        rgb[k] = (int)(ramp[i][k] + f * (ramp[i + 1][k] - ramp[i][k]) + 0.5);
    snprintf(fill, 8, "#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
}

static void svg_cell(const map *m, int axis1, int axis2)
{
    const iotssf_tier *t = iotssf_policy_cell_tier(m->policy, axis1, axis2);
    double x = cell_left(axis2), y = cell_top(m, axis1);
    char fill[8];
    tier_fill(m, t, fill);
    fprintf(m->out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%d\" height=\"%d\" fill=\"%s\" "
            "stroke=\"#fff\" stroke-width=\"1.5\"><title>", x, y, SVG_CELL_W, SVG_CELL_H, fill);
    fprintf(m->out, "axis 1 level %d, axis 2 level %d: tier ", axis1, axis2);
    iotssf_xml_text(m->out, t ? t->id : "?");
    fputc(' ', m->out);
    iotssf_xml_text(m->out, t ? t->name : "");
    fputs("</title></rect>\n", m->out);
    svg_text(m->out, x + SVG_CELL_W - 5, y + SVG_CELL_H - 5,
             "font-size=\"10\" fill=\"#666\" text-anchor=\"end\"", t ? t->id : "?");
}

static void svg_categories(const map *m)
{
    for (size_t i = 0; i < iotssf_policy_category_count(m->policy); i++) {
        const iotssf_category *c = iotssf_policy_category(m->policy, i);
        double x = cell_left(c->axis2_min), y = cell_top(m, c->axis1_max);
        int w = (c->axis2_max - c->axis2_min + 1) * SVG_CELL_W;
        int h = (c->axis1_max - c->axis1_min + 1) * SVG_CELL_H;
        fprintf(m->out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%d\" height=\"%d\" fill=\"none\" "
                "stroke=\"#2b2b2b\" stroke-width=\"2.5\"/>\n", x, y, w, h);
        char label[256];
        snprintf(label, sizeof label, "%s  %s", map_or_blank(c->id), map_or_blank(c->name));
        svg_clipped(m->out, x + 6, y + 15, SVG_BOLD, label, (size_t)(w - 12) / 7);
    }
}

static void svg_axes(const map *m)
{
    double mid_x = (SVG_LEFT + plot_right(m)) / 2, mid_y = (SVG_TOP + plot_bottom(m)) / 2;
    char title[320];
    for (int c = 1; c <= m->cols; c++) {
        snprintf(title, sizeof title, "%d %s", c, map_level_name(m, IOTSSF_AXIS_ECONOMIC, c));
        svg_level_name(m->out, cell_left(c) + SVG_CELL_W / 2.0, plot_bottom(m) + 17,
                       SVG_SMALL " text-anchor=\"middle\"", title,
                       (size_t)((SVG_CELL_W - 8) / SVG_SMALL_W));
    }
    for (int r = 1; r <= m->rows; r++) {
        snprintf(title, sizeof title, "%d %s", r, map_level_name(m, IOTSSF_AXIS_RECOVERY, r));
        svg_level_name(m->out, SVG_LEFT - 8, cell_top(m, r) + SVG_CELL_H / 2.0 - 3,
                       SVG_SMALL " text-anchor=\"end\"", title,
                       (size_t)((SVG_LEFT - 40) / SVG_SMALL_W));
    }
    snprintf(title, sizeof title, "%s (axis 2) \xE2\x86\x92",
             map_or_blank(iotssf_policy_axis_name(m->policy, IOTSSF_AXIS_ECONOMIC)));
    svg_text(m->out, mid_x, plot_bottom(m) + 54, "font-size=\"13\" font-weight=\"bold\" "
             "text-anchor=\"middle\"", title);
    snprintf(title, sizeof title, "%s (axis 1) \xE2\x86\x92",
             map_or_blank(iotssf_policy_axis_name(m->policy, IOTSSF_AXIS_RECOVERY)));
    fprintf(m->out, "<text transform=\"translate(20 %.1f) rotate(-90)\" font-size=\"13\" "
            "font-weight=\"bold\" text-anchor=\"middle\">", mid_y);
    iotssf_xml_text(m->out, title);
    fputs("</text>\n", m->out);
}

/* Drawn before the markers, so every line runs under them. */
static void svg_device_lines(const map *m, const spot *spots)
{
    for (size_t start = 0, end; start < m->count; start = end) {
        for (end = start + 1; end < m->count && !map_starts_device(m, end); end++)
            ;
        if (end - start < 2)
            continue;
        fprintf(m->out, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
                "stroke-opacity=\"0.55\" stroke-linejoin=\"round\" points=\"",
                device_colours[spots[start].device % DEVICE_COLOURS]);
        for (size_t i = start; i < end; i++)
            fprintf(m->out, "%s%.1f,%.1f", i > start ? " " : "", spots[i].x, spots[i].y);
        fputs("\"/>\n", m->out);
    }
}

static void svg_point_title(FILE *out, const iotssf_map_point *pt)
{
    char label[512];
    fputs("<title>", out);
    iotssf_xml_text(out, map_point_label(pt, label, sizeof label));
    fputs(": ", out);
    iotssf_xml_text(out, pt->device_label);
    fputs(", use mode ", out);
    iotssf_xml_text(out, pt->mode_name);
    fprintf(out, "; axis 1 level %d, axis 2 level %d; tier ", pt->axis1, pt->axis2);
    iotssf_xml_text(out, pt->tier);
    fputs(", category ", out);
    iotssf_xml_text(out, pt->category);
    fputs(pt->overridden ? "; level overridden in the profile</title>" : "</title>", out);
}

static void svg_point(const map *m, size_t i, const spot *s)
{
    const iotssf_map_point *pt = &m->points[i];
    const char *colour = device_colours[s->device % DEVICE_COLOURS];
    char label[512];
    fputs("<g>", m->out);
    svg_point_title(m->out, pt);
    if (pt->overridden)
        fprintf(m->out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\" stroke=\"#111\" "
                "stroke-width=\"1.8\" stroke-dasharray=\"2.5 1.8\"/>", s->x, s->y, SVG_R + 1,
                colour);
    else
        fprintf(m->out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\" stroke=\"#fff\" "
                "stroke-width=\"1.2\"/>", s->x, s->y, SVG_R, colour);
    svg_clipped(m->out, s->x + SVG_R + 4, s->y + 3.7, SVG_LABEL,
                map_point_label(pt, label, sizeof label), s->label_chars);
    fputs("</g>\n", m->out);
}

/* The points a full cell could not show, named in the marker's <title>. */
static void svg_fold(const map *m, size_t first, const spot *spots)
{
    const iotssf_map_point *at = &m->points[first];
    size_t folded = 0;
    char label[512];
    fputs("<text", m->out);
    fprintf(m->out, " x=\"%.1f\" y=\"%.1f\" " SVG_LABEL "><title>", spots[first].x - SVG_R,
            spots[first].y + 3.7);
    for (size_t i = first; i < m->count; i++) {
        if (!spots[i].folded || m->points[i].axis1 != at->axis1 || m->points[i].axis2 != at->axis2)
            continue;
        if (folded++ < SVG_FOLD_NAMES) {
            fputs(folded > 1 ? ", " : "", m->out);
            iotssf_xml_text(m->out, map_point_label(&m->points[i], label, sizeof label));
        } else if (folded == SVG_FOLD_NAMES + 1) {
            fputs(", \xE2\x80\xA6", m->out);
        }
    }
    fprintf(m->out, "</title>+%zu more</text>\n", folded);
}

static int legend_height(const map *m, size_t devices)
{
    size_t device_rows = devices == 0 ? 1 : devices < SVG_LEGEND_DEVICES ? devices
                                                                         : SVG_LEGEND_DEVICES;
    size_t rows = 3 + device_rows + 4 + iotssf_policy_tier_count(m->policy);
    return (int)(rows * SVG_LEGEND_ROW + 3 * 10);
}

/* A swatch drawn as a rect, so that every <circle> on the map is a point. */
static void legend_swatch(FILE *out, double x, double y, const char *fill, const char *stroke,
                          const char *extra)
{
    fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"11\" height=\"11\" rx=\"5.5\" fill=\"%s\" "
            "stroke=\"%s\" %s/>\n", x, y - 9, fill, stroke, extra);
}

static double legend_devices(const map *m, double x, double y, size_t devices)
{
    char entry[600];
    size_t device = 0, room = (size_t)((SVG_LEGEND_W - 18) / SVG_SMALL_W);
    svg_text(m->out, x, y, SVG_BOLD, "Devices");
    if (devices == 0)
        svg_text(m->out, x, y += SVG_LEGEND_ROW, SVG_SMALL, "none placed");
    for (size_t i = 0; i < m->count; i++) {
        if (!map_starts_device(m, i))
            continue;
        if (++device == SVG_LEGEND_DEVICES && devices > SVG_LEGEND_DEVICES) {
            snprintf(entry, sizeof entry, "+%zu more devices", devices - device + 1);
            svg_text(m->out, x, y += SVG_LEGEND_ROW, SVG_SMALL, entry);
            break;
        }
        y += SVG_LEGEND_ROW;
        legend_swatch(m->out, x, y, device_colours[(device - 1) % DEVICE_COLOURS], "#fff", "");
        snprintf(entry, sizeof entry, "%s  %s", map_or_blank(m->points[i].device_id),
                 map_or_blank(m->points[i].device_label));
        svg_clipped(m->out, x + 17, y, SVG_SMALL, entry, room);
    }
    return y;
}

static void svg_legend(const map *m, size_t devices)
{
    double x = plot_right(m) + SVG_LEGEND_GAP, y = SVG_TOP + 12;
    y = legend_devices(m, x, y, devices) + SVG_LEGEND_ROW + 10;
    svg_text(m->out, x, y, SVG_BOLD, "Markers");
    legend_swatch(m->out, x, y += SVG_LEGEND_ROW, "#999", "#fff", "");
    svg_text(m->out, x + 17, y, SVG_SMALL, "one device in one use mode");
    legend_swatch(m->out, x, y += SVG_LEGEND_ROW, "#999", "#111",
                  "stroke-width=\"1.8\" stroke-dasharray=\"2.5 1.8\"");
    svg_text(m->out, x + 17, y, SVG_SMALL, "level overridden in the profile");
    fprintf(m->out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#777\" "
            "stroke-width=\"2\"/>\n", x, y + SVG_LEGEND_ROW - 4, x + 11, y + SVG_LEGEND_ROW - 4);
    svg_text(m->out, x + 17, y += SVG_LEGEND_ROW, SVG_SMALL, "joins one device's use modes");
    y += SVG_LEGEND_ROW + 10;
    svg_text(m->out, x, y, SVG_BOLD, "Assurance tier of a cell");
    for (size_t i = 0; i < iotssf_policy_tier_count(m->policy); i++) {
        const iotssf_tier *t = iotssf_policy_tier(m->policy, i);
        char fill[8], entry[300];
        tier_fill(m, t, fill);
        fprintf(m->out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"11\" height=\"11\" fill=\"%s\" "
                "stroke=\"#999\"/>\n", x, (y += SVG_LEGEND_ROW) - 9, fill);
        snprintf(entry, sizeof entry, "%s  %s", map_or_blank(t->id), map_or_blank(t->name));
        svg_clipped(m->out, x + 17, y, SVG_SMALL, entry,
                    (size_t)((SVG_LEGEND_W - 18) / SVG_SMALL_W));
    }
    svg_text(m->out, x, y + SVG_LEGEND_ROW + 8, SVG_SMALL, "Bold outline: a category");
}

static void svg_open(const map *m, size_t devices)
{
    int width = (int)plot_right(m) + SVG_LEGEND_GAP + SVG_LEGEND_W + 10;
    int height = (int)plot_bottom(m) + SVG_BOTTOM;
    int legend = SVG_TOP + legend_height(m, devices) + 16;
    height = legend > height ? legend : height;
    char title[320], sub[200];
    snprintf(title, sizeof title, "IoT-SSF risk map \xE2\x80\x94 policy %s",
             iotssf_policy_id(m->policy));
    fprintf(m->out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" "
            "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"Helvetica, Arial, "
            "'Liberation Sans', sans-serif\">\n<title>", width, height, width, height);
    iotssf_xml_text(m->out, title);
    fprintf(m->out, "</title>\n<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n", width,
            height);
    svg_text(m->out, SVG_LEFT, 26, "font-size=\"18\" font-weight=\"bold\"", title);
    snprintf(sub, sizeof sub, "Each point is one device in one use mode: %zu point%s, %zu "
             "device%s. Hover for full names.", m->count, m->count == 1 ? "" : "s", devices,
             devices == 1 ? "" : "s");
    svg_text(m->out, SVG_LEFT, 46, "font-size=\"12\" fill=\"#444\"", sub);
}

iotssf_status map_svg(const map *m, iotssf_error *err)
{
    spot *spots = m->count ? calloc(m->count, sizeof *spots) : NULL;
    if (m->count && !spots)
        return iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
    size_t devices = 0;
    for (size_t i = 0; i < m->count; i++)
        devices += map_starts_device(m, i);
    place_spots(m, spots);
    svg_open(m, devices);
    for (int r = 1; r <= m->rows; r++)
        for (int c = 1; c <= m->cols; c++)
            svg_cell(m, r, c);
    svg_categories(m);
    svg_axes(m);
    svg_device_lines(m, spots);
    for (size_t i = 0; i < m->count; i++) {
        if (!spots[i].folded)
            svg_point(m, i, &spots[i]);
        else if (spots[i].opens_fold)
            svg_fold(m, i, spots);
    }
    svg_legend(m, devices);
    fputs("</svg>\n", m->out);
    free(spots);
    return IOTSSF_OK;
}
