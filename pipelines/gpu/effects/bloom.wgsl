/*{
  "name": "Bloom",
  "description": "Glow: the bright parts blurred and added back over the picture.",
  "categories": ["Blur", "Light"],
  "passes": 4,
  "inputs": [
    { "name": "threshold", "type": "float", "min": 0, "max": 1, "default": 0.6, "label": "Threshold" },
    { "name": "intensity", "type": "float", "min": 0, "max": 4, "default": 1, "label": "Intensity" },
    { "name": "radius", "type": "float", "min": 1, "max": 32, "default": 10, "label": "Radius", "unit": "pixels" },
    { "name": "onBeat", "type": "float", "min": 0, "max": 1, "default": 0, "label": "Beat pulse" }
  ],
  "identity": { "intensity": 0, "onBeat": 0 }
}*/
// Pass 0 keeps the bright parts, 1 and 2 blur them (across, down; taps two pixels apart: a glow needs no
// finer), 3 adds them over the input.
fn render(uv: vec2f) -> vec4f {
  if (PASS_INDEX < 0.5) {
    let c = input(uv);
    let k = smoothstep(params.threshold, min(params.threshold + 0.2, 1.0001), luma(c.rgb));
    return vec4f(c.rgb * k, 1.0);
  }
  if (PASS_INDEX < 2.5) {
    let dir = select(vec2f(0.0, 1.0), vec2f(1.0, 0.0), PASS_INDEX < 1.5);
    return gaussianBlur(uv, dir, params.radius, 2.0);
  }
  let c = input(uv);
  let glow = previousPass(uv).rgb * (params.intensity + params.onBeat * (1.0 - host.beatPhase) * 2.0);
  return vec4f(c.rgb + glow, max(c.a, luma(glow)));
}
