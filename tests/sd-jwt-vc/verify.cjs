// An independent SD-JWT VC verifier: the OpenWallet Foundation's @sd-jwt/sd-jwt-vc (installed by
// `cargo xtask test` into the folder named by SD_JWT_VC; run with NODE_PATH=<that>/node_modules).
// Reads {presentation, issuer_jwk, status_list, now, nonce} as JSON on stdin; verifies the
// issuer's signature, the key binding (the holder's key from `cnf.jwk`), the disclosures and the
// status list; prints {ok, claims} or {ok: false, error}. With `issue` in the input instead, it
// issues a certificate itself and presents it (for our verifier to check):
// {issue: {issuer_private_jwk, holder_private_jwk, holder_jwk, iss, iat, vct, claims, disclose,
// aud, nonce}} prints {presentation}.
const { SDJwtVcInstance } = require('@sd-jwt/sd-jwt-vc');
const { ES256, digest, generateSalt } = require('@sd-jwt/crypto-nodejs');

async function issueAndPresent(i) {
  const sdjwt = new SDJwtVcInstance({
    hasher: digest,
    hashAlg: 'sha-256',
    saltGenerator: generateSalt,
    signer: await ES256.getSigner(i.issuer_private_jwk),
    signAlg: 'ES256',
    kbSigner: await ES256.getSigner(i.holder_private_jwk),
    kbSignAlg: 'ES256',
  });
  const credential = await sdjwt.issue(
    { iss: i.iss, iat: i.iat, vct: i.vct, cnf: { jwk: i.holder_jwk }, ...i.claims },
    { _sd: Object.keys(i.claims) },
  );
  const frame = Object.fromEntries(i.disclose.map((c) => [c, true]));
  const presentation = await sdjwt.present(credential, frame, {
    kb: { payload: { aud: i.aud, nonce: i.nonce, iat: i.iat } },
  });
  process.stdout.write(JSON.stringify({ presentation }));
}

async function main() {
  const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
  if (input.issue) return issueAndPresent(input.issue);
  const verifier = await ES256.getVerifier(input.issuer_jwk);
  const sdjwt = new SDJwtVcInstance({
    hasher: digest,
    hashAlg: 'sha-256',
    saltGenerator: generateSalt,
    verifier,
    kbVerifier: async (data, signature, payload) => {
      const holder = await ES256.getVerifier(payload.cnf.jwk);
      return holder(data, signature);
    },
    statusListFetcher: async () => {
      if (!input.status_list) throw new Error('no status list');
      return input.status_list;
    },
    statusVerifier: verifier,
  });
  try {
    const result = await sdjwt.verify(input.presentation, {
      currentDate: input.now,
      keyBindingNonce: input.nonce,
    });
    const claims = await sdjwt.getClaims(input.presentation);
    process.stdout.write(JSON.stringify({ ok: true, kb: !!result.kb, claims }));
  } catch (e) {
    process.stdout.write(JSON.stringify({ ok: false, error: String(e && e.message || e) }));
  }
}
main();
