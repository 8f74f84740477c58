#!/usr/bin/python3
"""Lay out an HTML report in headless Chromium at a given width and read
the computed layout back from the DOM.

The report forbids scripts (Content-Security-Policy), so a copy is made
with the policy removed and a measuring script appended; the script
writes its findings as JSON into the page, and `chromium --dump-dom`
returns them. A screenshot of the unmodified page is saved beside.

  measure.py REPORT.html WIDTH OUTDIR [--print]

--print lays the copy out with its print rules in force (@media print
turned into @media all, the phone rules dropped) and also saves a PDF.
Prints one JSON object: viewport, overflowing elements, smallest text,
enum identifiers left in the visible text, the guidance items and table
cells (for the consistency checks in check_layout.py). Exit 77 when no
browser can run here.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

MEASURE_JS = r"""
(function () {
  var out = {viewport: window.innerWidth, overflow: [], small: [],
             min_text_px: 1e9, doc_scroll_width: 0};
  var vw = document.documentElement.clientWidth;
  out.doc_scroll_width = document.documentElement.scrollWidth;
  function name(el) {
    var s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    if (el.getAttribute('class')) s += '.' + el.getAttribute('class').split(' ').join('.');
    return s;
  }
  function visible(el) {
    if (!el.getClientRects().length) return false;
    var cs = getComputedStyle(el);
    return cs.display !== 'none' && cs.visibility !== 'hidden';
  }
  var all = document.body.querySelectorAll('*');
  for (var i = 0; i < all.length; i++) {
    var el = all[i];
    if (el.id === 'rm-measure' || !visible(el)) continue;
    var r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    var inSvg = el instanceof SVGElement && el.tagName.toLowerCase() !== 'svg';
    // The box must lie inside the viewport...
    if (r.left < -0.5 || r.right > vw + 0.5)
      out.overflow.push({el: name(el), why: 'outside the viewport',
                         left: r.left, right: r.right, vw: vw});
    // ...and its content inside its own box (HTML elements only).
    if (!inSvg && el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1 &&
        getComputedStyle(el).overflowX === 'visible')
      out.overflow.push({el: name(el), why: 'content wider than its box',
                         scroll: el.scrollWidth, client: el.clientWidth});
    // ...and inside its parent's box.
    var p = el.parentElement;
    if (p && p !== document.body && !inSvg && visible(p)) {
      var pr = p.getBoundingClientRect();
      if (r.left < pr.left - 0.5 || r.right > pr.right + 0.5)
        out.overflow.push({el: name(el), why: 'outside its parent ' + name(p),
                           left: r.left, right: r.right,
                           pleft: pr.left, pright: pr.right});
    }
  }
  // Text as drawn: CSS px for HTML, font size times the SVG's scale.
  var walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  var n;
  while ((n = walker.nextNode())) {
    if (!/\S/.test(n.nodeValue)) continue;
    var el = n.parentElement;
    if (!el || el.closest('#rm-measure') || el.closest('title') ||
        el.closest('style') || !visible(el)) continue;
    var px = parseFloat(getComputedStyle(el).fontSize);
    if (el instanceof SVGElement) {
      var m = el.getScreenCTM();
      if (m) px *= Math.sqrt(m.a * m.a + m.b * m.b);
    }
    if (px < out.min_text_px) out.min_text_px = px;
    if (px < 11 - 0.01)
      out.small.push({el: name(el), px: px, text: n.nodeValue.slice(0, 40)});
  }
  var text = document.body.innerText;
  out.identifiers = (text.match(/\b[a-z]+(?:_[a-z]+)+\b/g) || []);
  out.guidance = [];
  document.querySelectorAll('#guidance li[data-code]').forEach(function (li) {
    out.guidance.push({code: li.getAttribute('data-code'), text: li.innerText});
  });
  out.tables = {};
  document.querySelectorAll('section').forEach(function (sec) {
    var rows = [];
    sec.querySelectorAll('table tr').forEach(function (tr) {
      var row = [];
      tr.querySelectorAll('th,td').forEach(function (c) { row.push(c.innerText); });
      rows.push(row);
    });
    out.tables[sec.id] = rows;
  });
  var sm = document.getElementById('speed-median');
  out.speed_median = sm ? sm.innerText : null;
  out.sections = Array.prototype.map.call(
      document.querySelectorAll('section'), function (s) { return s.id; });
  // rollmap trend pages: the charts and maps shown, the spot headings.
  out.trend_charts = Array.prototype.filter.call(
      document.querySelectorAll('#spots svg, #maps svg'), visible)
      .map(function (s) { return s.id; });
  out.trend_spot_headings = document.querySelectorAll('#spots h3').length;
  out.visible_maps = Array.prototype.filter.call(
      document.querySelectorAll('svg.rollmap-calf-map'), visible)
      .map(function (s) { return s.id; });
  // Peak markers against the zone regions drawn on the visible map.
  out.zone_mismatch = [];
  document.querySelectorAll('svg.rollmap-calf-map').forEach(function (svg) {
    if (!visible(svg)) return;
    svg.querySelectorAll('g.peak').forEach(function (g) {
      var x = parseFloat(g.getAttribute('data-x'));
      var line = g.getAttribute('data-line');
      var ok = false, any = false;
      svg.querySelectorAll('rect.zone[data-line="' + line + '"]').forEach(function (z) {
        any = true;
        var x0 = parseFloat(z.getAttribute('x')), w = parseFloat(z.getAttribute('width'));
        if (x >= x0 - 0.6 && x <= x0 + w + 0.6 &&
            z.getAttribute('data-zone') === g.getAttribute('data-zone')) ok = true;
      });
      if (any && !ok) out.zone_mismatch.push(g.id + ' ' + g.getAttribute('data-zone'));
    });
  });
  // The page sits in a frame of the width under test (a headless
  // window is at least 500 px wide): hand the results to the host page.
  parent.postMessage(JSON.stringify(out), '*');
})();
"""


def browser():
    for b in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(b)
        if path:
            return path
    return None


def run(cmd, log):
    with open(log, "ab") as f:
        return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=f,
                              timeout=120).stdout


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    printing = "--print" in sys.argv
    src, width, outdir = args[0], int(args[1]), args[2]
    b = browser()
    if not b:
        print("measure: no chromium", file=sys.stderr)
        return 77
    os.makedirs(outdir, exist_ok=True)
    html = open(src, encoding="utf-8").read()
    probe = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "",
                   html)
    if printing:
        probe = probe.replace("@media print{", "@media all{")
        probe = re.sub(r"@media \(max-width:40em\)\{.*?\n\}\n", "", probe,
                       flags=re.S)
    probe = probe.replace("</body>", "<script>" + MEASURE_JS +
                          "</script>\n</body>")
    tag = ("print-" if printing else "") + str(width)
    probe_path = os.path.join(outdir, "probe-%s.html" % tag)
    with open(probe_path, "w", encoding="utf-8") as f:
        f.write(probe)
    # The host page: a frame exactly WIDTH px wide (its own viewport, so
    # the report's media queries see WIDTH), and a listener writing the
    # frame's measurements into the host's DOM for --dump-dom.
    host = ('<!DOCTYPE html><html><head><style>body{margin:0}iframe{border:0;'
            'display:block}</style></head><body><iframe id="f" src="%s" '
            'width="%d" height="%d"></iframe><script>window.addEventListener('
            '"message",function(e){var p=document.createElement("pre");'
            'p.id="rm-measure";p.textContent=e.data;document.body.appendChild(p);'
            '});</script></body></html>')
    host_path = os.path.join(outdir, "host-%s.html" % tag)
    shot_host_path = os.path.join(outdir, "shot-%s.html" % tag)
    with open(host_path, "w", encoding="utf-8") as f:
        f.write(host % (os.path.basename(probe_path), width, 3000))
    shown = probe_path if printing else os.path.abspath(src)
    with open(shot_host_path, "w", encoding="utf-8") as f:
        f.write(host % ("file://" + shown, width, 3000))
    profile = tempfile.mkdtemp()
    log = os.path.join(outdir, "browser.log")
    flags = [b, "--headless", "--no-sandbox", "--disable-gpu",
             "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync",
             "--hide-scrollbars", "--user-data-dir=" + profile,
             "--allow-file-access-from-files", "--virtual-time-budget=5000",
             "--window-size=%d,3000" % max(width, 500)]
    try:
        dom = run(flags + ["--dump-dom", "file://" + os.path.abspath(host_path)],
                  log).decode("utf-8", "replace")
        m = re.search(r'<pre id="rm-measure">(.*?)</pre>', dom, re.S)
        if not m:
            text = open(log, errors="replace").read()
            if re.search(r"cannot open display|error while loading shared",
                         text, re.I):
                return 77
            print("measure: no measurements in the DOM", file=sys.stderr)
            return 1
        import html as h
        result = json.loads(h.unescape(m.group(1)))
        shot = os.path.join(outdir, "report-%s.png" % tag)
        run(flags + ["--screenshot=" + shot,
                     "file://" + os.path.abspath(shot_host_path)], log)
        result["screenshot"] = shot
        if printing:
            pdf = os.path.join(outdir, "report-print.pdf")
            run(flags + ["--no-pdf-header-footer", "--print-to-pdf=" + pdf,
                         "file://" + os.path.abspath(src)], log)
            result["pdf"] = pdf
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
