/** Types of the `vader-sentiment` package (a JavaScript port of VADER; it ships no types). */
declare module 'vader-sentiment' {
  /** Proportions of negative/neutral/positive text and the normalised compound score in -1..1. */
  export interface PolarityScores {
    neg: number;
    neu: number;
    pos: number;
    compound: number;
  }
  const vader: {
    SentimentIntensityAnalyzer: { polarity_scores(text: string): PolarityScores };
  };
  export default vader;
}
