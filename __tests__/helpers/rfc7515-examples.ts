import { createPrivateKey, createPublicKey, createSecretKey, type JsonWebKey, type KeyObject, sign } from 'node:crypto';
import type { Algorithm } from '../../lib';

// RFC 7515 Appendix A, verbatim: https://www.rfc-editor.org/rfc/rfc7515#appendix-A
// Every value is copied from the RFC with its display line breaks removed; the one token built
// here, `a4KeyToken`, is not an RFC example and says so. Shared by the backend's test of the
// examples and the differential test against jsonwebtoken.

/** The claims set of A.1–A.3: `{"iss":"joe",\r\n "exp":1300819380,\r\n "http://example.com/is_root":true}`. */
export const CLAIMS_SEGMENT = 'eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ';
export const CLAIMS = { iss: 'joe', exp: 1300819380, 'http://example.com/is_root': true };
/** 2011-03-22T18:36:40Z, 380 seconds before the examples expire. */
export const CLOCK_MS = 1300819000 * 1000;

/** A.1.1: the `k` of the symmetric JWK (64 octets). */
export const A1_K = 'AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow';

/** A.2.1: the public half of the RSA JWK. */
export const A2_JWK: JsonWebKey = {
  kty: 'RSA',
  n: 'ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMs'
    + 'D1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdV'
    + 'MTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ',
  e: 'AQAB',
};

/** A.3.1: the public half of the P-256 JWK. */
export const A3_JWK: JsonWebKey = {
  kty: 'EC',
  crv: 'P-256',
  x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
  y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
};

/** A.4.1: the P-521 JWK, with its private `d`; coordinates are 66 octets, with a leading zero. */
export const A4_JWK: JsonWebKey = {
  kty: 'EC',
  crv: 'P-521',
  x: 'AekpBQ8ST8a8VcfVOTNl353vSrDCLLJXmPk06wTjxrrjcBpXp5EOnYG_NjFZ6OvLFV1jSfS9tsz4qUxcWceqwQGk',
  y: 'ADSmRA43Z1DSNx_RvcLI87cdL07l6jQyyBXMoxVg_l2Th-x3S1WDhjDly79ajL4Kkd0AZMaZmh9ubmf63e3kyMj2',
  d: 'AY5pb7A0UFiB3RELSD64fTLOSV_jazdF7fLYyuTw8lOfRhWg6Y6rUrPAxerEzgdRhajnu0ferB0d53vM9mE15j2C',
};
export const A4_PUBLIC_JWK: JsonWebKey = { kty: A4_JWK.kty, crv: A4_JWK.crv, x: A4_JWK.x, y: A4_JWK.y };

/** One Appendix A example. */
export interface Example {
  readonly appendix: string;
  readonly algorithm: Algorithm;
  readonly token: string;
  readonly key: KeyObject;
}

export const JWT_EXAMPLES: readonly Example[] = [
  {
    appendix: 'A.1',
    algorithm: 'HS256',
    // The header is `{"typ":"JWT",\r\n "alg":"HS256"}`, CRLF and all.
    token: `eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.${CLAIMS_SEGMENT}.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk`,
    key: createSecretKey(Buffer.from(A1_K, 'base64url')),
  },
  {
    appendix: 'A.2',
    algorithm: 'RS256',
    token: `eyJhbGciOiJSUzI1NiJ9.${CLAIMS_SEGMENT}.`
      + 'cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4'
      + 'BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqv'
      + 'hJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw',
    key: createPublicKey({ key: A2_JWK, format: 'jwk' }),
  },
  {
    appendix: 'A.3',
    algorithm: 'ES256',
    // JOSE ECDSA signatures are R || S (RFC 7518 §3.4), not DER.
    token: `eyJhbGciOiJFUzI1NiJ9.${CLAIMS_SEGMENT}.DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q`,
    key: createPublicKey({ key: A3_JWK, format: 'jwk' }),
  },
];

/**
 * A.4 signs the 7 octets `Payload`, not a claims set: it is a JWS but not a JWT (RFC 7519 §7.2
 * step 10 requires a JSON object), so a JWT backend must refuse it whatever its signature.
 */
export const A4_TOKEN = 'eyJhbGciOiJFUzUxMiJ9.UGF5bG9hZA.'
  + 'AdwMgeerwtHoh-l192l60hp9wAHZFVJbLfD_UxMi70cwnZOYaRI1bKPWROc-mZZqwqT2SI-KGDKB34XO0aw_7XdtAG8GaSwFKdCAPZgoXD2YBJZCPEX3xKpRwcdOO8Kp'
  + 'EHwJjyqOgzDO7iKvU8vcnwNrmxYbSW9ERBXukOXolLzeO_Jn';
export const A4_KEY = createPublicKey({ key: A4_PUBLIC_JWK, format: 'jwk' });

/**
 * The A.1–A.3 claims set under `{"alg":"ES512"}`, signed with the A.4 private key. Not in the
 * RFC (ECDSA signatures are randomised, so there is nothing fixed to copy): it is how the A.4
 * key gets through the backend at all.
 */
export function a4KeyToken(): string {
  const signingInput = `${Buffer.from('{"alg":"ES512"}').toString('base64url')}.${CLAIMS_SEGMENT}`;
  const signature = sign('sha512', Buffer.from(signingInput), { key: createPrivateKey({ key: A4_JWK, format: 'jwk' }), dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${signature.toString('base64url')}`;
}
