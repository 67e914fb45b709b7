/**
 * Next.js start-up hook: in the Node.js runtime, start this process's job queue so the worker runs
 * inside the web process when configured (always on the embedded PGlite, which allows one opener).
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { startInProcessWorker } = await import('@/lib/jobs/in-process-worker');
  await startInProcessWorker();
}
