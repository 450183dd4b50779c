import { type FixedTokens, isBaseline, OPEN_PATH, PROTECTED_PATH, SUBJECT, type VariantId } from './config';

/**
 * Before any timing, each server proves it is configured like the others: it accepts the valid
 * tokens (and reads the right subject), and refuses a bad signature, an expired token, another
 * issuer, another audience, another algorithm (algorithm confusion for asymmetric keys), an
 * unsigned token, and a missing token on the protected route, while the open route stays open.
 * Bare Express only has to answer the accepted cases.
 */

interface SmokeCase {
  readonly name: string;
  readonly path: string;
  readonly token?: string;
  readonly status: number;
  readonly subject?: string;
}

function cases(tokens: FixedTokens, freshToken: string, freshSubject: string): readonly SmokeCase[] {
  return [
    { name: 'a valid token', path: PROTECTED_PATH, token: tokens.valid, status: 200, subject: SUBJECT },
    { name: 'a fresh valid token', path: PROTECTED_PATH, token: freshToken, status: 200, subject: freshSubject },
    { name: 'the valid token again', path: PROTECTED_PATH, token: tokens.valid, status: 200, subject: SUBJECT },
    { name: 'no token on the open route', path: OPEN_PATH, status: 200, subject: 'anonymous' },
    { name: 'a bad signature', path: PROTECTED_PATH, token: tokens.badSignature, status: 401 },
    { name: 'an expired token', path: PROTECTED_PATH, token: tokens.expired, status: 401 },
    { name: 'another issuer', path: PROTECTED_PATH, token: tokens.wrongIssuer, status: 401 },
    { name: 'another audience', path: PROTECTED_PATH, token: tokens.wrongAudience, status: 401 },
    { name: 'another algorithm', path: PROTECTED_PATH, token: tokens.wrongAlgorithm, status: 401 },
    { name: 'an unsigned token', path: PROTECTED_PATH, token: tokens.unsigned, status: 401 },
    { name: 'a bad signature on the open route', path: OPEN_PATH, token: tokens.badSignature, status: 401 },
    { name: 'no token on the protected route', path: PROTECTED_PATH, status: 401 },
  ];
}

export interface SmokeOutcome {
  readonly failures: readonly string[];
  /** Cases the variant answers otherwise by design (its `knownDifferences`), with the reason. */
  readonly notes: readonly string[];
}

/** Runs the smoke check against a server; it passes when `failures` is empty. */
export async function smokeCheck(
  port: number,
  variant: VariantId,
  tokens: FixedTokens,
  freshToken: string,
  knownDifferences: Readonly<Record<string, string>> = {},
): Promise<SmokeOutcome> {
  const freshSubject = String((JSON.parse(Buffer.from(freshToken.split('.')[1], 'base64url').toString()) as { sub?: unknown }).sub);
  const failures: string[] = [];
  const notes: string[] = [];
  for (const check of cases(tokens, freshToken, freshSubject)) {
    if (isBaseline(variant) && check.status !== 200) continue;
    const expectedSubject = isBaseline(variant) ? 'anonymous' : check.subject;
    const response = await fetch(`http://127.0.0.1:${port}${check.path}`, {
      headers: check.token === undefined ? {} : { authorization: `Bearer ${check.token}` },
    });
    const body = await response.text();
    if (response.status !== check.status) {
      const known = knownDifferences[check.name];
      if (known !== undefined) {
        notes.push(`${check.name}: ${response.status} (${known})`);
        continue;
      }
      failures.push(`${check.name}: status ${response.status}, expected ${check.status}`);
      continue;
    }
    if (check.status === 401 && !/^Bearer /.test(response.headers.get('www-authenticate') ?? '')) {
      failures.push(`${check.name}: 401 without a Bearer challenge`);
    }
    if (expectedSubject !== undefined && (JSON.parse(body) as { sub?: unknown }).sub !== expectedSubject) {
      failures.push(`${check.name}: body ${body}, expected sub ${expectedSubject}`);
    }
  }
  return { failures, notes };
}
