import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ibanValid, luhnValid, spanishIdValid } from '../src/core/redact-detectors.js';
import { createRedactor } from '../src/core/redact.js';
import { RedactionConfigSchema } from '../src/schema/redaction.js';

const redactor = createRedactor(RedactionConfigSchema.parse({ enabled: true }));
const redact = (text: string) => redactor.redactText(text);

describe('redaction: true positives', () => {
  it.each([
    ['email', 'write to Ana.Lopez+billing@example.co.uk please', 'write to [EMAIL_1] please'],
    ['card (Visa test number, spaced)', 'card 4111 1111 1111 1111 expires', 'card [CARD_1] expires'],
    ['card (Mastercard, dashed)', 'use 5500-0000-0000-0004.', 'use [CARD_1].'],
    ['card (Amex, no separators)', 'amex 378282246310005', 'amex [CARD_1]'],
    ['IBAN GB (spaced)', 'IBAN GB82 WEST 1234 5698 7654 32 ok', 'IBAN [IBAN_1] ok'],
    ['IBAN DE (compact)', 'DE89370400440532013000', '[IBAN_1]'],
    ['IBAN ES', 'ES91 2100 0418 4502 0005 1332', '[IBAN_1]'],
    ['US SSN', 'SSN 123-45-6789.', 'SSN [NATIONAL_ID_1].'],
    ['ES DNI', 'mi DNI es 12345678Z', 'mi DNI es [NATIONAL_ID_1]'],
    ['ES NIE', 'NIE X1234567L', 'NIE [NATIONAL_ID_1]'],
    ['IPv4', 'from 192.168.1.20, blocked', 'from [IP_1], blocked'],
    ['IPv6 compressed', 'addr 2001:db8::ff00:42:8329 seen', 'addr [IP_1] seen'],
    ['IPv6 link-local', 'fe80::1', '[IP_1]'],
    ['IPv6 full', '2001:0db8:85a3:0000:0000:8a2e:0370:7334', '[IP_1]'],
    ['phone international ES', 'call +34 612 345 678 now', 'call [PHONE_1] now'],
    ['phone international US', 'call +1 (415) 555-0132', 'call [PHONE_1]'],
    ['phone US local', 'or (415) 555-0132 / 415-555-0132', 'or [PHONE_1] / [PHONE_1]'],
    ['phone ES grouped', 'móvil 612 345 678', 'móvil [PHONE_1]'],
    ['phone FR grouped', 'tél 06 12 34 56 78', 'tél [PHONE_1]'],
  ])('%s', (_name, input, expected) => {
    expect(redact(input)).toBe(expected);
  });
});

describe('redaction: look-alikes stay', () => {
  it.each([
    ['order number failing Luhn', 'order 4111 1111 1111 1112 shipped'],
    ['16-digit order id failing Luhn', 'Order #5123456789012345 is on its way'],
    ['IBAN with a wrong check', 'GB82 WEST 1234 5698 7654 33'],
    ['DNI with a wrong letter', '12345678A'],
    ['SSN with area 000', '000-12-3456'],
    ['prices', 'it costs $1,299.99 or € 45.00 or 1.299,00 EUR'],
    ['ISO date', 'delivered on 2024-05-01 at 10:30:45'],
    ['slash date', 'on 05/01/2024 and 1/2/24'],
    ['version numbers', 'upgrade from 2.10.4 to v1.2.3.4 (build 10.0.19045)'],
    ['out-of-range dotted quad', 'code 10.0.0.256'],
    ['UPS tracking number', 'tracking 1Z999AA10123456784'],
    ['USPS tracking number', 'tracking 9400 1000 0000 0000 0000 00'],
    ['order reference', 'ref ORD-2024-118734, ticket #45321'],
    ['quantities and times', '3 items, 12:45, 2 x 250 ml, 100 km'],
    ['C++ scope', 'std::vector and a::b'],
  ])('%s', (_name, input) => {
    expect(redact(input)).toBe(input);
  });
});

describe('redaction: conversation', () => {
  it('keeps placeholders consistent and counts per kind', () => {
    const { messages, counts } = redactor.redactConversation([
      { role: 'user', content: 'I am ana@example.com, card 4111111111111111' },
      { role: 'assistant', content: 'Thanks ANA@example.com; other: bob@example.com' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c1', type: 'function' as const, function: { name: 'lookup', arguments: '{"email":"bob@example.com"}' } }],
      },
    ]);
    expect(messages.map((m) => m.content)).toEqual([
      'I am [EMAIL_1], card [CARD_1]',
      'Thanks [EMAIL_1]; other: [EMAIL_2]',
      null,
    ]);
    expect(messages[2]?.tool_calls?.[0]?.function.arguments).toBe('{"email":"[EMAIL_2]"}');
    expect(counts).toEqual({ email: 4, card: 1 });
  });

  it('applies custom detectors first and honours the kinds list', () => {
    const r = createRedactor(RedactionConfigSchema.parse({ kinds: ['email'], custom: { order_id: 'ORD-\\d{4}-\\d+' } }));
    expect(r.redactText('ORD-2024-118734 for a@b.io, call +34 612 345 678')).toBe(
      '[ORDER_ID_1] for [EMAIL_1], call +34 612 345 678',
    );
  });

  it('redacts a 16-digit number exactly when it passes Luhn (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^4\d{15}$/), fc.constantFrom('', ' ', '-'), (digits, sep) => {
        const shown = sep ? (digits.match(/\d{4}/g) ?? []).join(sep) : digits;
        const out = redact(`order ${shown} today`);
        return (out === 'order [CARD_1] today') === luhnValid(digits) && (out === `order ${shown} today`) === !luhnValid(digits);
      }),
      { numRuns: 500 },
    );
  });

  it('checksums', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(ibanValid('GB82WEST12345698765432')).toBe(true);
    expect(spanishIdValid('12345678Z')).toBe(true);
    expect(spanishIdValid('Y1234567X')).toBe(true);
  });
});
