/**
 * The report's client script (plain browser JS, embedded inline and allowed by its CSP hash).
 * It reads the run from `<script type="application/json" id="convotest-data">` and renders the
 * case list, case view and compare view. Every piece of run data reaches the DOM through
 * `textContent` / `createTextNode` (never innerHTML), and links are only ever `#...` fragments
 * built here, so transcript content cannot inject markup or script.
 * Kept as a string (no backticks or dollar-brace inside) so it ships in the single HTML file.
 */
export const CLIENT_SCRIPT = String.raw`(function () {
'use strict';
var t0 = performance.now();
var data = JSON.parse(document.getElementById('convotest-data').textContent);
var items = data.results;
var PAGE = 100;
var state = { variant: '', mode: '', tag: '', grader: '', status: '', flip: '', label: '', q: '', page: 0, cpage: 0, cdiff: false };
var labelIndex = new Map();
function lkey(c, g, hsh) { return JSON.stringify([c, g, hsh]); }
data.labels.forEach(function (l) { labelIndex.set(lkey(l.caseId, l.grader, l.transcriptHash), l); });

function h(tag, attrs, kids) {
  var el = document.createElement(tag);
  if (attrs) Object.keys(attrs).forEach(function (k) {
    var v = attrs[k];
    if (v === undefined || v === null || v === false) return;
    if (k === 'text') el.textContent = String(v);
    else if (k === 'className') el.className = v;
    else if (k === 'onclick') el.addEventListener('click', v);
    else if (k === 'onchange') el.addEventListener('change', v);
    else if (k === 'oninput') el.addEventListener('input', v);
    else if (k === 'href') el.setAttribute('href', '#' + String(v).replace(/^#/, ''));
    else el.setAttribute(k, String(v));
  });
  (kids || []).forEach(function (c) {
    if (c === null || c === undefined || c === false) return;
    el.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  });
  return el;
}
function $(id) { return document.getElementById(id); }
function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); return el; }
function fmt(x, d) { return x === null || x === undefined ? '\u2013' : Number(x).toFixed(d === undefined ? 2 : d); }
function pct(x) { return x === null || x === undefined ? '\u2013' : (x * 100).toFixed(1) + '%'; }
function badge(s) { return h('span', { className: 'badge ' + s, text: s }); }
function permalink(r) {
  return 'case=' + encodeURIComponent(r.caseId) + '&variant=' + encodeURIComponent(r.variant) + (r.repeat ? '&repeat=' + r.repeat : '');
}
function gradeStatus(g) { return g.error ? 'error' : g.pass === null ? 'error' : g.pass ? 'pass' : 'fail'; }
function tagPairs(tags) {
  var out = [];
  Object.keys(tags || {}).forEach(function (k) {
    var v = tags[k];
    (Array.isArray(v) ? v : [v]).forEach(function (x) { out.push(k + '=' + x); });
  });
  return out;
}
function searchText(it) {
  if (it._t === undefined) {
    var r = it.r;
    var parts = [r.caseId, r.variant].concat(tagPairs(r.tags));
    r.transcript.forEach(function (m) {
      if (m.content) parts.push(m.content);
      (m.tool_calls || []).forEach(function (c) { parts.push(c.function.name, c.function.arguments); });
    });
    r.grades.forEach(function (g) { if (g.reason) parts.push(g.reason); });
    if (r.simulation) parts.push(r.simulation.goal, r.simulation.persona || '');
    it._t = parts.join('\n').toLowerCase();
  }
  return it._t;
}
function labelOf(r, g) { return labelIndex.get(lkey(r.caseId, g.grader, r.transcriptHash)); }

function matches(it) {
  var r = it.r;
  if (state.variant && r.variant !== state.variant) return false;
  if (state.mode && r.mode !== state.mode) return false;
  if (state.tag) {
    var eq = state.tag.indexOf('=');
    var v = r.tags[state.tag.slice(0, eq)];
    var want = state.tag.slice(eq + 1);
    if (v === undefined || (Array.isArray(v) ? v.indexOf(want) < 0 : v !== want)) return false;
  }
  if (state.grader) {
    var g = r.grades.filter(function (x) { return x.grader === state.grader; })[0];
    if (!g) return false;
    if (state.status && gradeStatus(g) !== state.status) return false;
    if (state.label === 'labelled' && !labelOf(r, g)) return false;
    if (state.label === 'unlabelled' && labelOf(r, g)) return false;
  } else {
    if (state.status && it.s !== state.status) return false;
    if (state.label) {
      var hasLabel = r.grades.some(function (x) { return !!labelOf(r, x); });
      if ((state.label === 'labelled') !== hasLabel) return false;
    }
  }
  if (state.flip === 'flipped' && !it.f) return false;
  if ((state.flip === 'regressed' || state.flip === 'fixed') && it.f !== state.flip) return false;
  if (state.q && searchText(it).indexOf(state.q) < 0) return false;
  return true;
}

function select(id, label, options, key) {
  var sel = h('select', { id: id, 'aria-label': label, onchange: function () { state[key] = sel.value; state.page = 0; renderList(); } },
    [h('option', { value: '', text: label + ': all' })].concat(options.map(function (o) {
      return h('option', { value: o[0], text: o[1] });
    })));
  return sel;
}
function buildFilters() {
  var tags = {};
  items.forEach(function (it) { tagPairs(it.r.tags).forEach(function (p) { tags[p] = true; }); });
  var bar = clear($('filters'));
  bar.appendChild(select('f-variant', 'variant', data.variants.map(function (v) { return [v, v]; }), 'variant'));
  var modes = ['replay', 'simulated', 'recorded'].filter(function (m) { return items.some(function (it) { return it.r.mode === m; }); });
  if (modes.length > 1) bar.appendChild(select('f-mode', 'mode', modes.map(function (m) { return [m, m === 'simulated' ? 'simulated customer' : m]; }), 'mode'));
  bar.appendChild(select('f-tag', 'tag', Object.keys(tags).sort().map(function (t) { return [t, t]; }), 'tag'));
  bar.appendChild(select('f-grader', 'grader', data.graders.map(function (g) { return [g, g]; }), 'grader'));
  bar.appendChild(select('f-status', 'status', [['pass', 'pass'], ['fail', 'fail'], ['error', 'error']], 'status'));
  if (data.baselineRunId) bar.appendChild(select('f-flip', 'vs baseline', [['flipped', 'flipped'], ['regressed', 'pass \u2192 fail'], ['fixed', 'fail \u2192 pass']], 'flip'));
  bar.appendChild(select('f-label', 'human label', [['labelled', 'labelled'], ['unlabelled', 'unlabelled']], 'label'));
  var timer = 0;
  var q = h('input', { id: 'f-q', type: 'search', placeholder: 'search transcripts, ids, tags, reasons', 'aria-label': 'search',
    oninput: function () {
      clearTimeout(timer);
      timer = setTimeout(function () { state.q = q.value.trim().toLowerCase(); state.page = 0; renderList(); }, 120);
    } });
  bar.appendChild(q);
}

function renderList() {
  var t = performance.now();
  var shown = items.filter(matches);
  var pages = Math.max(1, Math.ceil(shown.length / PAGE));
  if (state.page >= pages) state.page = pages - 1;
  var body = clear($('case-rows'));
  var frag = document.createDocumentFragment();
  shown.slice(state.page * PAGE, state.page * PAGE + PAGE).forEach(function (it) {
    var r = it.r;
    frag.appendChild(h('tr', { className: 'case-row' }, [
      h('td', null, [h('a', { href: permalink(r), text: r.caseId })]),
      h('td', null, [r.variant, r.mode === 'simulated' ? h('span', { className: 'badge sim', title: r.simulation ? 'ended: ' + endText(r.simulation.endReason) : '', text: 'simulated' }) : null]),
      h('td', { className: 'tags', text: tagPairs(r.tags).join(' ') }),
      h('td', null, [badge(it.s), it.f ? h('span', { className: 'badge flip ' + it.f, text: it.f === 'regressed' ? 'pass\u2192fail' : 'fail\u2192pass' }) : null]),
      h('td', { className: 'scores' }, r.grades.map(function (g) {
        var l = labelOf(r, g);
        return h('span', { className: 'score ' + gradeStatus(g), title: g.error ? g.error.code + ': ' + g.error.message : g.reason || '' }, [g.grader + ' ' + (g.error ? 'error' : fmt(g.score)) + (l ? (l.verdict === 'agree' ? ' \u2713h' : ' \u2717h') : '')]);
      })),
      h('td', { text: r.costUsd === null ? '\u2013' : '$' + Number(r.costUsd).toPrecision(3) }),
    ]));
  });
  body.appendChild(frag);
  $('case-count').textContent = shown.length + ' of ' + items.length + ' results \u00b7 page ' + (state.page + 1) + '/' + pages;
  $('prev-page').disabled = state.page === 0;
  $('next-page').disabled = state.page >= pages - 1;
  window.__convotestTimings.lastFilterMs = performance.now() - t;
}

function show(id) {
  ['overview', 'cases', 'case', 'compare'].forEach(function (v) { $(v).hidden = v !== id; });
  Array.prototype.forEach.call(document.querySelectorAll('nav a'), function (a) {
    a.className = a.getAttribute('href') === '#' + id ? 'active' : '';
  });
}
function route() {
  var p = new URLSearchParams(location.hash.slice(1));
  if (p.has('case')) {
    var rep = Number(p.get('repeat') || 0);
    var it = items.filter(function (x) { return x.r.caseId === p.get('case') && (!p.get('variant') || x.r.variant === p.get('variant')) && (x.r.repeat || 0) === rep; })[0];
    show('case');
    renderCase(it);
  } else if (p.has('cases')) { show('cases'); renderList(); }
  else if (p.has('compare')) { show('compare'); renderCompare(); }
  else show('overview');
}

// Highlight ranges of evidence inside one message: [start, end) from the span when it matches, else the quote's first occurrence.
function evidenceRanges(r, index, content) {
  var out = [];
  r.grades.forEach(function (g) {
    (g.evidence || []).forEach(function (ev) {
      if (ev.turn !== undefined && ev.turn !== index) return;
      var s = -1, e = -1;
      if (ev.span && ev.span[0] >= 0 && ev.span[1] <= content.length && ev.span[0] < ev.span[1] && (!ev.quote || content.slice(ev.span[0], ev.span[1]) === ev.quote)) { s = ev.span[0]; e = ev.span[1]; }
      else if (ev.quote) { s = content.indexOf(ev.quote); e = s + ev.quote.length; }
      if (s >= 0 && e > s) out.push({ s: s, e: e, title: g.grader + (ev.note ? ': ' + ev.note : '') });
    });
  });
  out.sort(function (a, b) { return a.s - b.s; });
  var merged = [];
  out.forEach(function (x) {
    var last = merged[merged.length - 1];
    if (last && x.s < last.e) { last.e = Math.max(last.e, x.e); last.title += '; ' + x.title; } else merged.push({ s: x.s, e: x.e, title: x.title });
  });
  return merged;
}
function textWithMarks(content, ranges) {
  var el = h('div', { className: 'content' });
  var at = 0;
  ranges.forEach(function (x) {
    if (x.s > at) el.appendChild(document.createTextNode(content.slice(at, x.s)));
    el.appendChild(h('mark', { className: 'evidence', title: x.title, text: content.slice(x.s, x.e) }));
    at = x.e;
  });
  el.appendChild(document.createTextNode(content.slice(at)));
  return el;
}
function endText(reason) { return data.endReasons[reason] || reason; }
function messageMeta(m) {
  var bits = [];
  if (m.usage) bits.push('in ' + m.usage.input + ' / out ' + m.usage.output + (m.usage.cached ? ' / cached ' + m.usage.cached : '') + ' tok');
  if (m.latencyMs !== undefined) bits.push(Math.round(m.latencyMs) + ' ms');
  if (m.costUsd !== undefined && m.costUsd !== null) bits.push('$' + Number(m.costUsd).toPrecision(3));
  if (m.model) bits.push(m.model);
  if (m.scripted) bits.push('scripted');
  return bits.length ? h('div', { className: 'meta', text: bits.join(' \u00b7 ') }) : null;
}
// A per-turn grade's turn is the index of the message it judges (the #n shown on each message).
function renderTranscript(r) {
  var perMsg = {};
  r.grades.forEach(function (g) {
    (g.turns || []).forEach(function (tg) {
      if (!(tg.turn >= 0 && tg.turn < r.transcript.length)) return;
      (perMsg[tg.turn] = perMsg[tg.turn] || []).push({ g: g, tg: tg });
    });
  });
  return h('div', { className: 'transcript' }, r.transcript.map(function (m, i) {
    var content = m.content || '';
    var sim = m.role === 'user' && m.simulated;
    return h('div', { className: 'msg ' + m.role + (sim ? ' simulated' : ''), id: 'msg-' + i }, [
      h('div', { className: 'role' }, [(sim ? 'customer' : m.role) + (m.name ? ' (' + m.name + ')' : '') + (m.tool_call_id ? ' \u2190 ' + m.tool_call_id : '') + ' #' + i,
        sim ? h('span', { className: 'badge sim', title: 'written by the simulator playing the customer, not by a script or a person', text: 'simulated customer' }) : null]),
      content ? (m.role === 'tool' ? h('pre', { className: 'content tool-result', text: content }) : textWithMarks(content, evidenceRanges(r, i, content))) : null,
      m.tool_calls ? h('div', { className: 'tool-calls' }, m.tool_calls.map(function (c) {
        return h('pre', { className: 'tool-call', text: '\u2192 ' + c.function.name + '(' + c.function.arguments + ')  [' + c.id + ']' });
      })) : null,
      messageMeta(m),
      perMsg[i] ? h('div', { className: 'turn-grades' }, perMsg[i].map(function (x) {
        return h('span', { className: 'score turn-grade ' + (x.tg.pass ? 'pass' : 'fail'), 'data-grader': x.g.grader, title: x.tg.reason || '',
          text: x.g.grader + ' ' + (x.tg.pass ? 'pass' : 'fail') + ' ' + fmt(x.tg.score) + (x.tg.label && (x.tg.reason || '').indexOf(x.tg.label) < 0 ? ' \u00b7 ' + x.tg.label : '') + (x.tg.reason ? ' \u2014 ' + x.tg.reason : '') });
      })) : null,
    ]);
  }));
}

function labelBox(r, g) {
  var l = labelOf(r, g);
  var box = h('div', { className: 'label-box' });
  if (l) box.appendChild(h('div', { className: 'label ' + l.verdict, text: 'human: ' + l.verdict + (l.pass !== undefined ? ' (should ' + (l.pass ? 'pass' : 'fail') + ')' : '') + (l.score !== undefined ? ' score ' + l.score : '') + ' \u2014 ' + l.reviewer + ', ' + l.at + (l.note ? ' \u2014 ' + l.note : '') }));
  if (data.mode !== 'server' || g.pass === null) return box;
  var corrected = h('select', { className: 'l-pass', 'aria-label': 'corrected verdict' }, [h('option', { value: '', text: 'corrected: opposite' }), h('option', { value: 'true', text: 'should pass' }), h('option', { value: 'false', text: 'should fail' })]);
  var score = h('input', { className: 'l-score', type: 'number', min: '0', max: '1', step: '0.05', placeholder: 'score', 'aria-label': 'corrected score' });
  var note = h('input', { className: 'l-note', type: 'text', placeholder: 'note', maxlength: '4000', 'aria-label': 'note' });
  var status = h('span', { className: 'l-status' });
  function send(verdict) {
    var body = { caseId: r.caseId, variant: r.variant, grader: g.grader, transcriptHash: r.transcriptHash, verdict: verdict };
    if (verdict === 'disagree' && corrected.value) body.pass = corrected.value === 'true';
    if (verdict === 'disagree' && score.value !== '') body.score = Number(score.value);
    if (note.value) body.note = note.value;
    status.textContent = 'saving\u2026';
    fetch('/api/labels', { method: 'POST', headers: { 'content-type': 'application/json', 'x-convotest-token': data.token }, body: JSON.stringify(body) })
      .then(function (res) { return res.json().then(function (j) { if (!res.ok) throw new Error(j.error || res.status); return j; }); })
      .then(function (label) {
        data.labels.push(label);
        labelIndex.set(lkey(label.caseId, label.grader, label.transcriptHash), label);
        route();
      })
      .catch(function (err) { status.textContent = 'not saved: ' + err.message; });
  }
  box.appendChild(h('div', { className: 'label-form' }, [
    h('button', { type: 'button', className: 'l-agree', text: 'Agree', onclick: function () { send('agree'); } }),
    h('button', { type: 'button', className: 'l-disagree', text: 'Disagree', onclick: function () { send('disagree'); } }),
    corrected, score, note, status,
  ]));
  return box;
}
function renderGrades(r) {
  return h('div', { className: 'grades' }, r.grades.map(function (g) {
    return h('div', { className: 'grade ' + gradeStatus(g), id: 'grade-' + g.grader }, [
      h('div', { className: 'grade-head' }, [h('strong', { text: g.grader }), ' ', h('span', { className: 'kind', text: g.kind + ' \u00b7 ' + g.scope }), ' ', badge(gradeStatus(g)), ' score ' + fmt(g.score) + (g.threshold !== undefined ? ' (threshold ' + g.threshold + ')' : '') + (g.label ? ' \u00b7 ' + g.label : '')]),
      g.reason ? h('div', { className: 'reason', text: g.reason }) : null,
      g.error ? h('div', { className: 'error-msg', text: g.error.code + ': ' + g.error.message }) : null,
      g.evidence && g.evidence.length ? h('ul', { className: 'evidence-list' }, g.evidence.map(function (ev) {
        return h('li', null, [h('q', { text: ev.quote }), ev.turn !== undefined ? ' (message #' + ev.turn + ')' : '', ev.note ? ' \u2014 ' + ev.note : '']);
      })) : null,
      g.usage ? h('div', { className: 'meta', text: 'judge: in ' + g.usage.input + ' / out ' + g.usage.output + ' tok' + (g.costUsd ? ' \u00b7 $' + Number(g.costUsd).toPrecision(3) : '') }) : null,
      g.details ? h('details', null, [h('summary', { text: 'details' }), h('pre', { text: JSON.stringify(g.details, null, 2) })]) : null,
      labelBox(r, g),
    ]);
  }));
}
// The simulated customer's brief beside the conversation, and how the conversation ended.
function simulationPanel(s) {
  function row(k, v) { return v === undefined || v === null || v === '' ? [] : [h('dt', { text: k }), h('dd', { text: v })]; }
  var cost = s.costUsd === null ? 'unpriced' : '$' + Number(s.costUsd).toPrecision(3);
  return h('aside', { className: 'sim-panel', 'aria-label': 'simulated customer' }, [
    h('h4', { text: 'Simulated customer' }),
    h('dl', null, [].concat(
      row('goal', s.goal), row('persona', s.persona), row('language', s.language),
      row('ended', endText(s.endReason) + ' (' + s.endReason + ')'),
      row('customer messages', String(s.turns)),
      row('simulator', s.simulator + ' \u00b7 in ' + s.usage.input + ' / out ' + s.usage.output + ' tok \u00b7 ' + cost))),
  ]);
}
function renderResult(r, title) {
  var docs = Array.isArray(r.knowledge) ? r.knowledge : [];
  return h('div', { className: 'result' }, [
    title ? h('h3', { text: title }) : null,
    h('div', { className: 'meta', text: 'variant ' + r.variant + ' \u00b7 ' + r.mode + ' \u00b7 usage in ' + r.usage.input + ' / out ' + r.usage.output + ' tok \u00b7 agent ' + (r.costUsd === null ? 'unpriced' : '$' + Number(r.costUsd).toPrecision(3)) + ' \u00b7 judge ' + (r.judgeCostUsd === null ? 'unpriced' : '$' + Number(r.judgeCostUsd).toPrecision(3)) + (r.simulation ? ' \u00b7 simulator ' + (r.simulation.costUsd === null ? 'unpriced' : '$' + Number(r.simulation.costUsd).toPrecision(3)) : '') + ' \u00b7 ' + Math.round(r.latencyMs) + ' ms \u00b7 transcript ' + r.transcriptHash.slice(0, 12) }),
    r.error ? h('div', { className: 'error-msg', text: 'error ' + r.error.code + ': ' + r.error.message + (r.error.turn !== undefined ? ' (turn ' + r.error.turn + ')' : '') }) : null,
    r.redactions ? h('div', { className: 'meta', text: 'redacted: ' + Object.keys(r.redactions).map(function (k) { return k + ' ' + r.redactions[k]; }).join(', ') }) : null,
    h('h4', { text: 'Grades' }), renderGrades(r),
    h('h4', { text: 'Transcript' }), r.simulation ? h('div', { className: 'sim-layout' }, [renderTranscript(r), simulationPanel(r.simulation)]) : renderTranscript(r),
    docs.length ? h('h4', { text: 'Knowledge' }) : null,
    docs.length ? h('div', { className: 'knowledge' }, docs.map(function (d) {
      return typeof d === 'string' ? h('pre', { text: d }) : h('div', { className: 'doc' }, [h('strong', { text: d.title || d.id || 'document' }), h('pre', { text: d.text || d.content || JSON.stringify(d) })]);
    })) : null,
  ]);
}
function renderCase(it) {
  var root = clear($('case'));
  if (!it) { root.appendChild(h('p', { text: 'No such case in this run.' })); return; }
  var r = it.r;
  var siblings = items.filter(function (x) { return x.r.caseId === r.caseId && x !== it; });
  root.appendChild(h('div', { className: 'case-head' }, [
    h('h2', null, [r.caseId + ' ', badge(it.s), it.f ? h('span', { className: 'badge flip ' + it.f, text: it.f === 'regressed' ? 'pass\u2192fail vs baseline' : 'fail\u2192pass vs baseline' }) : null]),
    h('div', { className: 'tags', text: tagPairs(r.tags).join(' \u00b7 ') + (r.source ? ' \u00b7 ' + r.source : '') }),
    h('div', null, [h('a', { href: permalink(r), className: 'permalink', text: 'permalink' }), ' \u00b7 ', h('a', { href: 'cases', text: 'back to cases' })].concat(
      siblings.length ? [' \u00b7 other variants: '].concat(siblings.reduce(function (out, s, k) {
        if (k > 0) out.push(', ');
        out.push(h('a', { href: permalink(s.r), text: s.r.variant + (s.r.repeat ? ' #' + s.r.repeat : ''), className: 'sibling' }));
        return out;
      }, [])) : [])),
  ]));
  var base = it.b !== undefined ? data.baseline[it.b] : undefined;
  if (base) {
    root.appendChild(h('div', { className: 'side-by-side' }, [renderResult(base, 'Baseline (' + data.baselineRunId + ')'), renderResult(r, 'Candidate (' + data.runId + ')')]));
  } else root.appendChild(renderResult(r));
  window.scrollTo(0, 0);
}

function renderCompare() {
  var byCase = new Map();
  items.forEach(function (it) {
    var row = byCase.get(it.r.caseId);
    if (!row) { row = {}; byCase.set(it.r.caseId, row); }
    if (!row[it.r.variant]) row[it.r.variant] = it;
  });
  var rows = [];
  byCase.forEach(function (row, id) {
    if (state.cdiff) {
      // Only the variants that ran this case are compared (a recorded transcript has one).
      var ss = data.variants.filter(function (v) { return row[v]; }).map(function (v) { return row[v].s; });
      if (ss.every(function (s) { return s === ss[0]; })) return;
    }
    rows.push([id, row]);
  });
  var pages = Math.max(1, Math.ceil(rows.length / PAGE));
  if (state.cpage >= pages) state.cpage = pages - 1;
  var table = h('table', { className: 'compare' }, [
    h('thead', null, [h('tr', null, [h('th', { text: 'case' })].concat(data.variants.map(function (v) { return h('th', { text: v }); })))]),
    h('tbody', null, rows.slice(state.cpage * PAGE, state.cpage * PAGE + PAGE).map(function (x) {
      return h('tr', null, [h('td', { text: x[0] })].concat(data.variants.map(function (v) {
        var it = x[1][v];
        if (!it) return h('td', { text: '\u2013' });
        var scored = it.r.grades.filter(function (g) { return g.score !== null; });
        var mean = scored.length ? scored.reduce(function (a, g) { return a + g.score; }, 0) / scored.length : null;
        return h('td', null, [h('a', { href: permalink(it.r) }, [badge(it.s)]), ' ' + fmt(mean)]);
      })));
    })),
  ]);
  var root = clear($('compare'));
  var diff = h('input', { type: 'checkbox', id: 'c-diff', onchange: function () { state.cdiff = diff.checked; state.cpage = 0; renderCompare(); } });
  diff.checked = state.cdiff;
  root.appendChild(h('h2', { text: 'Compare variants' }));
  root.appendChild(h('label', null, [diff, ' only cases where the variants disagree']));
  root.appendChild(h('p', { id: 'compare-count', text: rows.length + ' cases \u00b7 page ' + (state.cpage + 1) + '/' + pages }));
  root.appendChild(h('div', { className: 'pager' }, [
    h('button', { type: 'button', text: '\u2190 prev', disabled: state.cpage === 0, onclick: function () { state.cpage--; renderCompare(); } }),
    h('button', { type: 'button', text: 'next \u2192', disabled: state.cpage >= pages - 1, onclick: function () { state.cpage++; renderCompare(); } }),
  ]));
  root.appendChild(table);
}

window.__convotestTimings = { parsedMs: performance.now() - t0 };
buildFilters();
$('prev-page').addEventListener('click', function () { state.page--; renderList(); });
$('next-page').addEventListener('click', function () { state.page++; renderList(); });
window.addEventListener('hashchange', route);
route();
document.body.setAttribute('data-ready', '1');
window.__convotestTimings.readyMs = performance.now() - t0;
window.__convotestTimings.readyAt = performance.now();
})();`;
