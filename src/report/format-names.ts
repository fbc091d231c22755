/**
 * The names of the text formats `gate` and `report` write (formats.ts renders them). Apart so the
 * commands can offer them as `--format` choices without loading the formatters.
 */
export const FORMAT_NAMES = ['console', 'markdown', 'json', 'junit', 'github'] as const;
export type FormatName = (typeof FORMAT_NAMES)[number];
