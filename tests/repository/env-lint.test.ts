import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The rule that keeps lib/env.ts the one reader of process.env, checked against the files it must cover:
 * proxy.ts once read APP_URL and NODE_ENV raw and the rule did not see it.
 */
const root = path.resolve(__dirname, '..', '..');
const eslint = new ESLint({ cwd: root });

async function envErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-properties' || m.ruleId === 'no-restricted-syntax').map((m) => m.message);
}

const RAW_READ = 'export const url = process.env.APP_URL;\n';

describe('process.env outside lib/env.ts is a lint error', () => {
  it.each(['proxy.ts', 'lib/payments/anything.ts', 'app/api/health/route.ts', 'instrumentation.ts'])('in %s', async (file) => {
    expect(await envErrors(file, RAW_READ)).toEqual([expect.stringMatching(/lib\/env\.ts/)]);
  });

  it('instrumentation.ts may still ask which runtime it runs in', async () => {
    expect(await envErrors('instrumentation.ts', "export const node = process.env.NEXT_RUNTIME === 'nodejs';\n")).toEqual([]);
    expect(await envErrors('instrumentation.ts', 'export const all = process.env;\n')).toHaveLength(1);
  });

  it('lib/env.ts itself may read it', async () => {
    expect(await envErrors('lib/env.ts', RAW_READ)).toEqual([]);
  });
});
