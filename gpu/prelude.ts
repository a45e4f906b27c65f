/**
 * What every effect shader is compiled with, before its own code: the host's uniforms, the bindings and
 * helpers an effect reads, and the full-screen triangle. An effect writes `fn render(uv: vec2f) -> vec4f`
 * (uv 0..1 from the top left, as the frame's rows run) and returns straight-alpha RGBA 0..1.
 */
export const HOST_UNIFORM_BYTES = 64;

/** The host's signals, written once per frame and segment: the layout `Host` has in WGSL below. */
export interface HostSignals {
  time: number;
  frame: number;
  beat: number;
  beatPhase: number;
  bar: number;
  barPhase: number;
  bpm: number;
  /** 1 on the frame an audio onset arrived, decaying to 0. */
  onset: number;
  /** Audio bands 0..1. */
  low: number;
  mid: number;
  high: number;
  level: number;
}

/** Packs the host's signals into `words` (16 floats) in the `Host` struct's order. */
export function packHost(width: number, height: number, s: HostSignals, words: Float32Array): Float32Array {
  words[0] = width;
  words[1] = height;
  words[2] = s.time;
  words[3] = s.frame;
  words[4] = s.beat;
  words[5] = s.beatPhase;
  words[6] = s.bar;
  words[7] = s.barPhase;
  words[8] = s.bpm;
  words[9] = s.onset;
  words[10] = s.level;
  words[11] = 0;
  words[12] = s.low;
  words[13] = s.mid;
  words[14] = s.high;
  words[15] = 0;
  return words;
}

export const PRELUDE = /* wgsl */ `
struct Host {
  resolution: vec2f,
  time: f32,
  frame: f32,
  beat: f32,
  beatPhase: f32,
  bar: f32,
  barPhase: f32,
  bpm: f32,
  onset: f32,
  level: f32,
  _pad0: f32,
  bands: vec4f,
}
@group(0) @binding(0) var<uniform> host: Host;
@group(0) @binding(2) var inputTexture: texture_2d<f32>;
@group(0) @binding(3) var passTexture: texture_2d<f32>;
@group(0) @binding(4) var historyTexture: texture_2d<f32>;
@group(0) @binding(5) var linearSampler: sampler;
@group(0) @binding(6) var spectrumTexture: texture_2d<f32>;
override PASS_INDEX: f32 = 0.0;

/** The effect's input at uv (bilinear, clamped at the edges). */
fn input(uv: vec2f) -> vec4f { return textureSampleLevel(inputTexture, linearSampler, uv, 0.0); }
/** The previous pass's output (the input on the first pass). */
fn previousPass(uv: vec2f) -> vec4f { return textureSampleLevel(passTexture, linearSampler, uv, 0.0); }
/** This effect's own output on the previous frame (trails, feedback, time echo). */
fn history(uv: vec2f) -> vec4f { return textureSampleLevel(historyTexture, linearSampler, uv, 0.0); }
/** The audio spectrum at x (0: 30 Hz .. 1: 16 kHz, log-spaced), 0..1; 0 without audio. */
fn spectrum(x: f32) -> f32 {
  let p = clamp(x, 0.0, 1.0) * f32(textureDimensions(spectrumTexture).x - 1u);
  let i = u32(floor(p));
  let a = textureLoad(spectrumTexture, vec2u(i, 0u), 0).r;
  let b = textureLoad(spectrumTexture, vec2u(min(i + 1u, textureDimensions(spectrumTexture).x - 1u), 0u), 0).r;
  return mix(a, b, fract(p));
}
/**
 * The previous pass blurred along dir (one axis of a separable gaussian): taps minSpacing pixels apart up
 * to 8 either side, spread further only for a wide radius.
 */
fn gaussianBlur(uv: vec2f, dir: vec2f, radius: f32, minSpacing: f32) -> vec4f {
  let sigma = max(radius, 1e-3) / 2.0;
  let spacing = max(minSpacing, radius / 8.0);
  let taps = i32(ceil(radius / spacing));
  var sum = vec4f(0.0);
  var weight = 0.0;
  for (var i = -taps; i <= taps; i++) {
    let x = f32(i) * spacing;
    let w = exp(-0.5 * x * x / (sigma * sigma));
    sum += previousPass(uv + dir * x / host.resolution) * w;
    weight += w;
  }
  return sum / weight;
}
/** One pixel in uv units. */
fn texel() -> vec2f { return 1.0 / host.resolution; }
fn luma(c: vec3f) -> f32 { return dot(c, vec3f(0.2126, 0.7152, 0.0722)); }
fn hash21(p: vec2f) -> f32 { return fract(sin(dot(p, vec2f(127.1, 311.7))) * 43758.5453); }
fn valueNoise(p: vec2f) -> f32 {
  let i = floor(p);
  let f = fract(p);
  let u = f * f * (3.0 - 2.0 * f);
  return mix(mix(hash21(i), hash21(i + vec2f(1.0, 0.0)), u.x), mix(hash21(i + vec2f(0.0, 1.0)), hash21(i + vec2f(1.0, 1.0)), u.x), u.y);
}
fn rgb2hsv(c: vec3f) -> vec3f {
  let k = vec4f(0.0, -1.0 / 3.0, 2.0 / 3.0, -1.0);
  let p = mix(vec4f(c.bg, k.wz), vec4f(c.gb, k.xy), step(c.b, c.g));
  let q = mix(vec4f(p.xyw, c.r), vec4f(c.r, p.yzx), step(p.x, c.r));
  let d = q.x - min(q.w, q.y);
  return vec3f(abs(q.z + (q.w - q.y) / (6.0 * d + 1e-10)), d / (q.x + 1e-10), q.x);
}
fn hsv2rgb(c: vec3f) -> vec3f {
  let p = abs(fract(c.xxx + vec3f(1.0, 2.0 / 3.0, 1.0 / 3.0)) * 6.0 - 3.0);
  return c.z * mix(vec3f(1.0), clamp(p - 1.0, vec3f(0.0), vec3f(1.0)), c.y);
}
`;

export const EPILOGUE = /* wgsl */ `
struct VertexOut { @builtin(position) position: vec4f }
@vertex fn vertexMain(@builtin(vertex_index) i: u32) -> VertexOut {
  let xy = vec2f(f32((i << 1u) & 2u), f32(i & 2u));
  return VertexOut(vec4f(xy * 2.0 - 1.0, 0.0, 1.0));
}
@fragment fn fragmentMain(v: VertexOut) -> @location(0) vec4f {
  return clamp(render(v.position.xy / host.resolution), vec4f(0.0), vec4f(1.0));
}
`;
