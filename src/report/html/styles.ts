/** The report's stylesheet (inline, allowed by its CSP hash). */
export const STYLES = `
:root { --fg:#1f2328; --muted:#656d76; --line:#d0d7de; --bg:#fff; --pass:#1a7f37; --fail:#cf222e; --error:#9a6700; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif; color:var(--fg); background:var(--bg); }
header.top { position:sticky; top:0; z-index:2; background:#f6f8fa; border-bottom:1px solid var(--line); padding:6px 16px; display:flex; gap:16px; align-items:center; }
header.top nav a { margin-right:12px; text-decoration:none; color:var(--fg); padding:4px 8px; border-radius:6px; }
header.top nav a.active { background:#ddf4ff; }
main { padding:12px 16px 40px; max-width:1400px; }
[id] { scroll-margin-top:48px; }
h1 { font-size:20px; margin:4px 0; } h2 { font-size:17px; margin:18px 0 8px; } h3 { font-size:15px; } h4 { margin:14px 0 6px; }
table { border-collapse:collapse; margin:6px 0 12px; }
.table-scroll { overflow-x:auto; }
table.variants td, table.graders td, table.slices td, table.errors td:not(.msg-text), .case-list td:nth-child(2) { white-space:nowrap; }
th, td { border:1px solid var(--line); padding:3px 7px; text-align:left; vertical-align:top; }
th { background:#f6f8fa; }
.ci, .meta, .kind, .axis { color:var(--muted); font-size:12px; }
.chart-box { width:min-content; margin:0; border:1px solid var(--line); border-radius:6px; background:#fff; padding:4px 6px 2px; }
.chart-box figcaption { font-size:13px; font-weight:600; margin:0 0 2px; overflow-wrap:anywhere; }
.chart { display:block; }
.axis { fill:var(--muted); font-size:11px; }
.axis.delta-down { fill:var(--fail); } .axis.delta-up { fill:var(--pass); }
.charts { display:flex; flex-wrap:wrap; gap:12px; align-items:flex-start; margin-bottom:12px; }
.legend { margin:4px 0 8px; } .legend-item { margin-right:12px; }
.verdict { border:2px solid var(--line); border-radius:8px; padding:8px 12px; margin:10px 0; }
.verdict-pass { border-color:var(--pass); } .verdict-fail { border-color:var(--fail); } .verdict-inconclusive { border-color:var(--error); }
.verdict .word { font-weight:700; } .verdict h2 { margin-top:4px; }
.badge { display:inline-block; padding:0 6px; border-radius:10px; font-size:12px; color:#fff; margin-right:4px; }
.badge.pass { background:var(--pass); } .badge.fail { background:var(--fail); } .badge.error { background:var(--error); }
.badge.flip { background:#6639ba; } .badge.flip.fixed { background:#0969da; }
.score { display:inline-block; margin:0 6px 2px 0; font-size:12px; padding:0 4px; border-radius:4px; border:1px solid var(--line); }
.score.pass { border-color:#aceebb; } .score.fail { border-color:#ffcecb; background:#fff5f5; } .score.error { border-color:#f5e0a0; background:#fffbeb; color:var(--error); }
.not-run, .errors-note { color:var(--muted); } .has-errors { color:var(--error); font-weight:600; }
#filters { display:flex; flex-wrap:wrap; gap:6px; margin:8px 0; }
#filters input[type=search] { min-width:320px; padding:3px 6px; }
.tags { color:var(--muted); font-size:12px; }
.pager { margin:6px 0; } .pager button { margin-right:4px; }
.transcript { display:flex; flex-direction:column; gap:6px; }
.msg { border:1px solid var(--line); border-radius:8px; padding:6px 10px; max-width:900px; }
.msg.user { background:#f6f8fa; } .msg.assistant { background:#fff; border-color:#b6d4fe; } .msg.tool { background:#fbf8ef; } .msg.system { background:#f0f0f0; }
.role { font-size:12px; color:var(--muted); font-weight:600; }
.content { white-space:pre-wrap; word-break:break-word; }
pre { white-space:pre-wrap; word-break:break-word; margin:4px 0; font-size:12px; }
mark.evidence { background:#fff3a3; border-bottom:2px solid #d4a72c; }
.grades { display:flex; flex-direction:column; gap:6px; }
.grade { border-left:4px solid var(--line); padding:4px 10px; background:#fafbfc; }
.grade.pass { border-color:var(--pass); } .grade.fail { border-color:var(--fail); } .grade.error { border-color:var(--error); }
.reason { margin:3px 0; } .error-msg { color:var(--error); font-weight:600; }
.label { font-size:12px; margin-top:3px; padding:2px 6px; border-radius:4px; display:inline-block; }
.label.agree { background:#dafbe1; } .label.disagree { background:#ffebe9; }
.label-form { margin-top:4px; display:flex; gap:4px; flex-wrap:wrap; align-items:center; }
.label-form .l-score { width:70px; } .label-form .l-note { width:260px; }
.side-by-side { display:grid; grid-template-columns:1fr 1fr; gap:16px; }
.knowledge .doc { border:1px dashed var(--line); padding:4px 8px; margin:4px 0; }
.badge.sim { background:#8250df; margin-left:6px; }
.msg.user.simulated { background:#fbf7ff; border-color:#d8b9ff; border-left:4px solid #8250df; }
.sim-layout { display:grid; grid-template-columns:minmax(0,900px) minmax(240px,360px); gap:16px; align-items:start; }
.sim-panel { position:sticky; top:48px; border:1px solid #d8b9ff; border-radius:8px; padding:6px 12px; background:#fbf7ff; }
.sim-panel h4 { margin:2px 0 6px; } .sim-panel dl { margin:0; } .sim-panel dt { font-size:12px; color:var(--muted); font-weight:600; margin-top:6px; }
.sim-panel dd { margin:0; white-space:pre-wrap; word-break:break-word; }
`;
