import type { AddressInfo } from 'node:net';
import { BENCH_ALGORITHMS, type BenchAlgorithm, type ServerArguments, VARIANT_IDS, type VariantId } from './config';
import { readVerificationKey } from './tokens';
import { buildApp, loadParts, variantConfig } from './variants';

/**
 * One server under test: `server.ts <variant> <algorithm> <keysDir>`. Listens on 127.0.0.1 on a
 * free port and prints `ready <port>`; the orchestrator pins it to its own CPU and ends it with
 * SIGTERM. A configuration the variant refuses prints `error <message>` and exits 2.
 */
function readArguments(argv: readonly string[]): ServerArguments {
  const [variant, algorithm, keysDir] = argv;
  if (!(VARIANT_IDS as readonly string[]).includes(variant) || !(BENCH_ALGORITHMS as readonly string[]).includes(algorithm) || !keysDir) {
    throw new TypeError(`usage: server.ts <${VARIANT_IDS.join('|')}> <${BENCH_ALGORITHMS.join('|')}> <keysDir>`);
  }
  return { variant: variant as VariantId, algorithm: algorithm as BenchAlgorithm, keysDir };
}

function main(): void {
  const { variant, algorithm, keysDir } = readArguments(process.argv.slice(2));
  const parts = loadParts(variant);
  let app;
  try {
    app = buildApp(parts(variantConfig(variant, algorithm, readVerificationKey(keysDir, algorithm))));
  } catch (err) {
    console.log(`error ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  }
  const collect = (globalThis as { gc?: () => void }).gc;
  if (process.env.BENCH_GC_ROUTE === '1' && collect !== undefined) {
    app.get('/__gc', (_req, res) => {
      collect();
      res.json(process.memoryUsage());
    });
  }
  const server = app.listen(0, '127.0.0.1', () => {
    console.log(`ready ${(server.address() as AddressInfo).port}`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
  // Never outlive the orchestrator: if it dies, this process is handed to another parent.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.exit(0);
  }, 1000).unref();
  process.on('SIGINT', () => process.exit(0));
}

main();
