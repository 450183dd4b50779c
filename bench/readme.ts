import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './paths';

/**
 * Writes the benchmark's block into README.md, between `<!-- bench:start -->` and
 * `<!-- bench:end -->`, and nothing else: others edit the README too, so it is read right
 * before writing and only the marked block (or, the first time, a new "## Performance"
 * section before "## Development") changes.
 */

const README = join(REPO_ROOT, 'README.md');
const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

const SECTION_INTRO = `## Performance

\`npm run bench\` measures this middleware against bare Express (the floor), the floors of its own design (the same
app shape with a no-op app-wide middleware and a no-op guard, and the same with a middleware that only assigns constant
\`req.user\` and \`req.auth\`, both measured beside the project in every round), and the usual peers, express-jwt,
passport-jwt and express-oauth2-jwt-bearer, with HS256, RS256, ES256 and EdDSA (jsonwebtoken, under express-jwt and
passport-jwt, has no EdDSA). Every variant gets the same key, algorithm, issuer and audience, and a smoke check proves
before any timing that each accepts a valid token and refuses a bad signature, an expired token, another issuer, audience
or algorithm, an unsigned token, and no token on the protected route. Scenarios: one valid token repeated, a fresh valid
token per request (no cache can help), a bad signature, an expired token, and no token on an open route. The server (one
process per variant, algorithm and round, compiled, \`NODE_ENV=production\`) and the load generator (autocannon, 50
connections) run on 127.0.0.1 in separate processes pinned to different CPUs with \`taskset\`; every measurement follows a
warm-up, rounds run in rotated order with bare Express measured at the start of each round and again right after the
project, and each ratio is taken against bare Express in the same round, then the median over rounds reported.

- \`npm run bench\`: every algorithm, scenario and variant, three rounds, about 25 minutes; then \`bench:micro\`.
- \`npm run bench -- --quick\`: HS256 and the cells the targets need, three rounds, about two minutes.
- \`npm run bench -- --memory\`: a million requests, each with a distinct valid token, then server RSS against bare Express.
- \`npm run bench:micro\`: verification alone, without HTTP, against jsonwebtoken, jose and node:crypto by hand.
- Options: \`--repeats N\`, \`--duration S\`, \`--warmup S\`, \`--server-warmup S\`, \`--connections N\`,
  \`--algorithms HS256,RS256\`, \`--scenarios fresh,expired\`, \`--variants express-jwt,project-cache-on\`, \`--requests N\`
  (memory), \`--no-write\` (print only), \`--dry-run\` (print the plan).

The peers get their keys as their documentation shows them (a string secret or a PEM), which jsonwebtoken parses again
on every request; this middleware converts keys to \`KeyObject\`s once. express-oauth2-jwt-bearer guards the protected route
with \`auth()\` and the open route with \`auth({ authRequired: false })\`, since in that mode it takes a bad token for no token.
Each run writes \`bench/results.json\`, \`bench/results.svg\` and the block below; numbers from a shared machine are noisy, so
the load average at the start and the end of each run is stated with it.

`;

export function writeReadmeBlock(block: string): void {
  const readme = readFileSync(README, 'utf8');
  const marked = `${START}\n${block.trim()}\n${END}`;
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  let updated: string;
  if (start !== -1 && end > start) {
    updated = `${readme.slice(0, start)}${marked}${readme.slice(end + END.length)}`;
  } else {
    const development = readme.search(/^## Development$/m);
    const section = `${SECTION_INTRO}${marked}\n\n`;
    updated = development === -1 ? `${readme.trimEnd()}\n\n${section}` : `${readme.slice(0, development)}${section}${readme.slice(development)}`;
  }
  if (updated !== readme) writeFileSync(README, updated);
}
