// Text search without PostgreSQL extensions: `unaccent` is not available everywhere we run (PGlite
// ships it as a separately loaded extension, managed servers may not allow it), so accents are folded
// in the application. A service stores `normalizeForSearch(text)` in a column, indexes
// `to_tsvector('simple', column)` and queries it with `to_tsquery('simple', toPrefixTsQuery(input))`.
// The 'simple' configuration neither stems nor drops stop words, so what is stored is what is matched,
// identically on every engine.

// Letters that Unicode decomposition leaves whole but a French (or European) reader treats as plain
// letters. œ and æ are the ones that matter for place and person names here.
const FOLDED_LETTERS: Readonly<Record<string, string>> = {
  œ: 'oe',
  æ: 'ae',
  ß: 'ss',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};
const FOLDED_LETTER_PATTERN = new RegExp(`[${Object.keys(FOLDED_LETTERS).join('')}]`, 'gu');

/**
 * Lower-cases, removes diacritics and turns every run of non-alphanumeric characters (apostrophes,
 * hyphens, punctuation, symbols) into a single space: "L'Isle-Jourdain" → "l isle jourdain".
 */
export function normalizeForSearch(text: string): string {
  return (
    text
      .toLowerCase()
      // NFKD rather than NFD: besides splitting "é" into "e" + accent, it also unfolds compatibility
      // forms people paste from word processors (the "ﬁ" ligature, full-width digits, superscripts).
      .normalize('NFKD')
      .replace(/\p{M}+/gu, '')
      .replace(FOLDED_LETTER_PATTERN, (letter) => FOLDED_LETTERS[letter] ?? letter)
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim()
  );
}

/**
 * Builds a prefix query where every word must match the start of a stored word:
 * "isle jourd" → "isle:* & jourd:*". Only [a-z0-9] words survive, so the result never contains
 * tsquery operators and `to_tsquery` cannot fail on it; returns null when no word is left (the caller
 * then skips the search condition instead of sending an empty query, which PostgreSQL rejects).
 *
 * Single letters are dropped when a longer word remains: they are mostly French elisions (l', d',
 * qu'…) that differ between how a name is stored and how people type it ("d'Isle" must still find
 * "L'Isle-Jourdain"), and a one-letter prefix adds almost no selectivity anyway.
 */
export function toPrefixTsQuery(search: string): string | null {
  const words = [...new Set(normalizeForSearch(search).split(' '))].filter((word) => /^[a-z0-9]+$/.test(word));
  const significant = words.filter((word) => !/^[a-z]$/.test(word));
  const kept = significant.length > 0 ? significant : words;
  if (kept.length === 0) return null;
  return kept.map((word) => `${word}:*`).join(' & ');
}
