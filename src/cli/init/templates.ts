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

export const STARTER_WORKFLOW = `# Runs the golden set on every pull request and blocks the merge when the agent regressed.
name: convotest
on:
  pull_request:
  push:
    branches: [main]
permissions:
  contents: read
  pull-requests: write
  actions: read
jobs:
  eval:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with: { node-version: 20, cache: npm }
      - run: npm ci
      # The baseline is the run record from the latest main build.
      - name: Download baseline run
        if: github.event_name == 'pull_request'
        uses: dawidd6/action-download-artifact@v6
        with:
          workflow: convotest.yml
          branch: main
          name: convotest-run
          path: baseline
          if_no_artifact_found: warn
      - name: Run and gate
        env:
          OPENAI_API_KEY: \${{ secrets.OPENAI_API_KEY }}
        run: |
          if [ -f baseline/run.jsonl ]; then
            npx convotest run --out runs/run.jsonl --baseline baseline/run.jsonl --progress lines
          else
            npx convotest run --out runs/run.jsonl --progress lines
          fi
      - uses: actions/upload-artifact@v4
        if: always()
        with:
          name: convotest-run
          path: runs/
`;
