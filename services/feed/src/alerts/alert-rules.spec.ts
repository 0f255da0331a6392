import { describe, expect, it } from '@jest/globals';
import { admin, alertInput, coordinatorOf, refusal } from '../../test/alerts-fixtures.js';
import { AlertStatus } from './alert.enums.js';
import { alertStatus, contactDataIn, validRaise } from './alert-rules.js';

const now = new Date('2026-03-10T10:00:00+01:00');

describe('contact data in alerts', () => {
  it.each([
    'Écrire à lea.martin@gmail.com',
    'contact: LEA_M+ados@laposte.net.',
    'lea.martin [at] gmail.com',
    'lea.martin (at) gmail.com',
    'lea.martin arobase orange.fr',
    'mail : jean-pierre@collège-auch.fr',
  ])('should find an e-mail address in %j', (text) => {
    expect(contactDataIn(text)).toBe('an e-mail address');
  });

  it.each([
    '0612345678',
    'Appeler le 06 12 34 56 78 ce soir',
    '06.12.34.56.78',
    '06-12-34-56-78',
    '05 62 61 00 00',
    '+33 6 12 34 56 78',
    '+33612345678',
    '+33 (0)6 12 34 56 78',
    '0033 6 12 34 56 78',
    '0033612345678',
    '+33.6.12.34.56.78',
    'tél. 07 81 23 45 67.',
    'portable\u00a006\u00a012\u00a034\u00a056\u00a078',
    '(06 12 34 56 78)',
  ])('should find a phone number in %j', (text) => {
    expect(contactDataIn(text)).toBe('a phone number');
  });

  it.each([
    '15 jeunes concernés au collège',
    'Depuis le 12/03/2026, 3 signalements',
    'Depuis le 2026-03-12',
    'Le 01.02.2026 à 14h30',
    'Collège de Auch (32000), classes de 4e et 3e',
    'Réunion le 12 mars 2026 à 18 h',
    'SIRET 12345678901234',
    'Numéro vert : 3018 (cyberharcèlement), ou le 119',
    'Le 3114, numéro national de prévention du suicide',
    'Suivre @lea.martin sur Instagram ? Non : signalez le compte',
    'Entre 10 et 20 % des élèves, 2 000 vues',
    'Code postal 75011 et 31000',
  ])('should accept ordinary text and numbers: %j', (text) => {
    expect(contactDataIn(text)).toBeNull();
  });

  it('should refuse an alert whose title carries contact data, naming the field and saying why', async () => {
    const error = await refusal(() => validRaise(coordinatorOf('32'), alertInput({ title: 'Appeler Léa au 06 12 34 56 78' }), now), 'BAD_USER_INPUT', 'input.title');
    expect(error.message).toMatch(/phone number/);
    expect(error.message).toMatch(/contact data/);
    expect(error.message).not.toContain('06 12');
  });

  it('should refuse an alert whose body carries an e-mail address', async () => {
    const error = await refusal(() => validRaise(coordinatorOf('32'), alertInput({ body: 'Elle écrit à lea.m@gmail.com' }), now), 'BAD_USER_INPUT', 'input.body');
    expect(error.message).toMatch(/e-mail address/);
  });
});

describe('raising rules', () => {
  const gers = coordinatorOf('32');

  it('should check the lengths of title and body', async () => {
    await refusal(() => validRaise(gers, alertInput({ title: 'ab' }), now), 'BAD_USER_INPUT', 'input.title');
    await refusal(() => validRaise(gers, alertInput({ title: 'x'.repeat(201) }), now), 'BAD_USER_INPUT', 'input.title');
    await refusal(() => validRaise(gers, alertInput({ body: '   ' }), now), 'BAD_USER_INPUT', 'input.body');
    await refusal(() => validRaise(gers, alertInput({ body: 'x'.repeat(5001) }), now), 'BAD_USER_INPUT', 'input.body');
  });

  it('should keep the body\'s line breaks', () => {
    expect(validRaise(gers, alertInput({ body: '  Ligne 1\n\nLigne 2  ' }), now).body).toBe('Ligne 1\n\nLigne 2');
  });

  it('should want départements the caller coordinates (admins any), valid and at least one', async () => {
    await refusal(() => validRaise(gers, alertInput({ departments: ['32', '31'] }), now), 'FORBIDDEN');
    await refusal(() => validRaise(gers, alertInput({ departments: [] }), now), 'BAD_USER_INPUT', 'input.departments');
    await refusal(() => validRaise(gers, alertInput({ departments: ['99'] }), now), 'BAD_USER_INPUT', 'input.departments.0');
    expect(validRaise(admin(), alertInput({ departments: ['31', '32', '31'] }), now).departments).toEqual(['31', '32']);
  });

  it('should want an expiry in the future', async () => {
    await refusal(() => validRaise(gers, alertInput({ expiresAt: now }), now), 'BAD_USER_INPUT', 'input.expiresAt');
    expect(validRaise(gers, alertInput({ expiresAt: new Date(now.getTime() + 1000) }), now).expiresAt).toEqual(new Date(now.getTime() + 1000));
  });

  it('should compute the status from the clock, resolved beating expired', () => {
    const expiresAt = new Date('2026-03-11T00:00:00Z');
    expect(alertStatus({ resolvedAt: null, expiresAt }, now)).toBe(AlertStatus.ACTIVE);
    expect(alertStatus({ resolvedAt: null, expiresAt }, expiresAt)).toBe(AlertStatus.EXPIRED);
    expect(alertStatus({ resolvedAt: now, expiresAt }, new Date('2026-04-01T00:00:00Z'))).toBe(AlertStatus.RESOLVED);
  });
});
