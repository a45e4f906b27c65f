/*{
  "name": "Blur",
  "description": "Gaussian blur in two passes (across, then down).",
  "categories": ["Blur"],
  "passes": 2,
  "inputs": [
    { "name": "radius", "type": "float", "min": 0, "max": 32, "default": 4, "label": "Radius", "unit": "pixels" }
  ],
  "identity": { "radius": 0 }
}*/
fn render(uv: vec2f) -> vec4f {
  if (params.radius < 0.5) { return previousPass(uv); }
  let dir = select(vec2f(0.0, 1.0), vec2f(1.0, 0.0), PASS_INDEX < 0.5);
  return gaussianBlur(uv, dir, params.radius, 1.0);
}
