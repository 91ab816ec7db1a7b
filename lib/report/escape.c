/*
 * Escaping shared by every writer that builds a document by hand: JSON string
 * literals and XML/HTML text. A profile's words go into reports verbatim, so
 * a name holding quotes, angle brackets or control characters must never be
 * able to end a string, open a tag or make the document unreadable.
 */
#include <stdio.h>

#include "iotssf/report.h"

void iotssf_json_string(FILE *out, const char *s)
{
    if (!s) {
        fputs("null", out);
        return;
    }
    fputc('"', out);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        switch (*c) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\b': fputs("\\b", out); break;
        case '\f': fputs("\\f", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        default:
            /* RFC 8259 forbids raw control characters in strings; DEL is
             * legal but invisible, so it is spelled out too. */
            if (*c < 0x20 || *c == 0x7f)
                fprintf(out, "\\u%04x", *c);
            else
                fputc(*c, out);
        }
    }
    fputc('"', out);
}

void iotssf_xml_text(FILE *out, const char *s)
{
    for (const unsigned char *c = (const unsigned char *)s; c && *c; c++) {
        switch (*c) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        /* &#39; rather than &apos;: HTML 4 readers know only the former. */
        case '\'': fputs("&#39;", out); break;
        case '\t':
        case '\n':
        case '\r': fputc(*c, out); break;
        default:
            /* XML 1.0 cannot carry other control characters at all, not even
             * as references; a visible replacement keeps the document valid. */
            if (*c < 0x20)
                fputs("\xEF\xBF\xBD", out);
            else
                fputc(*c, out);
        }
    }
}
