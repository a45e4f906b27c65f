/*{
  "name": "Time echo",
  "description": "Trails: each frame left behind, fading, drifting and scaling away from where it was.",
  "categories": ["Time"],
  "inputs": [
    { "name": "echo", "type": "float", "min": 0, "max": 0.98, "default": 0.8, "label": "Echo" },
    { "name": "drift", "type": "point2D", "min": -0.02, "max": 0.02, "default": [0, 0], "label": "Drift" },
    { "name": "scale", "type": "float", "min": 0.9, "max": 1.1, "default": 1, "label": "Scale" },
    { "name": "mode", "type": "long", "values": [0, 1], "labels": ["blend", "lighten"], "default": 0, "label": "Mode" }
  ],
  "identity": { "echo": 0 }
}*/
fn render(uv: vec2f) -> vec4f {
  let c = input(uv);
  let q = (uv - 0.5 - params.drift) / params.scale + 0.5;
  let inside = step(0.0, q.x) * step(q.x, 1.0) * step(0.0, q.y) * step(q.y, 1.0);
  let h = history(q) * inside * params.echo;
  if (params.mode > 0.5) { return max(c, h); }
  return vec4f(c.rgb * (1.0 - params.echo) + h.rgb, max(c.a, h.a));
}
