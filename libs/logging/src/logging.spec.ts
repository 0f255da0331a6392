import { describe, expect, it } from '@jest/globals';
import { withoutQueryParameters } from '@pdn/logging';

describe('withoutQueryParameters', () => {
  it('should keep the SQL but never the parameters of a failed query', () => {
    const error = Object.assign(new Error('Failed query: insert into "sessions" values ($1)\nparams: secret-token-hash'), { params: ['secret-token-hash'], query: 'insert …' });
    const logged = JSON.stringify(withoutQueryParameters(error));
    expect(logged).toContain('insert into');
    expect(logged).not.toContain('secret-token-hash');
  });
});
