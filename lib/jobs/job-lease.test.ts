import { describe, expect, it } from 'vitest';
import { worstCaseCallMs } from '@/lib/alipay';
import { transportRetries, type RetryOperation } from '@/lib/alipay/retry-policy';
import { DEFAULT_WORK_SECONDS, jobLeaseSeconds, LEASE_MARGIN_SECONDS, worstCaseRunMs } from './job-lease';
import { JOBS } from './registry';

// pg-boss allows leases below 24 hours.
const MAX_LEASE_SECONDS = 24 * 60 * 60;

/** The AMS client's timing for a given ALIPAY_TIMEOUT_MS (retries from the one retry table, 250 ms back-off). */
const timing = (timeoutMs: number) => ({
  worstCaseCallMs: (operation: RetryOperation) => worstCaseCallMs({ timeoutMs, maxRetries: transportRetries(operation), retryBaseDelayMs: 250 }),
});

describe('job leases derive from the worst case of the calls a run makes', () => {
  it('every job declares its calls, each at most once per operation', () => {
    for (const job of JOBS) {
      expect(Array.isArray(job.calls), job.name).toBe(true);
      const endpoints = job.calls.map((c) => c.operation);
      expect(new Set(endpoints).size, job.name).toBe(endpoints.length);
    }
  });

  // The default, a slow gateway, and the most ALIPAY_TIMEOUT_MS allows (lib/env.ts).
  for (const timeoutMs of [15_000, 60_000, 120_000]) {
    it(`with ALIPAY_TIMEOUT_MS=${timeoutMs}, every registered job's lease outlasts its calls at their worst`, () => {
      const client = timing(timeoutMs);
      for (const job of JOBS) {
        // Each call: every attempt times out (1 + retries), plus the back-off sleeps between attempts.
        const calls = job.calls.reduce((sum, c) => {
          const retries = transportRetries(c.operation);
          return sum + (c.count ?? 1) * ((1 + retries) * timeoutMs + 250 * (2 ** retries - 1));
        }, 0);
        const lease = jobLeaseSeconds(job, client);
        expect(lease * 1000, job.name).toBeGreaterThanOrEqual(calls + (job.workSeconds ?? DEFAULT_WORK_SECONDS) * 1000 + LEASE_MARGIN_SECONDS * 1000);
        expect(lease, job.name).toBeLessThan(MAX_LEASE_SECONDS);
      }
    });
  }

  it('the payment resolver step outlasts three unanswered calls (inquiry, cancel, inquiry at the deadline)', () => {
    const resolve = JOBS.find((j) => j.name === 'payment-resolve')!;
    expect(jobLeaseSeconds(resolve, timing(15_000))).toBeGreaterThanOrEqual(3 * 15 + LEASE_MARGIN_SECONDS);
    // The old fixed 120 s did not hold at the largest timeout.
    expect(jobLeaseSeconds(resolve, timing(120_000))).toBeGreaterThan(3 * 120);
  });

  it('a job without AMS calls gets its work time plus the margin', () => {
    expect(worstCaseRunMs({ calls: [] }, timing(15_000))).toBe(DEFAULT_WORK_SECONDS * 1000);
    expect(jobLeaseSeconds({ calls: [], workSeconds: 870 }, timing(15_000))).toBe(900);
    // pay is never resent by the transport (retry table): two calls are two timeouts.
    expect(jobLeaseSeconds({ calls: [{ operation: 'pay', count: 2 }], workSeconds: 0 }, timing(15_000))).toBe(30 + LEASE_MARGIN_SECONDS);
  });
});
