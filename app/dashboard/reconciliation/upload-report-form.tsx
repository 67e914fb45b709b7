'use client';

import { useRouter } from 'next/navigation';
import { useId, useState } from 'react';
import { Button } from '@/components/ui/button';

interface Labels {
  file: string;
  hint: string;
  upload: string;
  uploading: string;
  progress: string;
  loaded: string;
  duplicate: string;
  failed: string;
}

type State =
  | { phase: 'idle' }
  | { phase: 'uploading'; sent: number; total: number }
  | { phase: 'processing' }
  | { phase: 'done'; ok: boolean; message: string };

/**
 * Uploads one report file as the raw request body so the server can stream and cap it, showing the
 * bytes sent (XMLHttpRequest is the one browser API with upload progress) and then the import result.
 */
export function UploadReportForm({ labels, maxMb }: { labels: Labels; maxMb: number }) {
  const router = useRouter();
  const id = useId();
  const [state, setState] = useState<State>({ phase: 'idle' });

  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const input = event.currentTarget.elements.namedItem('report') as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/dashboard/reconciliation/upload');
    xhr.setRequestHeader('content-type', 'text/csv');
    xhr.setRequestHeader('x-report-file-name', encodeURIComponent(file.name));
    xhr.upload.onprogress = (e) => setState({ phase: 'uploading', sent: e.loaded, total: e.lengthComputable ? e.total : file.size });
    xhr.upload.onload = () => setState({ phase: 'processing' });
    xhr.onerror = () => setState({ phase: 'done', ok: false, message: labels.failed });
    xhr.onload = () => {
      let body: { ok?: boolean; error?: string; data?: { status: string; rowCount: number; reportDate: string; open: Record<string, number> | null } } = {};
      try {
        body = JSON.parse(xhr.responseText) as typeof body;
      } catch {
        body = { ok: false, error: labels.failed };
      }
      if (body.ok && body.data) {
        const open = body.data.open ? Object.values(body.data.open).reduce((a, b) => a + b, 0) : 0;
        const template = body.data.status === 'duplicate' ? labels.duplicate : labels.loaded;
        setState({
          phase: 'done',
          ok: true,
          message: template.replace('{rows}', String(body.data.rowCount)).replace('{date}', body.data.reportDate).replace('{open}', String(open)),
        });
        router.refresh();
      } else {
        setState({ phase: 'done', ok: false, message: body.error ?? labels.failed });
      }
    };
    setState({ phase: 'uploading', sent: 0, total: file.size });
    xhr.send(file);
  }

  const busy = state.phase === 'uploading' || state.phase === 'processing';
  const percent = state.phase === 'uploading' && state.total > 0 ? Math.round((state.sent / state.total) * 100) : state.phase === 'processing' ? 100 : 0;
  return (
    <form onSubmit={submit} className="space-y-3" data-testid="upload-report-form">
      <div className="space-y-1">
        <label htmlFor={`${id}-file`} className="block text-sm font-medium text-slate-800">
          {labels.file}
        </label>
        <input id={`${id}-file`} name="report" type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required aria-describedby={`${id}-hint`} className="block w-full text-sm text-slate-900" />
        <p id={`${id}-hint`} className="text-xs text-slate-600">
          {labels.hint.replace('{max}', String(maxMb))}
        </p>
      </div>
      <Button type="submit" disabled={busy}>
        {busy ? labels.uploading : labels.upload}
      </Button>
      {state.phase === 'uploading' || state.phase === 'processing' ? (
        <div className="space-y-1">
          <progress id={`${id}-progress`} max={100} value={percent} aria-label={labels.progress} className="h-2 w-full" data-testid="upload-progress" />
          <p className="text-xs text-slate-700" aria-live="polite">
            {percent}%
          </p>
        </div>
      ) : null}
      <div aria-live="polite" className="text-sm">
        {state.phase === 'done' ? (
          state.ok ? (
            <p className="text-green-800" data-testid="upload-result">
              {state.message}
            </p>
          ) : (
            <p role="alert" className="text-red-700" data-testid="upload-result">
              {state.message}
            </p>
          )
        ) : null}
      </div>
    </form>
  );
}
