import { batch, signal, type Signal } from '@preact/signals';
import type { HostStats, ParamUpdate, ParamView, RoutesResponse, RouteView, SignalsResponse } from '../../protocol';

export type { HostStats, RouteView };
import { api, socket, subscribe } from './connection';

/** Everything the UI shows, as signals: each control re-renders only when its own parameter moves. */
export const params = new Map<string, Signal<ParamView>>();
export const paramList = signal<ParamView[]>([]);
export const stats = signal<HostStats | null>(null);
export const meters = signal<Record<string, number>>({});
export const previewUrl = signal<string | null>(null);
export const previewIndex = signal(-1);
export const connected = signal(false);
export const problems = signal<string[]>([]);
export const routes = signal<RouteView[]>([]);
export const signalNames = signal<string[]>([]);
/** Signals that swing both ways (-1..1): their routes' default input range. */
export const bipolarSignals = signal<ReadonlySet<string>>(new Set());
export const view = signal<'perform' | 'modulation'>('perform');
/** The performance lock: while on, no control on this surface can be moved. */
export const locked = signal(false);

export const METER_SIGNALS = ['audio:low', 'audio:mid', 'audio:high', 'audio:onset', 'clock:pulse'];

function applyList(list: ParamView[]): void {
  batch(() => {
    const seen = new Set<string>();
    for (const p of list) {
      seen.add(p.path);
      const existing = params.get(p.path);
      if (existing) existing.value = p;
      else params.set(p.path, signal(p));
    }
    for (const path of [...params.keys()]) if (!seen.has(path)) params.delete(path);
    paramList.value = list;
  });
}

function applyChanges(changes: Record<string, ParamUpdate>): void {
  batch(() => {
    for (const [path, update] of Object.entries(changes)) {
      const p = params.get(path);
      if (p) p.value = { ...p.value, base: update.base, value: update.value };
    }
  });
}

/** A change made here shows at once (the host never echoes it back). */
export function setLocal(path: string, base: unknown): void {
  const p = params.get(path);
  if (p) p.value = { ...p.value, base, value: p.value.modulated ? p.value.value : base };
}

export async function refreshRoutes(): Promise<void> {
  const result = await api<RoutesResponse>('GET', '/routes');
  if (result.ok) routes.value = result.body.routes;
}

let soon: ReturnType<typeof setTimeout> | null = null;
/** Routes read again shortly (once, however many changes ask meanwhile): after a change the host applies at its next frame. */
export function refreshRoutesSoon(): void {
  soon ??= setTimeout(() => {
    soon = null;
    void refreshRoutes();
  }, 150);
}

export async function refreshSignals(): Promise<void> {
  const result = await api<SignalsResponse>('GET', '/signals');
  if (!result.ok) return;
  signalNames.value = result.body.signals.map((s) => s.name);
  bipolarSignals.value = new Set(result.body.signals.filter((s) => s.polarity === 'bipolar').map((s) => s.name));
}

let lastPreview: string | null = null;

export function start(): void {
  socket.on('connect', () => {
    // Whatever was said while it could not be reached no longer holds.
    problems.value = [];
    connected.value = true;
    subscribe({ stats: true, signals: { names: METER_SIGNALS, rate: 20 }, preview: { width: 640, quality: 70, fps: 15 } });
    void refreshRoutes();
    void refreshSignals();
  });
  socket.on('disconnect', () => (connected.value = false));
  socket.on('connect_error', (error) => (problems.value = [`cannot reach the host: ${error.message}`]));
  socket.on('params:list', applyList);
  socket.on('params:changed', applyChanges);
  socket.on('params:live', (values) => {
    batch(() => {
      for (const [path, value] of Object.entries(values)) {
        const p = params.get(path);
        if (p) p.value = { ...p.value, value, modulated: true };
      }
    });
  });
  socket.on('stats', (s) => (stats.value = s));
  socket.on('signals', (values) => (meters.value = values));
  socket.on('refused', (r) => (problems.value = [...r.problems.map((p) => `${r.event}: ${p}`)].slice(-3)));
  socket.on('preview', (frame, ack) => {
    const url = URL.createObjectURL(new Blob([frame.jpeg as BlobPart], { type: 'image/jpeg' }));
    if (lastPreview) URL.revokeObjectURL(lastPreview);
    lastPreview = url;
    batch(() => {
      previewUrl.value = url;
      previewIndex.value = frame.index;
    });
    ack();
  });
  // Routes' meters, and signals that appear while the show runs (a tablet control moved for the first time).
  setInterval(() => void refreshRoutes(), 1000);
  setInterval(() => void refreshSignals(), 5000);
}
