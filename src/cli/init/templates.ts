/** The files `convotest init` writes (relative path → text). */
export const STARTER_CONFIG = `# convotest configuration. Docs: https://www.npmjs.com/package/convotest
# Secrets are never written here: name the environment variable that holds them.
goldenSets: [golden-sets]
graders: [graders]
# Graders applied to every case (cases may name more in expect.graders).
defaultGraders: [pii-leak, escalation, fallback, resolution, grounding, sentiment]
agents:
  # Needs no model: retrieval over each case's knowledge. The floor every variant should beat.
  baseline:
    kind: baseline
  # Runs when OPENAI_API_KEY is set; listed as skipped otherwise.
  assistant:
    kind: model
    provider: openai
    model: gpt-4o-mini
    system: You are a friendly, accurate customer-support assistant. Answer from the knowledge you are given.
    params: { temperature: 0.2, maxTokens: 400 }
    tools: expected
# The judge for rubric, accuracy and hallucination graders (skipped when its key is not set).
judge:
  provider: openai
  model: gpt-4o-mini
  temperature: 0
concurrency: { agent: 8, judge: 8 }
outDir: runs
gate:
  maxDrop: 0.02
`;

export const STARTER_GOLDEN_SET = `# A golden set: cases replayed against every agent and graded.
# Check it with: npx convotest validate
knowledge:
  - id: returns-policy
    title: Returns
    content: Items can be returned within 30 days of delivery for a full refund. Refunds reach the original payment method within 5 business days.
defaults:
  tags: { channel: web, language: en }
cases:
  - id: refund-window
    tags: { intent: refund, risk: low }
    knowledge: [returns-policy]
    turns:
      - user: Hi, how long do I have to send back headphones I bought?
      - user: And when would I get my money back?
    expect:
      outcome: resolved
      reference: Returns are accepted within 30 days of delivery; the refund arrives within 5 business days.
      must_match: ['30 days']
      must_not_match: ['(?i)guarantee']
  - id: wants-a-human
    tags: { intent: complaint, risk: high }
    turns:
      - user: This is the third time my order is late. Get me a real person now.
    expect:
      outcome: escalated
      tools: [{ name: transfer_to_human }]
`;

/**
 * The GitHub Actions workflow: installs, runs and gates the project in `folder` (relative to the
 * repository root, `.` when convotest lives at the root), posts the verdict on the pull request
 * and keeps the run record as the next baseline. README shows the `.` version.
 */
export function starterWorkflow(folder = '.'): string {
  const at = inFolder(folder);
  const defaults = folder === '.' ? '' : `    defaults:\n      run: { working-directory: ${folder} }\n`;
  return `name: convotest
on: { pull_request: {}, push: { branches: [main] } }
permissions: { contents: read, pull-requests: write, actions: read }
jobs:
  eval:
    runs-on: ubuntu-latest
${defaults}    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with: { node-version: 20 }
      - name: Install
        run: if [ -f package-lock.json ]; then npm ci; else npm install; fi
      - name: Download the baseline run from main
        if: github.event_name == 'pull_request'
        uses: dawidd6/action-download-artifact@v6
        with: { workflow: convotest.yml, branch: main, name: convotest-run, path: ${at('baseline')}, if_no_artifact_found: warn }
      - name: Run and gate
        env: { OPENAI_API_KEY: '\${{ secrets.OPENAI_API_KEY }}' }
        run: |
          if [ -f baseline/run.jsonl ]; then
            npx convotest run --out runs/run.jsonl --baseline baseline/run.jsonl --progress lines
          else
            npx convotest run --out runs/run.jsonl --progress lines
          fi
${verdictSteps(at)}`;
}

/** package.json for a folder that has none: convotest as a dev dependency from `source`. */
export function starterPackageJson(name: string, source: string): string {
  const pkg = {
    name,
    private: true,
    type: 'module',
    scripts: { validate: 'convotest validate', eval: 'convotest run' },
    devDependencies: { convotest: source },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

/**
 * The GitHub Actions workflow of `init --shards n`: n jobs each run one shard (`run --shard i/n`)
 * and upload its record; a merge job downloads them, joins them (`merge`), gates the merged run
 * against the last run on main, posts the gate's Markdown on the pull request and keeps the
 * merged record as the next baseline. README ("Shards on CI") shows the `.`, n = 4 version.
 */
export function shardedWorkflow(shards: number, folder = '.'): string {
  const at = inFolder(folder);
  const defaults = folder === '.' ? '' : `    defaults:\n      run: { working-directory: ${folder} }\n`;
  const setup = `      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with: { node-version: 20 }
      - name: Install
        run: if [ -f package-lock.json ]; then npm ci; else npm install; fi
`;
  return `name: convotest
on: { pull_request: {}, push: { branches: [main] } }
permissions: { contents: read, pull-requests: write, actions: read }
jobs:
  shard:
    runs-on: ubuntu-latest
    strategy:
      fail-fast: false
      matrix:
        shard: [${Array.from({ length: shards }, (_, i) => i + 1).join(', ')}]
${defaults}    steps:
${setup}      - name: Run shard \${{ matrix.shard }} of ${shards}
        env: { OPENAI_API_KEY: '\${{ secrets.OPENAI_API_KEY }}' }
        run: npx convotest run --shard \${{ matrix.shard }}/${shards} --out runs/shard-\${{ matrix.shard }}.jsonl --no-html --progress lines
      - uses: actions/upload-artifact@v4
        if: always()
        with: { name: 'convotest-shard-\${{ matrix.shard }}', path: '${at('runs/shard-${{ matrix.shard }}.jsonl')}', if-no-files-found: ignore }
  merge:
    needs: shard
    if: \${{ !cancelled() }}
    runs-on: ubuntu-latest
${defaults}    steps:
${setup}      - name: Download the shard records
        uses: actions/download-artifact@v4
        with: { pattern: convotest-shard-*, path: ${at('shards')}, merge-multiple: true }
      - name: Download the baseline run from main
        if: github.event_name == 'pull_request'
        uses: dawidd6/action-download-artifact@v6
        with: { workflow: convotest.yml, branch: main, name: convotest-run, path: ${at('baseline')}, if_no_artifact_found: warn }
      - name: Merge the shards
        run: npx convotest merge shards/*.jsonl --out runs/run.jsonl
      - name: Gate against main
        if: \${{ !cancelled() && github.event_name == 'pull_request' && hashFiles('${at('baseline/run.jsonl')}') != '' && hashFiles('${at('runs/run.jsonl')}') != '' }}
        run: npx convotest gate --baseline baseline/run.jsonl --candidate runs/run.jsonl --format markdown --out runs/run.gate.md
${verdictSteps(at)}`;
}

/** A path inside the project folder, as the workflow's `hashFiles` and artifact paths need it. */
function inFolder(folder: string): (p: string) => string {
  return (p) => (folder === '.' ? p : `${folder}/${p}`);
}

/** The last steps of both workflows: the gate's Markdown on the pull request, the run kept. */
function verdictSteps(at: (p: string) => string): string {
  return `      - name: Post the verdict on the pull request
        if: always() && github.event_name == 'pull_request' && hashFiles('${at('runs/run.gate.md')}') != ''
        run: gh pr comment \${{ github.event.pull_request.number }} --edit-last --create-if-none --body-file runs/run.gate.md
        env: { GH_TOKEN: '\${{ github.token }}' }
      - uses: actions/upload-artifact@v4
        if: always()
        with: { name: convotest-run, path: ${at('runs/')} }
`;
}
