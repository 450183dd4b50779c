import { createHmac, verify } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import { buildApp, EXPRESS_VERSIONS, jwtBackend } from '../helpers/apps';
import { expectRejection, invalidTokenRejection } from '../helpers/expectations';
import { A4_KEY, A4_TOKEN, a4KeyToken, CLAIMS, CLAIMS_SEGMENT, CLOCK_MS, type Example, JWT_EXAMPLES } from '../helpers/rfc7515-examples';

// RFC 7515 Appendix A, verbatim (the values are in ../helpers/rfc7515-examples.ts).
// The last describe checks each signature with node:crypto alone, so a transcription slip
// shows up there and not as a puzzling failure of the backend.

/**
 * Changes the first character of the signature. The first one, never the last: the last
 * base64url character carries padding bits, and changing only those leaves the bytes alone.
 */
function flipSignatureCharacter(token: string): string {
  const at = token.lastIndexOf('.') + 1;
  return `${token.slice(0, at)}${token[at] === 'A' ? 'B' : 'A'}${token.slice(at + 1)}`;
}



function getProbe(app: Express, token: string): request.Test {
  return request(app).get('/probe').set('Authorization', `Bearer ${token}`);
}

const clock = (): number => CLOCK_MS;

/** The body the probe echoes for the A.1–A.3 claims: no `sub`, so no identity and no name. */
const ACCEPTED_BODY = {
  user: { isAuthenticated: true, displayName: '', identity: '' },
  scopes: ['authenticated'],
  payload: CLAIMS,
};

describe('JWTAuthenticationBackend with the RFC 7515 Appendix A examples', () => {
  describe.each(EXPRESS_VERSIONS)('on %s', (_name, expressFactory) => {
    describe.each(JWT_EXAMPLES)('when the token is the Appendix $appendix example ($algorithm)', ({ algorithm, token, key }) => {
      const build = (): ReturnType<typeof buildApp> => buildApp({ expressFactory, backend: jwtBackend({ secretKey: key, algorithm, clock }) });

      it('accepts the token and echoes its claims', async () => {
        const { app, probe } = build();
        const res = await getProbe(app, token);
        expect(res.status).toBe(200);
        expect(res.body).toEqual(ACCEPTED_BODY);
        expect(probe.handlerRan).toBe(true);
      });

      it('responds 401 with error="invalid_token" and reason bad_signature when one signature character is flipped', async () => {
        const { app, probe } = build();
        const res = await getProbe(app, flipSignatureCharacter(token));
        expectRejection(res, probe, invalidTokenRejection('bad_signature'));
      });
    });

    describe('when the token is the Appendix A.4 example (ES512), whose payload is not a claims set', () => {
      const build = (): ReturnType<typeof buildApp> =>
        buildApp({ expressFactory, backend: jwtBackend({ secretKey: A4_KEY, algorithm: 'ES512', clock }) });

      it('responds 401 with error="invalid_token" and reason malformed although its signature is valid', async () => {
        const { app, probe } = build();
        const res = await getProbe(app, A4_TOKEN);
        expectRejection(res, probe, invalidTokenRejection('malformed'));
      });

      it('accepts the A.1–A.3 claims set signed with the A.4 private key and echoes its claims', async () => {
        const { app, probe } = build();
        const res = await getProbe(app, a4KeyToken());
        expect(res.status).toBe(200);
        expect(res.body).toEqual(ACCEPTED_BODY);
        expect(probe.handlerRan).toBe(true);
      });

      it('responds 401 with error="invalid_token" and reason bad_signature when a signature character of that token is flipped', async () => {
        const { app, probe } = build();
        const res = await getProbe(app, flipSignatureCharacter(a4KeyToken()));
        expectRejection(res, probe, invalidTokenRejection('bad_signature'));
      });
    });
  });

  describe('the transcription of the examples', () => {
    const HASHES: Readonly<Record<string, string>> = { HS256: 'sha256', RS256: 'sha256', ES256: 'sha256', ES512: 'sha512' };
    const a4: Example = { appendix: 'A.4', algorithm: 'ES512', token: A4_TOKEN, key: A4_KEY };

    it.each([...JWT_EXAMPLES, a4])('verifies Appendix $appendix with node:crypto alone', ({ algorithm, token, key }) => {
      const at = token.lastIndexOf('.');
      const signingInput = Buffer.from(token.slice(0, at));
      const signature = Buffer.from(token.slice(at + 1), 'base64url');
      const hash = HASHES[algorithm];
      if (key.type === 'secret') {
        expect(createHmac(hash, key).update(signingInput).digest().equals(signature)).toBe(true);
      } else {
        expect(verify(hash, signingInput, { key, dsaEncoding: 'ieee-p1363' }, signature)).toBe(true);
      }
    });

    it('decodes the A.1–A.3 claims set to the JSON the RFC prints, CRLFs included', () => {
      expect(Buffer.from(CLAIMS_SEGMENT, 'base64url').toString('utf8'))
        .toBe('{"iss":"joe",\r\n "exp":1300819380,\r\n "http://example.com/is_root":true}');
      expect(Buffer.from('UGF5bG9hZA', 'base64url').toString('utf8')).toBe('Payload');
    });
  });
});
