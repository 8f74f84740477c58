"""The binding's declarations (rollmap/_cdef.h) against lib/rollmap.h:
every struct the binding declares has the header's fields, in order,
with the same array sizes, so a field appended in C (struct layouts are
shared by value) fails here rather than shifting what Python reads."""
import os
import re

import pytest

from rollmap._lib import ffi
from conftest import ROOT

HEADER = os.path.join(ROOT, "lib", "rollmap.h")
CONSTS = {"RM_MAX_CELLS": 32, "RM_NOTES_MAX": 1024, "RM_PERSON_MAX": 64}


def header_structs():
    with open(HEADER) as f:
        text = f.read()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    out = {}
    for m in re.finditer(r"typedef struct (\w+) \{(.*?)\} \1;", text, re.S):
        fields = []
        for decl in m.group(2).split(";"):
            decl = " ".join(decl.split())
            if not decl:
                continue
            if "(" in decl:                   # function pointer
                fields.append((re.search(r"\(\s*\*\s*(\w+)\s*\)", decl)
                               .group(1), None))
                continue
            first, *rest = decl.split(",")
            names = [first.split()[-1]] + [r.strip() for r in rest]
            for n in names:
                n = n.lstrip("*")
                arr = re.match(r"(\w+)\[(\w+)\]", n)
                if arr:
                    size = arr.group(2)
                    fields.append((arr.group(1), CONSTS.get(size)
                                   or int(size)))
                else:
                    fields.append((n, None))
        out[m.group(1)] = fields
    return out


DECLARED = ("rm_error", "rm_descriptor", "rm_frame", "rm_session_meta",
            "rm_frame_view", "rm_sim_options", "rm_pass", "rm_hold",
            "rm_flinch", "rm_engine_config", "rm_engine_callbacks",
            "rm_live", "rm_vboard_options", "rm_link_options",
            "rm_recorder_options")


@pytest.mark.skipif(not os.path.exists(HEADER), reason="no source tree")
@pytest.mark.parametrize("name", DECLARED)
def test_struct_matches_header(name):
    want = header_structs()[name]
    got = []
    for fname, field in ffi.typeof(name).fields:
        t = field.type
        got.append((fname, t.length if t.kind == "array" else None))
    assert got == want
