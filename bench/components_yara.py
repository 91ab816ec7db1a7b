#!/usr/bin/env python3
"""Writes a YARA rule set equivalent to data/components/*.yaml, for
bench/components.sh: one rule per component; each content version rule
becomes a regex of its anchor followed by its pattern (the same classes as
docs/components.md, translated), each product string a text string, each
`containing` string a text string. File-name and uImage-header rules have
no YARA counterpart and are left out (they cost nothing in iotssf either).

    components_yara.py DATA_DIR > components.yar
"""
import glob
import os
import re
import sys

import yaml

VERSION = r'[0-9][0-9A-Za-z]*(\.[0-9][0-9A-Za-z]*)*'
CLASSES = {'v': VERSION, 'n': '[0-9]+', 'a': '[A-Za-z]', 's': ' +',
           '*': r'[\x20-\x7e]{0,64}', 'e': r'[\x00\t\r\n ]'}


def escape(text):
    out = []
    for ch in text:
        if ch.isalnum() or ch in ' _-':
            out.append(ch)
        elif ch == '/':
            out.append(r'\/')
        else:
            out.append('\\x%02x' % ord(ch))
    return ''.join(out)


def pattern_regex(pattern):
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith('{{', i):
            out.append(escape('{'))
            i += 2
        elif pattern[i] == '{':
            out.append(CLASSES[pattern[i + 1]])
            i += 3
        else:
            out.append(escape(pattern[i]))
            i += 1
    return ''.join(out)


def yara_text(text):
    return '"%s"' % text.replace('\\', '\\\\').replace('"', '\\"')


def main():
    data = sys.argv[1]
    for path in sorted(glob.glob(os.path.join(data, 'components', '*.yaml'))):
        sig = yaml.safe_load(open(path))
        ident = sig.get('identify') or {}
        strings = []
        for rule in ident.get('versions') or []:
            if rule.get('source', 'content') != 'content':
                continue
            if rule.get('before'):
                rx = r'[0-9][0-9A-Za-z.]{0,62}\x00{1,8}' + escape(rule['anchor'])
            else:
                rx = escape(rule['anchor']) + pattern_regex(rule.get('pattern', '{v}'))
            strings.append('/%s/' % rx)
            for extra in rule.get('containing') or []:
                strings.append(yara_text(extra))
        for rule in ident.get('products') or []:
            strings.append(yara_text(rule['anchor']))
        if not strings:
            continue
        name = re.sub(r'[^A-Za-z0-9_]', '_', sig['id'])
        print('rule component_%s {' % name)
        print('  strings:')
        for i, s in enumerate(strings):
            print('    $s%d = %s' % (i, s))
        print('  condition:\n    any of them\n}')


main()
