import vader from 'vader-sentiment';
import { describe, expect, it } from 'vitest';
import { vaderCompound, vaderTokens } from '../src/grading/vader-fast.js';

// The fast path must give the package's own compound score, to the last digit.
const TEXTS = [
  '',
  'very',
  'Great phone!!! but the battery is NOT good :(',
  "I don't think it's BAD at all!!!",
  '...good... ,bad, !!!wow ?!?nice great?!?!',
  'It is kind of nice, sort of bad, kinda meh.',
  'The service was SO slow and the staff were extremely rude.',
  'Not the worst, but at least it works. Least helpful agent ever.',
  'Still waiting for my refund - third time I ask... never again!',
  'I love it :) :-( <3 "amazing" \'terrible\'',
  'Without doubt the best purchase; never had a problem, no complaints.',
  'hasOwnProperty constructor toString __proto__ are words too',
];

describe('vaderCompound', () => {
  it.each(TEXTS)('equals vader-sentiment polarity_scores: %j', (text) => {
    expect(vaderCompound(text)).toBe(vader.SentimentIntensityAnalyzer.polarity_scores(text).compound);
  });

  it('strips one punctuation mark off a word of the text, keeps emoticons and contractions', () => {
    expect(vaderTokens("Great!!! it's :) ok, a ?!?nice")).toEqual(['Great', "it's", ':)', 'ok', 'nice']);
  });
});
