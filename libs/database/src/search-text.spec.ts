import { describe, expect, it } from '@jest/globals';
import { normalizeForSearch, toPrefixTsQuery } from './search-text.js';

describe('normalizeForSearch', () => {
  it.each([
    ["L'Isle-Jourdain", 'l isle jourdain'],
    ['Nérée', 'neree'],
    ['  SAINT-ÉTIENNE  du   Rouvray ', 'saint etienne du rouvray'],
    ['Cœur d’Œuvre', 'coeur d oeuvre'],
    ['Lætitia', 'laetitia'],
    ['Ça, c’est l’été !', 'ca c est l ete'],
    ['ﬁlet ２０２４', 'filet 2024'],
    ['Straße', 'strasse'],
    ['Łódź', 'lodz'],
    ["'&|!():*", ''],
    ['', ''],
  ])('should normalize %j to %j', (input, expected) => {
    expect(normalizeForSearch(input)).toBe(expected);
  });

  it('should keep letters of other scripts so they still match themselves', () => {
    expect(normalizeForSearch('Ελλάδα')).toBe('ελλαδα');
  });
});

describe('toPrefixTsQuery', () => {
  it.each([
    ["L'Isle-Jourdain", 'isle:* & jourdain:*'],
    ["d'Isle", 'isle:*'],
    ['l', 'l:*'],
    ['a 2', '2:*'],
    ['isle jourd', 'isle:* & jourd:*'],
    ['Nérée', 'neree:*'],
    ['isle ISLE Isle', 'isle:*'],
    ["isle'&|!():* jourd", 'isle:* & jourd:*'],
    ['a:* | b & !c', 'a:* & b:* & c:*'],
    ['isle:* | jourd & !x', 'isle:* & jourd:*'],
    ['2024', '2024:*'],
  ])('should turn %j into %j', (input, expected) => {
    expect(toPrefixTsQuery(input)).toBe(expected);
  });

  it.each(["'&|!():*", '   ', '', '—…', 'Ελλάδα'])('should return null when no searchable word is left in %j', (input) => {
    expect(toPrefixTsQuery(input)).toBeNull();
  });
});
