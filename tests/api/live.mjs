// A Grafana Live subscriber in Node: the npm centrifuge client over a `ws` transport that
// authenticates like the browser would (here with basic auth instead of the session cookie).
import { Centrifuge } from 'centrifuge';
import WebSocket from 'ws';
import { authHeader, cfg, gfAt } from './lib.mjs';

class AuthedWebSocket extends WebSocket {
  constructor(url, protocols) {
    super(url, protocols, { headers: { Authorization: authHeader } });
  }
}

/**
 * Subscribes to a Live channel (a query's meta.channel) and collects the frames pushed on it.
 * Returns { frames, waitFor(pred, ms), close }. A frame is the data.Frame JSON Grafana relays.
 */
export async function subscribe(channel, base = cfg.grafana) {
  // the browser's Live client addresses a channel inside the user's namespace: Grafana 13
  // names it in its frontend settings ("default" for org 1), older versions use the org id
  // ("1/<channel>"); the channel a query names has neither
  channel = `${await liveNamespace(base)}/${channel}`;
  const url = base.replace(/^http/, 'ws') + '/api/live/ws';
  const client = new Centrifuge(url, { websocket: AuthedWebSocket, timeout: 10_000 });
  const frames = [];
  const waiters = new Set();
  const sub = client.newSubscription(channel);
  sub.on('publication', (ctx) => {
    frames.push(ctx.data);
    for (const w of waiters) {
      if (w.pred(ctx.data)) {
        waiters.delete(w);
        w.resolve(ctx.data);
      }
    }
  });
  const subscribed = new Promise((resolve, reject) => {
    sub.on('subscribed', resolve);
    sub.on('error', (ctx) => reject(new Error(`subscribing to ${channel}: ${JSON.stringify(ctx.error)}`)));
    client.on('error', (ctx) => reject(new Error(`Live connection: ${JSON.stringify(ctx.error)}`)));
  });
  sub.subscribe();
  client.connect();
  await withTimeout(subscribed, 15_000, `subscribing to ${channel}`);
  return {
    frames,
    waitFor(pred, ms = 30_000, what = 'a frame') {
      const seen = frames.find(pred);
      if (seen) {
        return Promise.resolve(seen);
      }
      const p = new Promise((resolve) => waiters.add({ pred, resolve }));
      return withTimeout(p, ms, `${what} on ${channel} (${frames.length} frames seen)`);
    },
    close() {
      sub.unsubscribe();
      client.disconnect();
    },
  };
}

function withTimeout(p, ms, what) {
  let t;
  const timeout = new Promise((_, reject) => {
    t = setTimeout(() => reject(new Error(`timed out after ${ms / 1000} s: ${what}`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(t));
}

/** The values of field `name` in a Live frame message (schema+data or data only). */
export function valuesOf(frame, name, schemaFields) {
  const fields = frame?.schema?.fields ?? schemaFields ?? [];
  const i = fields.findIndex((f) => f.name === name);
  return i >= 0 ? (frame?.data?.values?.[i] ?? []) : [];
}

/** The prefix Grafana's Live expects before a channel: its namespace, else the org id. */
export async function liveNamespace(base = cfg.grafana) {
  const gf = gfAt(base);
  const settings = await gf('GET', '/api/frontend/settings');
  if (typeof settings.json?.namespace === 'string' && settings.json.namespace) {
    return settings.json.namespace;
  }
  const org = await gf('GET', '/api/org');
  return String(org.json.id);
}
