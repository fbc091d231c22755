import { createHash } from 'node:crypto';
import { CLIENT_SCRIPT } from './client-script.js';
import { escapeHtml, jsonForScript } from './escape.js';
import { STYLES } from './styles.js';

const cspHash = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * The page skeleton: a strict Content-Security-Policy (nothing may load; the one inline script
 * and stylesheet are allowed by hash; images only as data: URIs; in server mode `fetch` may
 * reach the page's own origin for the label API), the overview markup, the empty case/compare
 * containers, the data block and the client script.
 */
export function renderPage(input: { title: string; overview: string; data: unknown; server: boolean }): string {
  const csp = [
    "default-src 'none'",
    `script-src ${cspHash(CLIENT_SCRIPT)}`,
    `style-src ${cspHash(STYLES)}`,
    'img-src data:',
    `connect-src ${input.server ? "'self'" : "'none'"}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)}</title>
<style>${STYLES}</style>
</head><body>
<header class="top"><strong>convotest</strong><nav><a href="#overview">Overview</a><a href="#cases">Cases</a><a href="#compare">Compare</a></nav></header>
<main>
${input.overview}
<section id="cases" class="view" hidden><h2>Cases</h2><div id="filters"></div>
<div class="pager"><button type="button" id="prev-page">← prev</button> <button type="button" id="next-page">next →</button> <span id="case-count"></span></div>
<table class="case-list"><thead><tr><th>case</th><th>variant</th><th>tags</th><th>status</th><th>grades</th><th>cost</th></tr></thead><tbody id="case-rows"></tbody></table></section>
<section id="case" class="view" hidden></section>
<section id="compare" class="view" hidden></section>
</main>
<script type="application/json" id="convotest-data">${jsonForScript(input.data)}</script>
<script>${CLIENT_SCRIPT}</script>
</body></html>
`;
}
