import { describe, expect, it } from 'vitest';
import * as pause from '@/app/api/v1/schedules/[id]/pause/route';
import * as schedule from '@/app/api/v1/schedules/[id]/route';

// The 100,000-request fuzz (tests/reliability/http-edges.test.ts, seed 24007) sent POST /api/v1/schedules/./pause,
// which Next resolves to the GET-only /schedules/[id] and answered with an empty 405. The method a path does not
// take now gets the API's typed error.
describe('the method a merchant API path does not take', () => {
  it.each([
    ['POST', schedule.POST, 'GET, HEAD'],
    ['GET', pause.GET, 'POST'],
  ] as const)('%s → a typed 405 with Allow', async (method, handler, allow) => {
    const response = handler(new Request('http://localhost/api/v1/schedules/pause', { method }));
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe(allow);
    expect(response.headers.get('content-type')).toContain('application/json');
    const body = (await response.json()) as { error: { type: string; code: string; message: string; request_id?: string } };
    expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'method_not_allowed' });
    expect(body.error.message).toContain(allow);
  });
});
