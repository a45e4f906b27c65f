/*{
  "name": "Mirror",
  "description": "Symmetry: one half (or quarter) of the picture reflected onto the rest.",
  "categories": ["Geometry"],
  "inputs": [
    { "name": "mode", "type": "long", "values": [0, 1, 2, 3, 4], "labels": ["left to right", "right to left", "top to bottom", "bottom to top", "quad"], "default": 0, "label": "Mode" },
    { "name": "mix", "type": "float", "min": 0, "max": 1, "default": 1, "label": "Mix" }
  ],
  "identity": { "mix": 0 }
}*/
fn render(uv: vec2f) -> vec4f {
  var q = uv;
  let m = i32(params.mode);
  if (m == 0 || m == 4) { q.x = select(q.x, 1.0 - q.x, q.x > 0.5); }
  if (m == 1) { q.x = select(q.x, 1.0 - q.x, q.x < 0.5); }
  if (m == 2 || m == 4) { q.y = select(q.y, 1.0 - q.y, q.y > 0.5); }
  if (m == 3) { q.y = select(q.y, 1.0 - q.y, q.y < 0.5); }
  return mix(input(uv), input(q), params.mix);
}
