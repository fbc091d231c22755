/** The dashboard's stylesheet (inline, allowed by its CSP hash; the SVG charts use presentation attributes only). */
export const DASHBOARD_STYLES = `
:root { --fg:#1f2328; --muted:#656d76; --line:#d0d7de; --bg:#fff; --ok:#1a7f37; --miss:#cf222e; --soft:#f6f8fa; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif; color:var(--fg); background:var(--bg); }
header.top { background:var(--soft); border-bottom:1px solid var(--line); padding:10px 16px; }
header.top h1 { font-size:19px; margin:0; } header.top p { margin:2px 0 0; color:var(--muted); }
nav a { margin-right:12px; color:var(--fg); }
main { padding:8px 16px 40px; max-width:1400px; }
h2 { font-size:17px; margin:22px 0 8px; border-bottom:1px solid var(--line); padding-bottom:4px; } h3 { font-size:15px; margin:14px 0 6px; }
.cards { display:grid; grid-template-columns:repeat(auto-fill, minmax(250px, 1fr)); gap:10px; }
.card { border:1px solid var(--line); border-left:5px solid var(--line); border-radius:6px; padding:8px 10px; background:#fff; }
.card.met { border-left-color:var(--ok); } .card.missed { border-left-color:var(--miss); }
.card .label { font-size:12px; color:var(--muted); text-transform:uppercase; letter-spacing:.03em; }
.card .value { font-size:24px; font-weight:600; }
.card .ci, .card .target, .muted { color:var(--muted); font-size:12px; }
.badge { display:inline-block; font-size:11px; font-weight:600; padding:0 6px; border-radius:10px; margin-left:4px; }
.badge.met { background:#dafbe1; color:var(--ok); } .badge.missed { background:#ffebe9; color:var(--miss); }
.delta.good { color:var(--ok); } .delta.bad { color:var(--miss); }
table { border-collapse:collapse; margin:6px 0 12px; font-size:13px; }
th, td { border:1px solid var(--line); padding:3px 7px; text-align:right; vertical-align:top; }
th:first-child, td:first-child { text-align:left; }
th { background:var(--soft); }
td.missed { color:var(--miss); font-weight:600; }
.verdict { border:2px solid var(--line); border-radius:8px; padding:8px 12px; margin:10px 0; }
.verdict.significant { border-color:var(--ok); } .verdict.collecting { border-color:#9a6700; }
.verdict p { margin:4px 0; }
.progress { width:320px; height:10px; background:var(--soft); border:1px solid var(--line); border-radius:5px; overflow:hidden; }
.chart-title { font-size:13px; font-weight:600; fill:var(--fg); } .axis { fill:var(--muted); font-size:11px; }
details { margin:8px 0; } dt { font-weight:600; } dd { margin:0 0 6px 16px; color:var(--muted); }
.slices { display:flex; flex-wrap:wrap; gap:16px; }
`;
