/*{
  "name": "Edges",
  "description": "Outlines: a Sobel edge detector, drawn over the picture or on black.",
  "categories": ["Stylize"],
  "inputs": [
    { "name": "strength", "type": "float", "min": 0, "max": 8, "default": 2, "label": "Strength" },
    { "name": "mode", "type": "long", "values": [0, 1], "labels": ["outline", "edges only"], "default": 0, "label": "Mode" },
    { "name": "color", "type": "color", "default": "#ffffff", "label": "Colour" },
    { "name": "mix", "type": "float", "min": 0, "max": 1, "default": 1, "label": "Mix" }
  ],
  "identity": { "mix": 0 }
}*/
fn l(uv: vec2f, dx: f32, dy: f32) -> f32 { return luma(input(uv + vec2f(dx, dy) * texel()).rgb); }
fn render(uv: vec2f) -> vec4f {
  let gx = -l(uv, -1.0, -1.0) - 2.0 * l(uv, -1.0, 0.0) - l(uv, -1.0, 1.0) + l(uv, 1.0, -1.0) + 2.0 * l(uv, 1.0, 0.0) + l(uv, 1.0, 1.0);
  let gy = -l(uv, -1.0, -1.0) - 2.0 * l(uv, 0.0, -1.0) - l(uv, 1.0, -1.0) + l(uv, -1.0, 1.0) + 2.0 * l(uv, 0.0, 1.0) + l(uv, 1.0, 1.0);
  let e = clamp(length(vec2f(gx, gy)) * params.strength, 0.0, 1.0);
  let c = input(uv);
  let base = select(c.rgb, vec3f(0.0), params.mode > 0.5);
  let drawn = vec4f(mix(base, params.color.rgb, e), select(c.a, 1.0, params.mode > 0.5));
  return mix(c, drawn, params.mix);
}
