/*{
  "name": "Posterize",
  "description": "Fewer colour levels per channel: flat bands of colour.",
  "categories": ["Colour", "Stylize"],
  "inputs": [
    { "name": "levels", "type": "float", "min": 2, "max": 256, "default": 6, "label": "Levels" },
    { "name": "mix", "type": "float", "min": 0, "max": 1, "default": 1, "label": "Mix" }
  ],
  "identity": { "levels": 256 }
}*/
fn render(uv: vec2f) -> vec4f {
  let c = input(uv);
  let n = max(round(params.levels), 2.0) - 1.0;
  let q = floor(c.rgb * n + 0.5) / n;
  return vec4f(mix(c.rgb, q, params.mix), c.a);
}
