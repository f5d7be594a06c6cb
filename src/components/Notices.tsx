import React from 'react';
import { DataFrame, QueryResultMetaNotice } from '@grafana/data';
import { Alert } from '@grafana/ui';

/** Distinct notices (gaps, rejected topics) the backend attached to the last response's frames. */
export function collectNotices(series: DataFrame[] | undefined): QueryResultMetaNotice[] {
  const seen = new Set<string>();
  const out: QueryResultMetaNotice[] = [];
  for (const frame of series ?? []) {
    const notices = [...(frame.meta?.notices ?? []), ...customNotices(frame.meta?.custom)];
    for (const n of notices) {
      if (!seen.has(n.text)) {
        seen.add(n.text);
        out.push(n);
      }
    }
  }
  return out;
}

// meta.custom may carry {rejectedTopics: [...], gaps: [...]} as plain strings.
function customNotices(custom: Record<string, unknown> | undefined): QueryResultMetaNotice[] {
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  return [
    ...list(custom?.rejectedTopics).map((t) => ({ severity: 'error' as const, text: `topic ${t} was rejected` })),
    ...list(custom?.gaps).map((g) => ({ severity: 'warning' as const, text: g })),
  ];
}

export function Notices({ series }: { series?: DataFrame[] }) {
  const notices = collectNotices(series);
  if (!notices.length) {
    return null;
  }
  return (
    <>
      {notices.map((n) => (
        <Alert
          key={n.text}
          title={n.text}
          severity={n.severity === 'error' ? 'error' : n.severity === 'info' ? 'info' : 'warning'}
        />
      ))}
    </>
  );
}
