/*
 * RTSP: is a camera's stream open to anyone? A server answers DESCRIBE on
 * "/" with 404 more often than not, because streams live at vendor paths
 * ("/Streaming/Channels/101", "/cam/realmonitor?channel=1&subtype=0"), so
 * the check asks "/" and then each path of data/probe/rtsp-paths.txt, one
 * DESCRIBE per connection, until one is answered with a stream description
 * (PROBE-RTSP-NO-AUTH, the path in the message) or with 401 (then Basic over
 * cleartext and the default logins are judged on that path, as for HTTP).
 * DESCRIBE only reads the description; no stream is set up or played.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_internal.h"

/* ---- the path list ---- */

static bool valid_path(const char *line, size_t len)
{
    if (len == 0 || line[0] != '/' || len >= RTSP_PATH_MAX)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!isgraph((unsigned char)line[i]))
            return false;
    return true;
}

iotssf_status rtsp_paths_parse(rtsp_paths *p, const char *name, const char *text, size_t len,
                               iotssf_error *err)
{
    p->count = 0;
    size_t pos = 0;
    for (int line_no = 1; pos < len; line_no++) {
        const char *line = text + pos;
        const char *nl = memchr(line, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - line) : len - pos;
        pos += n + (nl != NULL);
        while (n && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
            n--;
        if (n == 0 || line[0] == '#')
            continue;
        if (!valid_path(line, n))
            return iotssf_fail(err, IOTSSF_E_INPUT, name, line_no, 1,
                               "expected a path starting with '/', printable, without spaces, "
                               "under %d characters",
                               RTSP_PATH_MAX);
        if (p->count == RTSP_PATHS_MAX)
            return iotssf_fail(err, IOTSSF_E_INPUT, name, line_no, 1,
                               "more than %d paths: each costs a connection per RTSP server",
                               RTSP_PATHS_MAX);
        memcpy(p->items[p->count], line, n);
        p->items[p->count][n] = '\0';
        p->count++;
    }
    return IOTSSF_OK;
}

iotssf_status rtsp_paths_load(rtsp_paths *p, const char *data_dir, iotssf_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/probe/rtsp-paths.txt", data_dir);
    FILE *f = fopen(path, "rb");
    if (!f)
        return iotssf_fail(err, IOTSSF_E_IO, path, 0, 0, "cannot read the RTSP path list");
    enum { MAX_FILE = 64 * 1024 };
    char *buf = malloc(MAX_FILE);
    size_t n = buf ? fread(buf, 1, MAX_FILE, f) : 0;
    fclose(f);
    iotssf_status st;
    if (!buf)
        st = iotssf_fail(err, IOTSSF_E_NOMEM, path, 0, 0, "out of memory");
    else if (n == MAX_FILE)
        st = iotssf_fail(err, IOTSSF_E_INPUT, path, 0, 0, "RTSP path list larger than 64 KiB");
    else
        st = rtsp_paths_parse(p, path, buf, n, err);
    free(buf);
    return st;
}

/* ---- the check ---- */

/* A server that stops answering is not asked the rest of the list. */
enum { RTSP_SILENT_IN_A_ROW = 3 };

void rtsp_check(probe_target *t, int port, const probe_ident *id)
{
    const rtsp_paths *list = &t->shared->rtsp;
    unsigned silent = 0;
    for (size_t i = 0; i <= list->count && !target_stopping(t); i++) {
        http_target h = {.port = port, .tls = id->tls, .protocol = "RTSP",
                         .method = "DESCRIBE", .path = i ? list->items[i - 1] : "/"};
        http_response r;
        transcript log;
        transcript_init(&log);
        if (!http_exchange(t, &h, NULL, &r, &log)) {
            if (++silent == RTSP_SILENT_IN_A_ROW)
                return;
            continue;
        }
        silent = 0;
        if (r.status == 200 && strstr(r.content_type, "sdp")) {
            target_finding(t, "PROBE-RTSP-NO-AUTH", port, false, &log,
                           "RTSP on port %d describes its stream at %s to anyone, without "
                           "credentials",
                           port, h.path);
            return;
        }
        if (r.status == 401) {
            http_check_auth(t, &h, &r, &log);
            return;
        }
    }
}
